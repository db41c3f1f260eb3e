"""Hostile PDFs built byte by byte for the limit tests: a page whose content takes long to read, and a page
whose compressed content stream inflates to hundreds of megabytes (a "zip bomb")."""

from __future__ import annotations

import zlib
from pathlib import Path


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
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"  # type: ignore[operator]
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
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
