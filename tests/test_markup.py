"""The draft markup: any text the physician or the records supply comes out as the same text in DOCX."""

from __future__ import annotations

import io

import docx
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from reportkit.cite import MappedCitation, PageCitation
from reportkit.draft.markup import clean, parse, to_markdown
from reportkit.draft.markupdocx import to_docx
from reportkit.draft.render import placeholder, written

texts = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80).filter(lambda t: t.strip())


@given(texts)
def test_written_text_parses_back_to_itself(text: str) -> None:
    blocks = parse(str(written(text, "x")))
    expected = " ".join(clean(text).split())
    assert " ".join(b.text for b in blocks) == expected or (not expected and not blocks)


@settings(max_examples=25, deadline=None)
@given(texts)
def test_docx_holds_the_exact_text(text: str) -> None:
    blocks = parse(str(Markup("<p>") + text + Markup("</p>")))
    document = docx.Document(io.BytesIO(to_docx(blocks, "t")))
    body = [p.text for p in document.paragraphs]
    expected = " ".join(clean(text).split())
    assert body == ([expected] if expected else [])


def test_placeholders_lists_and_markdown() -> None:
    html = (
        "<h2>A & B</h2><ol><li>one <strong>bold</strong></li><li>two</li></ol>"
        f"<p>{placeholder('history')}</p><ul><li>- not a list marker</li></ul><p>1. not a number</p>"
    )
    blocks = parse(html)
    assert [(b.kind, b.number, b.text) for b in blocks] == [
        ("h2", 0, "A & B"),
        ("li", 1, "one bold"),
        ("li", 2, "two"),
        ("p", 0, "[TO COMPLETE: history]"),
        ("li", 1, "- not a list marker"),
        ("p", 0, "1. not a number"),
    ]
    assert blocks[3].runs[0].mark
    md = to_markdown(blocks).decode()
    assert "## A \\& B" in md and "1. one **bold**" in md and "**\\[TO COMPLETE: history\\]**" in md
    assert "- \\- not a list marker" in md and "\n1\\. not a number" in md


def test_citation_styles() -> None:
    assert PageCitation().cite(12, 14) == "(pp. 12–14)" and PageCitation().cite(3, 3) == "(p. 3)"
    bates = MappedCitation({12: "OKAFOR-000112", 13: "OKAFOR-000113", 14: "OKAFOR-000114"})
    assert bates.cite(12, 14) == "(OKAFOR-000112-OKAFOR-000114)" and bates.cite(13, 13) == "(OKAFOR-000113)"
    assert bates.cite(40, 41) == "(pp. 40–41)"  # pages without a label fall back to page numbers
