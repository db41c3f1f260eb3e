"""A packet run's options and result, the settings manifest.json records, and their checks."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from reportkit.errors import (
    UsageError,
)
from reportkit.ingest.bundle import Progress
from reportkit.models import RecordIndex
from reportkit.packet import geometry
from reportkit.packet.exhibits import (
    Grouping,
    Numbering,
    Plan,
    check_label_format,
)
from reportkit.version import __version__

TOOL = f"reportkit {__version__}"
Sticker = Literal["stamp", "cover", "none"]
Files = Literal["both", "combined", "exhibits"]
STICKER_FONT = 11.0
IN_PROCESS_PAGES = 64
"""Up to this many pages, text boxes are read in this process rather than in worker processes."""
STICKER_ORDER = ("upper-right", "upper-left", "upper-center", "lower-left", "lower-center", "lower-right")
"""Where an exhibit sticker may go: the top of the page first (the Bates number holds the bottom)."""


@dataclass(frozen=True)
class PacketOptions:
    """Settings of one ``packet`` run. Everything but ``force``, ``passwords`` and the index options is
    recorded in manifest.json."""

    prefix: str | None = None
    """Bates prefix; None: the examinee's surname from case.yaml, in capitals."""
    start: int | None = None
    """First Bates number; None: the next free number in the ledger (1 for a new case)."""
    digits: int = 7
    position: str = "lower-right"
    """Where the Bates number goes (one of geometry.POSITIONS); other corners are tried when text is there."""
    font_size: float = 10.0
    margin: float = 18.0
    """Distance of the stamp from the visible page edge, in points."""
    group_by: Grouping = "source"
    label_format: str = "Exhibit {n}"
    numbering: Numbering = "number"
    first_exhibit: int = 1
    sticker: Sticker = "stamp"
    """``stamp``: the exhibit label on each exhibit's first page; ``cover``: a cover sheet before it."""
    files: Files = "both"
    """The combined packet, one file per exhibit, or both."""
    max_size: int | None = None
    """Split the combined packet at exhibit boundaries to keep each file under this many bytes."""
    report: Path | None = None
    """A report or letter PDF to put first (unstamped); None: the case's drafts/ report, if any."""
    include_report: bool = True
    chronology: bool = False
    """Also write a Bates-cited chronology (chronology/index.md, .csv, .docx)."""
    file_names: bool = False
    """Name the input files (file name only) in the chronology; else by exhibit and Bates range."""
    index_file: Path | None = None
    """Use this index.json (e.g. one corrected by hand) instead of indexing the inputs again."""
    ledger_file: Path | None = None
    """Bates ledger; None: bates-ledger.json in the case folder, if there is one."""
    use_ledger: bool = True
    title: str | None = None
    passwords: tuple[str, ...] = ()
    force: bool = False
    jobs: int | None = None
    use_cache: bool = True
    cache_dir: Path | None = None


@dataclass(frozen=True)
class PacketResult:
    out_dir: Path
    written: list[str]
    """Paths of the files written, relative to ``out_dir``."""
    plan: Plan
    index: RecordIndex
    report: Path | None
    """The report or letter put first, if any."""
    ledger: Path | None
    manifest_sha256: str
    seconds: float
    warnings: list[str] = field(default_factory=list)


def packet_settings(options: PacketOptions, prefix: str, start: int) -> dict[str, Any]:
    return {
        "prefix": prefix,
        "start": start,
        "digits": options.digits,
        "position": options.position,
        "font_size": options.font_size,
        "margin": options.margin,
        "group_by": options.group_by,
        "exhibit_label": options.label_format,
        "numbering": options.numbering,
        "first_exhibit": options.first_exhibit,
        "sticker": options.sticker,
        "files": options.files,
        "max_size": options.max_size,
        "chronology": options.chronology,
        "report_first": options.include_report,
        # recorded only when given, so earlier productions keep their ledger fingerprint
        **({"file_names": True} if options.file_names else {}),
    }


def check_options(options: PacketOptions) -> None:
    if options.position not in geometry.POSITIONS:
        raise UsageError(f"--position must be one of {', '.join(geometry.POSITIONS)}.")
    if not 4 <= options.font_size <= 36:
        raise UsageError("--font-size must be 4 to 36 points.")
    if options.max_size is not None and options.max_size < 10_000:
        raise UsageError("--max-size must be at least 10KB.", hint="Courts' limits are usually 10MB to 75MB.")
    check_label_format(options.label_format)
    for name, value, kind in (("group_by", options.group_by, Grouping), ("numbering", options.numbering, Numbering),
                              ("sticker", options.sticker, Sticker), ("files", options.files, Files)):  # fmt: skip
        allowed = get_args(kind)  # the CLI checks its options; a library caller's are checked here
        if value not in allowed:
            raise UsageError(f"{name} {value!r} is not one of {', '.join(allowed)}.")
    if isinstance(options.first_exhibit, bool) or not isinstance(options.first_exhibit, int) or \
            options.first_exhibit < 1:  # fmt: skip
        raise UsageError(f"first_exhibit {options.first_exhibit!r}: the first exhibit is number 1 or later.")


def size_text(size: int) -> str:
    """``25.3 MB``, ``812 KB``, ``900 bytes``: as --max-size is written (1 MB = 1,000,000 bytes)."""
    if size >= 1_000_000:
        return f"{size / 1e6:.1f} MB"
    return f"{size / 1e3:.0f} KB" if size >= 1000 else f"{size} bytes"


def parse_size(text: str) -> int:
    """``25MB``, ``500KB``, ``1.5GB`` or bytes → bytes (MB = 1,000,000 bytes, as courts state limits)."""
    value = text.strip().upper().replace(" ", "")
    units = {"GB": 10**9, "MB": 10**6, "KB": 10**3, "B": 1}
    unit = next((u for u in units if value.endswith(u)), "")
    number, factor = (value[: -len(unit)], units[unit]) if unit else (value, 1)
    try:
        size = float(number)
    except ValueError:
        size = math.nan
    if not math.isfinite(size * factor) or size < 0:  # nan, inf, 1e400: a float, but no size
        raise UsageError(f"--max-size {text!r} is not a size.", hint="Write it like 25MB or 500KB.")
    return int(size * factor)


IndexRecords = Callable[[Sequence[Path], PacketOptions, "Progress | None"], tuple[RecordIndex, list[str]]]
"""Indexes the records for a packet: (the index, parser messages for --debug). The library API passes its
own (``reportkit.api``), so that the packet needs nothing above it."""
