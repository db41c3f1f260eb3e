"""Batch: many case folders and bundles at once, in parallel, resumable (``reportkit batch``)."""

from reportkit.batch.runner import BatchResult, find_cases, parse_steps, run_batch
from reportkit.batch.task import BatchSettings, CaseOutcome, CaseSpec, run_case

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
