"""search.sqlite: build time, size and query time, for the sample case and a large synthetic bundle.

    python bench/bench_search.py                 # the 57-page sample IME case
    python bench/bench_search.py --pages 2000    # also one ``samples/generate.py --bench-pages 2000`` bundle

Reads each bundle once (text cache off), then times ``reportkit.index.search.build`` alone (what `index` adds
to a run), and a few queries (best of 5 runs each, opening the file every time as `reportkit search` does).
Wall-clock on this machine, which may be busy.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from reportkit.api import IndexOptions, build_index
from reportkit.index import export
from reportkit.index import search as search_db

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ('"lumbar MRI"', "radic*", "MRI", "knee OR shoulder", '"physical therapy" NOT billing')


def _measure(label: str, inputs: list[Path], work: Path) -> None:
    index, bundle, _ = build_index(inputs, IndexOptions(use_cache=False))
    index_json = export.to_json(index)
    started = time.perf_counter()
    data = search_db.build(index, index_json, bundle.texts)
    built = time.perf_counter() - started
    folder = work / label / "index"
    folder.mkdir(parents=True)
    export.write_files(folder, {"index.json": index_json, search_db.FILE_NAME: data}, force=False)
    packed = len(zlib.compress(data, 1))  # as the result cache stores it
    print(
        f"{label}: {index.page_count} pages; build {built * 1000:.0f} ms; {len(data) / 1e6:.2f} MB "
        f"({packed / 1e6:.2f} MB in the result cache)"
    )
    for query in QUERIES:
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            hits = search_db.search([folder], query, limit=20)
            best = min(best, time.perf_counter() - started)
        print(f"  {query!r}: {len(hits)} hit(s) (limit 20), {best * 1000:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=0, help="also a synthetic bundle of at least this many pages")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _measure("sample", [ROOT / "samples" / "ime-case" / "records"], work)
        if args.pages:
            pdf = work / f"bench-{args.pages}.pdf"
            generate = [sys.executable, str(ROOT / "samples" / "generate.py")]
            subprocess.run(
                [*generate, "--bench-pages", str(args.pages), "--out", str(pdf)],
                check=True,
                capture_output=True,
            )
            _measure(f"bench-{args.pages}", [pdf], work)


if __name__ == "__main__":
    main()
