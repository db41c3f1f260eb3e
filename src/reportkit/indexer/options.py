"""The options of an ``index`` run, its result, and the settings and OCR set-up they give."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reportkit.errors import ExitCode, InputError, UsageError
from reportkit.index.summary import IndexSummary
from reportkit.ingest.cache import default_cache_dir, private_root
from reportkit.models import RecordIndex, Skipped
from reportkit.understand.duplicates import DEFAULT_THRESHOLD
from reportkit.version import __version__

# OCR, overrides and search are imported where they are used: a re-run served from the result cache (and a
# command that does not index) never needs them.
if TYPE_CHECKING:
    from reportkit.ingest.ocr import OcrSettings
    from reportkit.overrides import Overrides

TOOL = f"reportkit {__version__}"
OCR_MODES = ("auto", "always", "never")


@dataclass(frozen=True)
class IndexOptions:
    """Settings of one ``index`` run. Only ``gap_days``, ``duplicate_threshold``, ``overrides`` and the ``ocr``
    settings change what index.json says."""

    passwords: tuple[str, ...] = ()
    """Passwords to try on encrypted inputs (in order)."""
    jobs: int = field(default_factory=lambda: max(1, min(os.cpu_count() or 1, 8)))
    """Worker processes that read PDFs."""
    file_timeout: float = 300.0
    """Seconds one reading task may take before its file is skipped."""
    max_memory_mb: int = 2048
    """Memory (address space) one reading process may use before its file is skipped."""
    use_cache: bool = True
    cache_dir: Path | None = None
    """Where extracted text is cached; None means the default (see reportkit.ingest.cache)."""
    gap_days: int = 30
    """Treatment gaps longer than this many days are listed."""
    duplicate_threshold: float = DEFAULT_THRESHOLD
    """A document at least this similar (Jaccard of word shingles, 0-1) to an earlier one is its duplicate."""
    overrides: Path | None = None
    """A reviewer's overrides file (YAML; see reportkit.overrides)."""
    force: bool = False
    """Replace existing outputs."""
    bates_map: Path | None = None
    """A packet's bates_map.json: index.md, .csv and .docx then cite Bates numbers (index.json is unchanged)."""
    case_header: Mapping[str, str] | None = None
    """The case's examinee, date of birth and claim number (``name``, ``dob``, ``claim_number``, from
    case.yaml) for the case header of index.html and index.docx; without it, what the records say."""
    names_from: Path | None = None
    """The folder the files are named from in the index (their ``sources[].path``) [default: the folder that
    holds every input]: to index again exactly the files an index names (``reportkit review`` does)."""
    link_base: str | None = None
    """Where index.html's links to the source files point: this URL or folder followed by each file's name in
    the index (for a bundle that will move). By default, relative to the output folder."""
    ocr: str = "auto"
    """``auto``: OCR pages without a usable text layer; ``always``: OCR every page; ``never``."""
    ocr_lang: str = "eng"
    """Tesseract language(s), e.g. ``eng`` or ``eng+spa``."""
    ocr_dpi: int = 300
    """Resolution pages are rendered at for OCR."""
    ocr_timeout: float = 120.0
    """Seconds one tesseract run on one page may take before the page is marked unread."""
    ocr_output: Path | None = None
    """Also write a searchable copy of the bundle (an invisible text layer on OCR'd pages) to this PDF."""
    since: Path | None = None
    """A previous index.json (or its folder): keep its ids for unchanged documents and record in index.json
    which documents are new, changed or gone (see reportkit.index.since)."""


@dataclass(frozen=True)
class IndexResult:
    summary: IndexSummary
    """Counts, warnings and skipped files: what the command line prints."""
    written: list[Path]
    cache_hits: int
    seconds: float
    debug: list[str]
    """Parser messages (may quote file bytes): show only with --debug."""
    from_cache: bool = False
    """The whole result came from the cache (inputs and settings unchanged)."""
    notes: list[str] = field(default_factory=list)
    """Things to tell the user once (e.g. that pages need OCR and how to install it)."""
    index_json: bytes = field(default=b"", repr=False)
    """The bytes of the index.json written."""
    built: RecordIndex | None = field(default=None, repr=False, compare=False)
    """The index, when this run built it (a run from the cache has only its bytes: see ``index``)."""

    @cached_property
    def index(self) -> RecordIndex:
        """The index written (read from ``index_json`` when first asked for, if the run came from the cache)."""
        return self.built if self.built is not None else RecordIndex.from_dict(json.loads(self.index_json))

    @property
    def skipped(self) -> list[Skipped]:
        return list(self.summary.skipped)

    @property
    def exit_code(self) -> ExitCode:
        """PARTIAL when a file was skipped, or read only in part (a damaged file's recovered pages, or pages
        whose contents do not decode)."""
        return ExitCode.PARTIAL if self.summary.skipped or self.summary.read_in_part else ExitCode.OK


