"""Hostile PDFs built byte by byte for the limit tests: a page whose content takes long to read, and a page
whose compressed content stream inflates to hundreds of megabytes (a "zip bomb")."""

from __future__ import annotations

import zlib
from pathlib import Path

from fuzzing import pdf_bytes


def _write_pdf(path: Path, content: bytes, *, filter_name: str | None = None) -> Path:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    extra = f" /Filter /{filter_name}" if filter_name else ""
    objects[3] = f"<< /Length {len(content)}{extra} >>\nstream\n".encode() + content + b"\nendstream"
    path.write_bytes(pdf_bytes(objects))  # type: ignore[arg-type]
    return path


def slow_pdf(path: Path, operations: int = 3_000_000) -> Path:
    """One page drawing one character millions of times: seconds of work for any text extractor."""
    ops = b"BT /F1 1 Tf 10 10 Td " + b"(a) Tj " * operations + b"ET"
    return _write_pdf(path, zlib.compress(ops, 9), filter_name="FlateDecode")


def balloon_pdf(path: Path, megabytes: int = 1200) -> Path:
    """One page whose content stream is a few hundred KB compressed and ``megabytes`` MB inflated."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    return _write_pdf(path, data, filter_name="FlateDecode")
