"""Drafting: case folder + record index → IME report or second-opinion letter (DOCX, Markdown, HTML, PDF).

The names below are loaded from :mod:`reportkit.draft.pipeline` when first used: importing one of the
package's own modules (``reportkit.draft.context``…) then does not import the whole pipeline, which imports
them (a package that imported its pipeline eagerly made every module of it part of one import cycle).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("reportkit.draft.pipeline"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
