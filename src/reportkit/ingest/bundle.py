"""Turn input paths into a bundle: files checked, pages read (in parallel, with limits), numbered 1..N."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reportkit.errors import InputError
from reportkit.ingest.cache import PageCache
from reportkit.ingest.pdf import FileInfo
from reportkit.ingest.recover import cut_short, damaged_pages, pages_damaged
from reportkit.models import Page, PartRead, Skipped, Source, TextSource

if TYPE_CHECKING:  # OCR is imported where it is used: checking inputs (all a cached re-run does) needs none
    from reportkit.ingest.ocr import OcrSettings
    from reportkit.ingest.ocrpage import OcrPage
    from reportkit.understand.documents import AnalysedPage
    from reportkit.workers import Limits, WorkerPool

MIN_CHUNK_PAGES, MAX_CHUNK_PAGES = 32, 256
"""Pages per reading task: a large file is spread over the workers in runs that shrink towards its end."""
MIN_CHARS = 10
"""A page with fewer non-space characters than this has no usable text layer."""

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; stage is ``files`` or ``pages``."""


@dataclass
class Bundle:
    """Everything read from the inputs. ``texts[i]`` is the text of bundle page ``i + 1``."""

    sources: list[Source] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    """``files[i]``: where ``sources[i]`` was read from (the index records the file by name only)."""
    pages: list[Page] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    outline_starts: set[int] = field(default_factory=set)
    """Bundle pages that a PDF outline entry points to."""
    skipped: list[Skipped] = field(default_factory=list)
    encrypted: bool = False
    """Some file needed a password (its text must not be cached)."""
    debug: list[str] = field(default_factory=list)
    """Parser messages for --debug (may quote file bytes; never logged otherwise)."""
    ocr: dict[int, OcrPage] = field(default_factory=dict)
    """OCR readings by bundle page (failed ones too)."""
    ocr_wanted: int = 0
    """Pages that needed OCR (read or not)."""
    ocr_warnings: list[str] = field(default_factory=list)
    """Pages OCR could not read, or read at a lower resolution (file and page named, no record text)."""
    read_in_part: list[PartRead] = field(default_factory=list)
    """Files read only in part (a damaged file's recovered pages: :mod:`reportkit.ingest.recover`)."""
    passwords: list[str | None] = field(default_factory=list)
    """The password that opened each source (for writing the searchable copy)."""
    sizes: list[tuple[int, int] | None] = field(default_factory=list)
    """``sizes[i]``: page ``i + 1``'s size in points (None: not known)."""
    analysed: list[AnalysedPage | None] = field(default_factory=list)
    """``analysed[i]``: page ``i + 1``'s lines and split signals, when the reading worker worked them out
    (None for a page read from the cache or by OCR: the analysis stage does those)."""

    def take_analysed(self) -> list[AnalysedPage | None]:
        """:attr:`analysed`, handed over: the bundle holds it no longer (at 5,000 pages the split signals are
        ~7 MB that the document analysis can let go of once the pages are split into documents)."""
        analysed, self.analysed = self.analysed, []
        return analysed


def expand_inputs(inputs: Sequence[Path], keep_problems: bool = False) -> list[Path]:
    """Files as given, folders as every ``*.pdf`` below them (any case), sorted by path. ``keep_problems``:
    a folder without PDF files stays in the list as itself, and a ``*.pdf`` in a folder that is no file (a
    broken link, a pipe) as itself, for :func:`check_inputs` to set aside by name with the rest still read;
    else a folder without PDF files is an InputError."""
    if not inputs:
        raise InputError("No input given.", hint="Name one or more PDF files or folders.")
    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            found = sorted(p for p in item.rglob("*") if p.suffix.lower() == ".pdf" and
                           (p.is_file() or (keep_problems and not p.is_dir())))  # fmt: skip
            if not found and not keep_problems:
                raise InputError(f"{item}: the folder holds no PDF files.", hint="Check the folder.")
            files.extend(found or [item])
        else:
            files.append(item)  # missing files are reported per file, with the others still indexed
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


