"""What ``reportkit review`` works on: an index, the files it names, and the overrides file its corrections go to.

A case folder (``case.yaml``, ``records/``) means its ``index/`` and ``overrides.yaml``; an index folder or its
index.json means that index, with ``overrides.yaml`` beside index.json unless ``--overrides`` names another.
The index is made again from the same files, named the same way, with the same settings: so the files must
be found where their names say (``records/a.pdf`` from the folder the index was made from).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from reportkit.api import IndexOptions, index_bundle, load_index
from reportkit.draft.case import CASE_FILE
from reportkit.draft.pipeline import INDEX_DIR, OVERRIDES_FILE, RECORDS_DIR, remember_index
from reportkit.errors import InputError, UsageError
from reportkit.models import RecordIndex
from reportkit.packet.case import read_header
from reportkit.packet.manifest import sha256_file


@dataclass(frozen=True)
class Target:
    index_dir: Path
    base: Path
    """The folder the index's files are named from (``sources[].path`` is relative to it)."""
    overrides: Path
    case_dir: Path | None = None
    jobs: int | None = None

    def load(self) -> RecordIndex:
        return load_index(self.index_dir)

    def files(self, index: RecordIndex) -> list[Path]:
        """Each source file of ``index``, in its order."""
        return [self.base / s.path for s in index.sources]

    def overrides_sha256(self) -> str | None:
        try:
            return hashlib.sha256(self.overrides.read_bytes()).hexdigest()
        except FileNotFoundError:
            return None

    def rebuild(self, index: RecordIndex) -> RecordIndex:
        """Index the same files again with the same settings and the overrides file as it is now (the text
        cache spares reading the pages again)."""
        settings = index.settings
        options = IndexOptions(
            force=True,
            overrides=self.overrides if self.overrides.is_file() else None,
            names_from=self.base,
            gap_days=int(settings.get("gap_days", 30)),
            duplicate_threshold=float(settings.get("duplicate_threshold", IndexOptions.duplicate_threshold)),
            ocr=str(settings.get("ocr", "auto")),
            ocr_lang=str(settings.get("ocr_lang", "eng")),
            ocr_dpi=int(settings.get("ocr_dpi", 300)),
            case_header=read_header(self.case_dir) or None,
        )
        if self.jobs:
            options = replace(options, jobs=self.jobs)
        gone = [path for path in self.files(index) if not path.is_file()]
        if gone:  # made again without it, the index would quietly lose that file's documents
            raise InputError(
                f"{gone[0]}: a file of the index is no longer there"
                + (f" (nor {len(gone) - 1} other(s))." if len(gone) > 1 else "."),
                hint="Put it back where the index found it, then make the change again; or index the records "
                "again without it (`reportkit index`).",
            )
        inputs = self.files(index) + [self.base / s.path for s in index.skipped]
        built = index_bundle(inputs, self.index_dir, options).index
        if self.case_dir is not None:
            remember_index(self.index_dir)  # `draft` reuses it as its own
        return built


def open_target(path: Path, overrides: Path | None = None, names_from: Path | None = None) -> Target:
    """The index to review at ``path`` (a case folder, an index folder or an index.json)."""
    case_dir = None
    if path.is_file() and path.suffix == ".json":
        index_dir = path.parent
    elif path.is_dir() and not (path / "index.json").is_file() and ((path / CASE_FILE).is_file() or
                                                                    (path / RECORDS_DIR).is_dir()):  # fmt: skip
        case_dir, index_dir = path, path / INDEX_DIR
        if not (index_dir / "index.json").is_file():
            raise InputError(
                f"{path}: the case has no index yet.",
                hint=f"Run `reportkit draft {path}` or `reportkit index {path / RECORDS_DIR} --out {index_dir}` first.",
            )
    elif path.is_dir() and (path / "index.json").is_file():
        index_dir = path
    elif not path.exists():
        raise InputError(f"{path}: no such file or folder.", hint="Check the path: a case folder or an index folder.")
    else:
        raise InputError(
            f"{path}: neither a case folder (case.yaml, records/) nor an index (index.json).",
            hint="Name a case folder, the folder `reportkit index --out` wrote, or its index.json.",
        )
    index = load_index(index_dir)
    if index.since:
        raise UsageError(
            f"{index_dir}: this index was made with --since (ids kept from a previous index); review cannot "
            "make it again the same way.",
            hint="Index without --since to review it, then use --since for the next delivery of records.",
        )
    if case_dir is not None:
        base = case_dir
    elif names_from is not None:  # the folder the names start from; or the first folder of the names itself
        first = Path(index.sources[0].path).parts[0] if index.sources else ""
        base = names_from.parent if names_from.name == first and not (names_from / first).exists() else names_from
    else:
        base = _find_base(index_dir, index)
    missing = [s.path for s in index.sources if not (base / s.path).is_file()]
    if missing:
        raise InputError(
            f"{index_dir}: {len(missing)} of the index's files are not found from {base.resolve()} (the first: "
            f"{missing[0]}).",
            hint="Give --records-base FOLDER: the folder the index's file names start from (the one that holds "
            f"{Path(missing[0]).parts[0]}/).",
        )
    place = overrides or (case_dir / OVERRIDES_FILE if case_dir else index_dir / OVERRIDES_FILE)
    target = Target(index_dir, base, place, case_dir)
    wanted = index.settings.get("overrides_sha256")
    if wanted and target.overrides_sha256() is None:
        raise UsageError(
            f"{index_dir}: this index was made with an overrides file (SHA-256 {str(wanted)[:12]}…), and {place} "
            "does not exist.",
            hint="Name that file with --overrides FILE.",
        )
    return target


def _find_base(index_dir: Path, index: RecordIndex) -> Path:
    """The folder the index's file names start from: the index folder's parent (``reportkit index
    case/records --out case/index``), the working folder, a parent of either, or a folder up to three levels
    below them that holds the first file under its name (``index samples/case/records --out out``, reviewed
    from where it was run). The first file's SHA-256 must match."""
    if not index.sources:
        return index_dir.parent
    first = index.sources[0]
    roots = [index_dir.parent.resolve(), Path.cwd().resolve()]
    near = [*roots, *(p for r in roots for p in r.parents)]
    below = [hit.resolve().parents[len(Path(first.path).parts) - 1]
             for r in roots for depth in range(1, 4) for hit in sorted(r.glob("*/" * depth + first.path))]  # fmt: skip
    for base in dict.fromkeys([*near, *below]):
        if all((base / s.path).is_file() for s in index.sources) and sha256_file(base / first.path) == first.sha256:
            return base
    return index_dir.parent.resolve()
