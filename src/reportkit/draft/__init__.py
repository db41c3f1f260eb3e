"""Drafting: case folder + record index → IME report or second-opinion letter (DOCX, Markdown, HTML, PDF)."""

from reportkit.draft.pipeline import (
    DraftOptions,
    DraftResult,
    case_index,
    draft_case,
    export_templates,
    init_case,
    render_case,
)

__all__ = [
    "DraftOptions",
    "DraftResult",
    "case_index",
    "draft_case",
    "export_templates",
    "init_case",
    "render_case",
]
