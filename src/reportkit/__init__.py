"""reportkit: medical record PDF bundles in, page-cited record indexes out. Fully offline."""

from reportkit.api import IndexOptions, IndexResult, index_bundle, load_index, make_packet, verify_packet
from reportkit.errors import ExitCode, ReportkitError
from reportkit.models import Document, RecordIndex
from reportkit.version import __version__

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