_MAGIC = [
    (b"PK\x03\x04", "a ZIP archive or Word/Excel document"),
    (b"\xd0\xcf\x11\xe0", "a legacy Microsoft Office document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG", "a PNG image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"{\\rtf", "an RTF document"),
    (b"<", "an HTML or XML file"),
]


@dataclass(frozen=True)
class InputFile:
    """An input file after the first look: its hash, or why it is skipped before any PDF parsing."""

    path: Path
    sha256: str | None
    skipped: Skipped | None
    name: str = ""
    """What the index calls the file (see :func:`input_names`); the path as given when empty."""

    @property
    def label(self) -> str:
        return self.name or self.path.as_posix()


def check_inputs(inputs: Sequence[Path], names_from: Path | None = None) -> list[InputFile]:
    """Expand folders, hash every file, and set aside what is missing, empty or not a PDF. ``names_from``:
    the folder files are named from (see :func:`input_names`), to index again the files an index names."""
    files = expand_inputs(inputs, keep_problems=True)
    names = input_names(inputs, files, names_from)
    return [InputFile(path, *_check_file(path, name), name=name) for path, name in zip(files, names, strict=True)]


def input_names(inputs: Sequence[Path], files: Sequence[Path], names_from: Path | None = None) -> list[str]:
    """The name each file is recorded by: its path from the folder that holds every input (the parent of each
    file or folder named; ``names_from`` when given), with forward slashes. The same files give the same names
    however their paths were typed (relative or absolute, from any working folder); links are not followed, so
    names stay the user's."""
    parents = [os.path.dirname(os.path.abspath(p)) for p in inputs]
    base = os.path.commonpath(parents) if parents else os.getcwd()
    if names_from is not None:
        base = os.path.abspath(names_from)
    return [Path(os.path.relpath(os.path.abspath(f), base)).as_posix() for f in files]


def _check_file(path: Path, name: str) -> tuple[str | None, Skipped | None]:
    """Hash a file and check it looks like a PDF. Returns (sha256, None) or (sha256 or None, Skipped)."""
    if not path.exists():
        return None, Skipped(name, None, "missing", f"{name}: file not found. Check the path.")
    if path.is_dir():
        return None, Skipped(name, None, "missing", f"{name}: the folder holds no PDF files. Check the folder.")
    if not path.is_file():
        return None, Skipped(name, None, "missing", f"{name}: not a file. Name a PDF file or a folder.")
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
            digest.update(head)
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None, Skipped(name, None, "missing", f"{name}: cannot be read (permissions?).")
    sha = digest.hexdigest()
    if not head:
        return sha, Skipped(name, sha, "empty", f"{name}: the file is empty (0 bytes). Ask the sender again.")
    if b"%PDF-" not in head:
        kind = next((label for magic, label in _MAGIC if head.lstrip().startswith(magic)), "")
        looks = f" (it looks like {kind})" if kind else ""
        return sha, Skipped(
            name, sha, "not_pdf", f"{name}: not a PDF{looks}. Convert it to PDF first, or leave it out."
        )
    return sha, None


def problem_message(name: str, problem: str, limits: Limits) -> str:
    """A person's explanation of a reading problem, naming the file and what to do."""
    return {
        "encrypted": f"{name}: the PDF is encrypted. Give its password with --password-file FILE "
        "(one password per line).",
        "wrong_password": f"{name}: none of the passwords in the password file opens this PDF. "
        "Check the password with the sender.",
        "timeout": f"{name}: reading took longer than {limits.timeout:g} s and was stopped. "
        "Raise --file-timeout if the file is just very large, or ask the sender for a new copy.",
        "memory": f"{name}: reading needed more than {limits.memory_mb} MB and was stopped. "
        "Raise --max-memory if the file is just very large, or ask the sender for a new copy.",
        "crashed": f"{name}: the PDF reader stopped on this file: it ran past its memory limit "
        f"({limits.memory_mb} MB) or crashed. Raise --max-memory if the file is just very large, "
        "or ask the sender for a new copy.",
    }.get(problem, f"{name}: the PDF is damaged and could not be repaired. Ask the sender for a new copy.")


@dataclass
class _FileState:
    path: Path
    sha256: str
    name: str
    """What the index calls the file."""
    info: FileInfo | None = None
    texts: list[str | None] = field(default_factory=list)
    repair_to: str | None = None
    """Where a damaged copy of it may be repaired (see :mod:`reportkit.ingest.recover`)."""
    problem: str = ""
    ocr: dict[int, OcrPage] = field(default_factory=dict)
    """OCR readings by 0-based page index."""
    wanted: set[int] | None = None
    """0-based pages without a usable text layer, as the reading workers found (None: not checked yet)."""
    scan_sizes: dict[int, int] = field(default_factory=dict)
    """Of those pages, the stored size of their images: the pages OCR takes longest on go first."""
    analysed: list[AnalysedPage | None] = field(default_factory=list)
    first_page: int = 0
    """The bundle number the reading workers gave this file's first page (0: none given)."""
    only_text: set[int] = field(default_factory=set)
    """0-based pages whose short text layer is all they hold (not OCR'd: ``OcrPage.only_text``)."""

    @property
    def read_from(self) -> str:
        """The file the pages are read from: the input, or its repaired copy."""
        return self.info.repaired if self.info is not None and self.info.repaired else str(self.path)


def read_pages(
    path: str, password: str | None, engine: str, start: int, stop: int, check: bool
) -> tuple[list[str], dict[int, int], list[str]]:
    """The text of pages ``start`` .. ``stop - 1``; when ``check``, which of them have no usable text layer
    (with the stored size of their images: see :func:`reportkit.ingest.pdf.scan_sizes`); and what the PDF
    libraries logged while reading (for --debug only). The worker task "read" is this and the pages'
    analysis (:func:`reportkit.understand.reading.read_and_analyse`)."""
    from reportkit.ingest.pdf import extract, heard, scan_sizes
    from reportkit.ingest.textquality import needs_ocr

    with heard() as messages:
        texts = extract(path, password, engine, start, stop)
        wanted = [start + k for k, text in enumerate(texts) if check and needs_ocr(text, MIN_CHARS)]
        sizes = scan_sizes(path, password, wanted) if engine != "pypdf" else dict.fromkeys(wanted, 0)
    return texts, sizes, messages


def read_bundle(
    inputs: Sequence[Path] | Sequence[InputFile],
    *,
    passwords: Sequence[str] = (),
    pool: WorkerPool,
    cache: PageCache | None = None,
    progress: Progress | None = None,
    ocr_mode: str = "never",
    ocr_settings: OcrSettings | None = None,
    analyse: bool = False,
    text_layers: bool = False,
    repair_dir: str | None = None,
) -> Bundle:
    """Read every input file's pages. A file that fails is skipped (and named), never the whole bundle.

    ``ocr_mode``: ``auto`` OCRs pages without a usable text layer, ``always`` every page, ``never`` none;
    ``ocr_settings`` None means OCR is unavailable (the pages needing it are only counted). ``analyse``: the
    reading workers also split each page they read into lines and split signals (``Bundle.analysed``).
    ``text_layers``: the OCR workers also make each page's text layer for a searchable copy. ``repair_dir``: a
    private folder, while this runs, to repair damaged files in (without it they are skipped)."""
    from reportkit.workers import Task, guided_runs

    limits = pool.limits
    cache = cache or PageCache(None)
    files = [f for f in inputs if isinstance(f, InputFile)]
    if len(files) != len(inputs):
        files = check_inputs([Path(p) for p in inputs if not isinstance(p, InputFile)])
    bundle = Bundle()
    states: list[_FileState | Skipped] = []
    for file in files:
        if file.skipped is not None:
            states.append(file.skipped)
            continue
        assert file.sha256 is not None
        state = _FileState(file.path, file.sha256, file.label)
        state.repair_to = os.path.join(repair_dir, f"{len(states)}.pdf") if repair_dir else None
        cached = cache.get(file.sha256)
        if cached is not None:
            state.info, texts = cached
            state.texts = list(texts)
        states.append(state)

    to_read = [s for s in states if isinstance(s, _FileState) and s.info is None]
    if to_read:
        probes = [Task(i, "probe", (str(s.path), list(passwords), s.repair_to)) for i, s in enumerate(to_read)]
        for outcome in pool.map(probes):
            state = to_read[outcome.key]
            if outcome.ok:
                state.info, messages = outcome.value
                state.texts = [None] * state.info.page_count
                _heard(bundle, state, messages)
            else:
                state.problem = outcome.problem
                bundle.debug.append(f"{state.sha256[:12]}: {outcome.problem}: {outcome.detail}")
            if progress:
                progress("files", sum(1 for s in to_read if s.info or s.problem), len(to_read))
        _number_pages(states, analyse and ocr_mode != "always")
        tasks = []
        for i, state in enumerate(to_read):
            if state.info is None:
                continue
            pw_index = state.info.password_index
            password = passwords[pw_index] if pw_index is not None else None
            for start, stop in guided_runs(state.info.page_count, pool.jobs, MIN_CHUNK_PAGES, MAX_CHUNK_PAGES):
                first = state.first_page + start if state.first_page else None
                args = (state.read_from, password, state.info.engine, start, stop, ocr_mode == "auto", first)
                tasks.append(Task((i, start), "read", args))
            state.wanted = set() if ocr_mode == "auto" else None
            state.analysed = [None] * state.info.page_count
        total = sum(s.info.page_count for s in to_read if s.info)
        done = 0
        for outcome in pool.map(tasks):
            i, start = outcome.key
            state = to_read[i]
            if outcome.ok:
                texts, scans, analysed, messages = outcome.value  # scans: the pages OCR wants, their images' size
                _heard(bundle, state, messages)
                state.texts[start : start + len(texts)] = texts
                state.analysed[start : start + len(texts)] = analysed
                if state.wanted is not None:
                    state.wanted.update(scans)
                    state.scan_sizes.update(scans)
                done += len(texts)
            elif not state.problem:
                state.problem = outcome.problem
                bundle.debug.append(f"{state.sha256[:12]}: {outcome.problem}: {outcome.detail}")
            if progress:
                progress("pages", done, total)
    for state in to_read:
        # Text of a password-protected file is never cached (readable without it), nor a repaired file's (gone).
        if not state.problem and (info := state.info) is not None and info.password_index is None and not info.repaired:
            cache.put(state.sha256, info, [t or "" for t in state.texts])

    files_read = [s for s in states if isinstance(s, _FileState)]
    _ocr(bundle, files_read, passwords, pool, ocr_mode, ocr_settings, progress, text_layers)

    for entry in states:
        if isinstance(entry, Skipped):
            bundle.skipped.append(entry)
            continue
        name = entry.name
        if entry.problem or entry.info is None:
            message = problem_message(name, entry.problem, limits)
            bundle.skipped.append(Skipped(name, entry.sha256, entry.problem or "damaged", message))
            continue
        _add_source(bundle, name, entry, [t or "" for t in entry.texts])
        pw_index = entry.info.password_index
        bundle.passwords.append(passwords[pw_index] if pw_index is not None else None)
        bundle.encrypted |= pw_index is not None
    return bundle


def _heard(bundle: Bundle, state: _FileState, messages: list[str]) -> None:
    """Keep what the PDF libraries said about a file for --debug (each message once per file)."""
    for message in messages:
        line = f"{state.sha256[:12]}: {message}"
        if line not in bundle.debug:
            bundle.debug.append(line)


def _renumbered(analysed: AnalysedPage, page: int) -> AnalysedPage:
    lines, signals = analysed
    return replace(lines, page=page), replace(signals, page=page)


def _number_pages(states: Sequence[_FileState | Skipped], analyse: bool) -> None:
    """Give each file to be read the bundle number of its first page (for the workers' page analyses), as
    if every file opened so far will be read to the end; a file that fails later shifts the pages after it,
    and their analyses are renumbered then."""
    if not analyse:
        return
    next_page = 1
    for state in states:
        if isinstance(state, _FileState) and state.info is not None and not state.problem:
            state.first_page = next_page
            next_page += state.info.page_count


def _ocr(
    bundle: Bundle,
    states: list[_FileState],
    passwords: Sequence[str],
    pool: WorkerPool,
    mode: str,
    settings: OcrSettings | None,
    progress: Progress | None,
    text_layers: bool = False,
) -> None:
    """OCR the pages that need it, one task per page, in parallel on the pool."""
    from reportkit.ingest.ocr import cached_page
    from reportkit.ingest.ocrpage import OcrPage
    from reportkit.ingest.textquality import needs_ocr
    from reportkit.workers import Task

    if mode == "never":
        return
    tasks = []
    for i, state in enumerate(states):
        if state.problem or state.info is None:
            continue
        pw_index = state.info.password_index
        password = passwords[pw_index] if pw_index is not None else None
        for page, text in enumerate(state.texts):
            if mode == "always" or (
                page in state.wanted if state.wanted is not None else needs_ocr(text or "", MIN_CHARS)
            ):
                bundle.ocr_wanted += 1
                if settings is None:
                    continue
                if password is None and (known := cached_page(state.sha256, page, settings)) is not None:
                    state.ocr[page] = known  # this file was OCR'd before: not even rendered again
                    continue
                file_settings = settings if password is None else replace(settings, cache_dir=None)
                # OCR may read a page up to five times (orientation retries): the task's limit allows that
                timeout = settings.timeout * 6 + 60
                sha256 = state.sha256 if password is None else None
                has_text = mode == "auto" and bool((text or "").strip())  # short: else it would need no OCR
                args = (state.read_from, password, page, file_settings, sha256, has_text, text_layers)
                tasks.append(Task((i, page), "ocr", args, timeout))
    # The longest pages first (a scan's stored size foretells its ink): the workers then end together, not
    # one of them reading a page of dense notes while the other waits. Results are kept by page either way.
    tasks.sort(key=lambda task: -states[task.key[0]].scan_sizes.get(task.key[1], 0))
    for done, outcome in enumerate(pool.map(tasks), start=1):
        i, page = outcome.key
        state = states[i]
        if outcome.ok and outcome.value.only_text:
            bundle.ocr_wanted -= 1  # a short page of text and nothing else: its text layer is all there is
            state.only_text.add(page)
        elif outcome.ok:
            state.ocr[page] = outcome.value
        else:
            reason = {"timeout": "OCR took too long and was stopped", "memory": "OCR ran out of memory"}.get(
                outcome.problem, "OCR failed"
            )
            state.ocr[page] = OcrPage("", None, warning=reason, failed=True)
            bundle.debug.append(f"{state.sha256[:12]} page {page + 1}: {outcome.problem}: {outcome.detail}")
        if progress:
            progress("ocr", done, len(tasks))


def _add_source(bundle: Bundle, name: str, state: _FileState, texts: list[str]) -> None:
    from reportkit.ingest.ocrfix import normalise_ocr

    assert state.info is not None
    info, ocr = state.info, state.ocr
    source_index = len(bundle.sources)
    first = len(bundle.pages) + 1
    bundle.sources.append(Source(name, state.sha256, info.page_count, first, first + info.page_count - 1))
    bundle.files.append(state.path)
    analysed = state.analysed or [None] * info.page_count
    if state.first_page and state.first_page != first:  # a file before this one failed after it was opened
        analysed = [_renumbered(a, first + offset) if a else None for offset, a in enumerate(analysed)]
    for offset, text in enumerate(texts):
        chars = len("".join(text.split()))
        text_source: TextSource = "embedded" if chars >= MIN_CHARS or offset in state.only_text else "none"
        confidence = None
        reading = ocr.get(offset)
        if reading is not None:
            bundle.ocr[first + offset] = reading
            if reading.warning:
                bundle.ocr_warnings.append(f"{name} page {offset + 1}: {reading.warning}")
            ocr_text = "" if reading.failed else normalise_ocr(reading.text)
            ocr_chars = len("".join(ocr_text.split()))
            if not reading.failed and (ocr_chars or text_source == "none"):
                # OCR'd, even when it found nothing (a blank page); when OCR finds nothing on a page that has
                # a text layer (--ocr always), the page keeps its own text
                text, chars = ocr_text, ocr_chars
                text_source = "ocr"
                confidence = reading.confidence
        bundle.pages.append(Page(first + offset, source_index, offset + 1, text_source, chars, confidence))
        bundle.texts.append(text)
        bundle.sizes.append(info.page_sizes[offset] if offset < len(info.page_sizes) else None)
        bundle.analysed.append(None if text_source == "ocr" else analysed[offset])
    blank = [page.page for page in bundle.pages[first - 1 :] if not page.chars]
    if info.repaired:  # its pages are in: which of them read blank can be said
        bundle.read_in_part.append(cut_short(name, state.sha256, info.page_count, blank))
    elif blank and info.password_index is None and (damaged := damaged_pages(state.read_from)):
        bundle.read_in_part.append(pages_damaged(name, state.sha256, first, damaged, blank))
    bundle.outline_starts.update(first + index for index in info.outline_pages)


def ocr_summary(bundle: Bundle, unavailable: str) -> list[str]:
    """Bundle-level warnings about OCR: pages not read and why, pages read with low confidence."""
    from reportkit.ingest.ocr import LOW_CONFIDENCE

    warnings = []
    if unavailable and bundle.ocr_wanted:
        warnings.append(f"{bundle.ocr_wanted} page(s) need OCR and were not read. {unavailable}")
    read = [p for p in bundle.pages if p.text_source == "ocr"]
    if read:
        confidences = [p.confidence for p in read if p.confidence is not None]
        low = sum(1 for c in confidences if c < LOW_CONFIDENCE)
        blank = sum(1 for p in read if not p.chars)
        line = f"{len(read)} page(s) read by OCR"
        if confidences:  # (no confidence at all: only blank pages, where there was nothing to be sure of)
            line += f", mean confidence {sum(confidences) / len(confidences):.0f}%"
        if blank:
            line += f"; {blank} with no text found (blank?)"
        if low:
            line += f"; {low} under {LOW_CONFIDENCE:.0f}%: check values taken from them"
        warnings.append(line)
    warnings.extend(bundle.ocr_warnings)
    return warnings
