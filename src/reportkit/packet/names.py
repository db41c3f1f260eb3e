"""How a packet names its input files: by exhibit and Bates range (file names often carry the patient's name),
or by file name alone (``--file-names``, never the folder). Either way the name does not depend on how the
path was typed, so the same inputs give the same packet from any folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import PurePosixPath

from reportkit import cite
from reportkit.models import RecordIndex
from reportkit.packet.exhibits import Plan, source_ranges


def source_label(the_plan: Plan, source: int) -> str:
    """``Exhibit 2: SMITH0000010-SMITH0000026`` (every exhibit and range holding the file's pages)."""
    exhibits = dict.fromkeys(the_plan.exhibits[p.exhibit].label for p in the_plan.pages if p.source == source)
    ranges = [cite.bates(str(a), str(b)) for a, b in source_ranges(the_plan, source)]
    return f"{'; '.join(exhibits)}: {', '.join(ranges)}"


def labels(index: RecordIndex, the_plan: Plan, file_names: bool) -> list[str]:
    """What the packet calls each of ``index.sources``."""
    if file_names:
        return [PurePosixPath(s.path).name for s in index.sources]
    return [source_label(the_plan, i) for i in range(len(index.sources))]


def renamed(index: RecordIndex, names: Sequence[str]) -> RecordIndex:
    """``index`` with each source's path replaced by ``names[i]``, in the sources and in every warning that
    names the file (ingest words OCR warnings ``PATH page N: …``)."""
    swaps = sorted(
        ((s.path, name) for s, name in zip(index.sources, names, strict=True) if s.path), key=lambda p: -len(p[0])
    )

    def swap(text: str) -> str:
        for old, new in swaps:
            text = text.replace(old, new)
        return text

    return replace(
        index,
        sources=[replace(s, path=name) for s, name in zip(index.sources, names, strict=True)],
        documents=[replace(d, warnings=[swap(w) for w in d.warnings]) for d in index.documents],
        warnings=[swap(w) for w in index.warnings],
        skipped=[replace(s, path=swap(s.path), reason=swap(s.reason)) for s in index.skipped],
        read_in_part=[replace(p, path=swap(p.path), reason=swap(p.reason)) for p in index.read_in_part],
    )
