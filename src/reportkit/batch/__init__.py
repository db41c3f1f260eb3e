"""Batch: many case folders and bundles at once, in parallel, resumable (``reportkit batch``).

The names below are loaded when first used (a package that imported its modules eagerly would be part of an
import cycle with each of them: importing ``reportkit.batch.task`` runs this file first).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportkit.batch.runner import BatchResult, find_cases, parse_steps, run_batch
    from reportkit.batch.task import BatchSettings, CaseOutcome, CaseSpec, run_case

_HOMES = {
    "BatchResult": "reportkit.batch.runner",
    "find_cases": "reportkit.batch.runner",
    "parse_steps": "reportkit.batch.runner",
    "run_batch": "reportkit.batch.runner",
    "BatchSettings": "reportkit.batch.task",
    "CaseOutcome": "reportkit.batch.task",
    "CaseSpec": "reportkit.batch.task",
    "run_case": "reportkit.batch.task",
}

__all__ = [
    "BatchResult",
    "BatchSettings",
    "CaseOutcome",
    "CaseSpec",
    "find_cases",
    "parse_steps",
    "run_batch",
    "run_case",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


def __dir__() -> list[str]:
    return sorted(__all__)
