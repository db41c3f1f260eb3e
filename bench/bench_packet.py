"""Bates-stamping speed and size: pypdf + reportlab overlay versus pikepdf, and reportkit's own stamper.

    python bench/bench_packet.py --pages 1000
    python bench/bench_packet.py --shared 2000 4000 8000

Makes (or reuses) a synthetic born-digital bundle with ``samples/generate.py --bench-pages N``, stamps every
page with ``BENCH0000001``... three ways and prints seconds, output size and growth over the input:

- ``pypdf+reportlab``: one reportlab overlay page per page, ``merge_page`` onto it, with and without
  ``compress_content_streams()`` (the approach the issue measured at 2.3 s);
- ``pikepdf raw``: a small content stream (Helvetica text) appended to every page, q/Q around the original;
- ``reportkit stamping``: reportkit's own stamper (text boxes per page from pdfium, placement, stamps,
  deterministic save), without the record index;
- ``reportkit packet``: the whole command in a subprocess (record index without cache, stamps, exhibit list,
  bookmarks, manifest; ``--files combined``).

``--shared N...`` instead times ``make_packet`` (in this process, default settings) on files of N pages that
all draw one shared content stream (:func:`shared_stream_pdf`), to show the time grows linearly with pages.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bundle(pages: int, work: Path) -> Path:
    path = work / f"bench-{pages}.pdf"
    if not path.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "samples" / "generate.py"), "--bench-pages", str(pages), "--out", str(path)],
            check=True,
            capture_output=True,
        )
    return path


def shared_stream_pdf(path: Path, pages: int) -> Path:
    """A PDF of ``pages`` letter pages whose /Contents are all one stream object (and one /Resources)."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    resources = pdf.make_indirect(pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))
    content = pdf.make_stream(b"BT /F1 12 Tf 72 700 Td (Progress note: seen in clinic today) Tj ET")
    for _ in range(pages):
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792], Contents=content, Resources=resources
        )
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def shared_stream_runs(sizes: list[int], work: Path) -> None:
    """Seconds of ``make_packet`` on shared-content-stream files of each size (the issue's 4k/8k/20k case)."""
    from reportkit.api import make_packet
    from reportkit.packet.build import PacketOptions

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print("| pages | seconds | CPU seconds | seconds per 1,000 pages |\n|---|---|---|---|")
    for pages in sizes:
        src = shared_stream_pdf(work / f"shared-{pages}.pdf", pages)
        clock, cpu = time.perf_counter(), _cpu()
        make_packet([src], work / f"packet-{pages}", PacketOptions(prefix="BENCH", use_ledger=False, use_cache=False))
        seconds, cpu = time.perf_counter() - clock, _cpu() - cpu
        print(f"| {pages} | {seconds:.2f} | {cpu:.2f} | {1000 * seconds / pages:.2f} |")


def _label(n: int) -> str:
    return f"BENCH{n:07d}"


def pypdf_reportlab(src: Path, out: Path, compress: bool) -> None:
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    reader = PdfReader(src)
    writer = PdfWriter(clone_from=reader)
    for n, page in enumerate(writer.pages, start=1):
        box = page.mediabox
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=(float(box.width), float(box.height)), invariant=1)
        c.setFont("Helvetica", 10)
        c.drawRightString(float(box.width) - 18, 18, _label(n))
        c.save()
        page.merge_page(PdfReader(buf).pages[0])
        if compress:
            page.compress_content_streams()
    with out.open("wb") as fh:
        writer.write(fh)


def pikepdf_raw(src: Path, out: Path) -> None:
    import pikepdf

    pdf = pikepdf.Pdf.open(src)
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    opening = pdf.make_stream(b"q\n")
    for n, page in enumerate(pdf.pages, start=1):
        box = page.mediabox
        x = float(box[2]) - 18 - 60
        stamp = f"Q q BT /RkB 10 Tf 1 0 0 1 {x:.2f} 18 Tm ({_label(n)}) Tj ET Q\n".encode()
        page.contents_add(opening, prepend=True)
        page.contents_add(pdf.make_stream(stamp), prepend=False)
        resources = page.obj.get("/Resources")
        if resources is None:
            page.obj.Resources = resources = pikepdf.Dictionary()
        if "/Font" not in resources:
            resources.Font = pikepdf.Dictionary()
        resources.Font.RkB = font
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def pikepdf_resave(src: Path, out: Path) -> None:
    """No stamps: the same save settings, to tell the stamps' own cost from the re-save's."""
    import pikepdf

    with pikepdf.Pdf.open(src) as pdf:
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def reportkit_stamp(src: Path, out: Path) -> None:
    """reportkit's stamping path without the record index: text boxes, placement, stamps, save."""
    from reportkit.packet.build import stamp_pdf

    stamp_pdf(src, out, prefix="BENCH")


def reportkit_packet(src: Path, out: Path) -> None:
    """The whole command, as a user runs it (index without cache, stamp, combined file, manifest)."""
    folder = out.parent / "packet"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "reportkit",
            "packet",
            str(src),
            "--out",
            str(folder),
            "--prefix",
            "BENCH",
            "--files",
            "combined",
            "--no-cache",
            "--no-ledger",
            "--force",
            "--quiet",
        ],
        check=True,
    )
    (folder / "packet.pdf").replace(out)


def _cpu() -> float:
    """CPU seconds used by this process and its finished children (steadier than wall time on a busy machine)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--work", type=Path, default=None, help="folder for the bundle and outputs [temporary]")
    ap.add_argument("--shared", type=int, nargs="+", metavar="N", help="time packets of N shared-stream pages")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if args.shared:
            shared_stream_runs(args.shared, work)
            return 0
        src = _bundle(args.pages, work)
        size = src.stat().st_size
        import pypdf

        print(f"input: {src.name}, {len(pypdf.PdfReader(src).pages)} pages, {size / 1e6:.2f} MB")
        runs = [
            ("pypdf+reportlab overlay, compressed", lambda o: pypdf_reportlab(src, o, True)),
            ("pypdf+reportlab overlay, uncompressed", lambda o: pypdf_reportlab(src, o, False)),
            ("pikepdf re-save, no stamps (baseline)", lambda o: pikepdf_resave(src, o)),
            ("pikepdf raw content stream", lambda o: pikepdf_raw(src, o)),
            ("reportkit stamping (pikepdf + pdfium text check)", lambda o: reportkit_stamp(src, o)),
            ("`reportkit packet` end to end (index, stamps, exhibit list)", lambda o: reportkit_packet(src, o)),
        ]
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print("| method | seconds | CPU seconds | output MB | size growth |\n|---|---|---|---|---|")
        for name, run in runs:
            out = work / "out.pdf"
            clock, cpu = time.perf_counter(), _cpu()
            run(out)
            seconds, cpu = time.perf_counter() - clock, _cpu() - cpu
            grown = out.stat().st_size
            print(f"| {name} | {seconds:.2f} | {cpu:.2f} | {grown / 1e6:.2f} | {100 * (grown - size) / size:+.1f} % |")
            out.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
