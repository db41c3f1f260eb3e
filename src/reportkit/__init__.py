"""reportkit: medical record PDF bundles in, page-cited record indexes out. Fully offline.

The names below are loaded when first used, so that a worker process that only reads pages does not import
the whole library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from reportkit.version import __version__

if TYPE_CHECKING:
    from reportkit.api import IndexOptions, IndexResult, index_bundle, load_index, make_packet, verify_packet
    from reportkit.errors import ExitCode, ReportkitError
    from reportkit.models import Document, RecordIndex

_HOMES = {
    "IndexOptions": "reportkit.api",
    "IndexResult": "reportkit.api",
    "index_bundle": "reportkit.api",
    "load_index": "reportkit.api",
    "make_packet": "reportkit.api",
    "verify_packet": "reportkit.api",
    "ExitCode": "reportkit.errors",
    "ReportkitError": "reportkit.errors",
    "Document": "reportkit.models",
    "RecordIndex": "reportkit.models",
}

__all__ = [
    "Document",
    "ExitCode",
    "IndexOptions",
    "IndexResult",
    "RecordIndex",
    "ReportkitError",
    "__version__",
    "index_bundle",
    "load_index",
    "make_packet",
    "verify_packet",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'reportkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