def read_password_file(path: Path) -> tuple[str, ...]:
    """Passwords, one per line (blank lines ignored; spaces inside a password kept)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: password file not found.", hint="Check the --password-file path.") from None
    except (OSError, UnicodeDecodeError):
        raise InputError(f"{path}: cannot read the password file.", hint="Save it as UTF-8 text.") from None
    passwords = tuple(line.rstrip("\r\n") for line in lines if line.strip())
    if not passwords:
        raise InputError(f"{path}: the password file is empty.", hint="Put one password per line.")
    return passwords


def read_options_overrides(options: IndexOptions) -> Overrides | None:
    """The overrides file the options name, read (None without one), once the options are checked."""
    check_threshold(options.duplicate_threshold)
    check_ocr_lang(options.ocr_lang)
    if not options.overrides:
        return None
    from reportkit.overrides import read_overrides

    return read_overrides(options.overrides)


def check_ocr_output(target: Path, inputs: Sequence[Path]) -> None:
    """Refuse a searchable copy that would replace an input or land among the inputs: the records are only
    ever read (and a copy inside an input folder would be read as a record by the next run)."""
    if str(target) in ("", ".") or target.is_dir():
        raise UsageError(
            f"{target or '(empty)'}: --ocr-output is a folder; it names the searchable PDF to write.",
            hint="Give a file name, e.g. --ocr-output searchable.pdf.",
        )
    where = target.resolve()
    for item in inputs:
        source = item.resolve()
        if source.is_dir() and source in where.parents:
            raise UsageError(
                f"{target}: --ocr-output is inside the input folder {item}.",
                hint="Write the searchable copy outside the records (the next run would read it as one).",
            )
        if where == source or (target.exists() and item.is_file() and os.path.samefile(target, item)):
            raise UsageError(
                f"{target}: --ocr-output names the input {item}; reportkit never changes its inputs.",
                hint="Give the searchable copy a name of its own, outside the records.",
            )
    folders = [i for i in inputs if i.is_dir()]
    if target.is_file() and folders:  # a hard link elsewhere to a file in an input folder is that file too
        from reportkit.ingest.bundle import expand_inputs

        for path in expand_inputs(folders):
            if os.path.samefile(target, path):
                raise UsageError(
                    f"{target}: --ocr-output is a link to the input {path}; reportkit never changes its inputs.",
                    hint="Give the searchable copy a name of its own, outside the records.",
                )


_LANG_CODE = r"[A-Za-z][A-Za-z0-9_]*(?:/[A-Za-z][A-Za-z0-9_]*)?"
_OCR_LANG = re.compile(rf"{_LANG_CODE}(?:\+{_LANG_CODE})*")
"""Tesseract language codes joined by ``+``: ``eng``, ``eng+spa``, ``chi_sim``, ``script/Latin``."""


def check_ocr_lang(value: str) -> None:
    if not _OCR_LANG.fullmatch(value):
        raise UsageError(
            f"--ocr-lang {value!r} is not a list of Tesseract languages.",
            hint="Give language codes joined by +, e.g. eng or eng+spa (`tesseract --list-langs` lists them).",
        )


def check_threshold(value: float) -> None:
    if not 0.0 < value <= 1.0:
        raise InputError(
            f"duplicate threshold {value} is out of range.", hint="Give a similarity between 0 and 1, e.g. 0.85."
        )


def cache_root(options: IndexOptions) -> Path | None:
    return private_root(options.cache_dir or default_cache_dir()) if options.use_cache else None


def index_settings(options: IndexOptions, overrides: Overrides | None) -> dict[str, object]:
    """The settings that change what the index says (recorded in index.json and in cache keys)."""
    settings: dict[str, object] = {
        "gap_days": options.gap_days,
        "duplicate_threshold": options.duplicate_threshold,
        "ocr": options.ocr,
    }
    if options.ocr != "never":
        settings.update(ocr_lang=options.ocr_lang, ocr_dpi=options.ocr_dpi)
    if overrides is not None:
        settings["overrides_sha256"] = overrides.sha256
    return settings


def ocr_setup(options: IndexOptions) -> tuple[OcrSettings | None, str]:
    """OCR settings for this run (None when OCR is off or unavailable) and, if unavailable, why."""
    if options.ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {', '.join(OCR_MODES)}, not {options.ocr!r}")
    if options.ocr == "never":
        return None, ""
    from reportkit.ingest.ocr import INSTALL_HINT, OcrSettings, find_tesseract, missing_langs

    engine = find_tesseract()
    if engine is None:
        return None, f"Tesseract (OCR) is not installed: {INSTALL_HINT}"
    missing = missing_langs(engine, options.ocr_lang)
    if missing:
        cased = [code for code in missing if code.lower() in engine.langs]
        if cased:  # "ENG": the codes are lower case
            fixed = "+".join(code.lower() if code in cased else code for code in options.ocr_lang.split("+"))
            return None, f"Tesseract has no language {', '.join(cased)}: its codes are lower case (--ocr-lang {fixed})"
        packages = " ".join(f"tesseract-ocr-{code.lower().replace('_', '-')}" for code in missing if "/" not in code)
        install = f"install it (sudo apt-get install {packages}) or " if packages else "install its data, or "
        return None, (
            f"Tesseract has no language data for {', '.join(missing)} (--ocr-lang {options.ocr_lang}): "
            f"{install}choose another --ocr-lang"
        )
    root = cache_root(options)
    return OcrSettings(
        lang=options.ocr_lang,
        dpi=options.ocr_dpi,
        timeout=options.ocr_timeout,
        cache_dir=str(root) if root else None,
        engine_version=engine.version,
    ), ""


def ocr_settings(options: IndexOptions | None = None) -> tuple[OcrSettings | None, str]:
    """The OCR settings ``index`` would use (engine, language, resolution, cache, limits), for reading a
    referral letter; None and why when OCR is unavailable."""
    return ocr_setup(replace(options or IndexOptions(), ocr="auto"))


def engine_key(options: IndexOptions) -> str:
    """What the result cache must know of the OCR engine: a run without Tesseract is not reused with it."""
    if options.ocr == "never":
        return ""
    from reportkit.ingest.ocr import find_tesseract

    engine = find_tesseract()
    return f"{engine.version}|{','.join(engine.langs)}" if engine else "none"
