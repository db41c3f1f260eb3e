"""The worker task that reads pages: their text (:func:`reportkit.ingest.bundle.read_pages`) and, where the
text is read, each page's lines and split signals. Doing both in the reading worker uses every core and
sends each text across once; the task lives here, above both, so that reading never imports the analysis.
"""

from __future__ import annotations

from reportkit.ingest.bundle import read_pages
from reportkit.understand.documents import AnalysedPage, analyse_page


def read_and_analyse(
    path: str, password: str | None, engine: str, start: int, stop: int, check: bool, first_page: int | None
) -> tuple[list[str], dict[int, int], list[AnalysedPage | None], list[str]]:
    """Worker task "read": the pages' text, which of them need OCR (with their images' stored size), and —
    when ``first_page`` (the bundle number of page ``start``) is given — the lines and split signals of every
    page OCR will not replace."""
    texts, wanted, messages = read_pages(path, password, engine, start, stop, check)
    analysed: list[AnalysedPage | None] = [None] * len(texts)
    if first_page is not None:
        for k, text in enumerate(texts):
            if start + k not in wanted:
                analysed[k] = analyse_page(first_page + k, text)
    return texts, wanted, analysed, messages
