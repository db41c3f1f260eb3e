"""Reading an index.json back: the one place that knows an index file from a damaged or foreign one (the
library API, drafting and packets all read indexes through it)."""

from __future__ import annotations

import json
from pathlib import Path

from reportkit import publish
from reportkit.errors import IndexFileError
from reportkit.models import SCHEMA, RecordIndex


def load_index(path: Path) -> RecordIndex:
    """Read an index.json (or the folder holding one) back into a RecordIndex."""
    if path.is_dir():
        path = path / "index.json"
    if publish.interrupted(path.parent) is not None:
        raise IndexFileError(
            f"{path.parent}: a run writing this index was stopped before it finished; its files may not belong "
            "together.",
            hint="Run `reportkit index` into that folder again (`reportkit draft` for a case's index).",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexFileError(f"{path}: not found.", hint="Run `reportkit index` first.") from None
    except (OSError, ValueError) as exc:
        raise IndexFileError(f"{path}: not a readable index.json.", detail=str(exc)) from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise IndexFileError(f"{path}: not a reportkit record index (schema {SCHEMA} expected).")
    try:
        return RecordIndex.from_dict(data)
    except (KeyError, TypeError) as exc:
        raise IndexFileError(f"{path}: the index is incomplete or damaged.", detail=repr(exc)) from None
