"""Pages cross between processes as one string each; what arrives is the same page."""

from __future__ import annotations

import pickle
import tracemalloc

import pytest

from reportkit.understand.text import PageLines, page_lines


@pytest.mark.parametrize("lines", [(), ("",), ("REPORT", "", "Findings: none."), ("one line",)])
def test_a_page_survives_crossing_twice(lines: tuple[str, ...]) -> None:
    page = PageLines(7, lines, False, (1, 2), page_no=1, fax_sender="CLINIC", fax_counter=(1, 2))
    once = pickle.loads(pickle.dumps(page))
    twice = pickle.loads(pickle.dumps(once))  # its lines never split in between
    for copy in (twice, once):
        assert copy.lines == lines
        assert copy.text == page.text
        assert copy == page
        assert hash(copy) == hash(page)


def test_pages_that_crossed_hold_their_text_once() -> None:
    """What the main process receives from the reading workers: a page is one string until its lines are
    asked for (measured: well under the memory of the same lines as strings)."""
    pages = [
        page_lines(n, "".join(f"Line {k} of page {n}: seen today for low back pain.\n" for k in range(40)))
        for n in range(300)
    ]
    payload = pickle.dumps(pages)
    tracemalloc.start()
    received = pickle.loads(payload)
    as_pages, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tracemalloc.start()
    as_lines = pickle.loads(pickle.dumps([p.lines for p in pages]))
    lines_size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert as_pages < 0.7 * lines_size
    assert [p.lines for p in received] == as_lines  # and the lines are all there when asked for
