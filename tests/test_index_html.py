"""index.html (issue 18): the record index as a page opened from the disk, read back as HTML and in a real
headless Chromium (Debian's package; the browser tests skip with a reason without it)."""

from __future__ import annotations

import html.parser
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4

import browser
import textpdf
from conftest import SAMPLE_CASE
from reportkit import IndexOptions, index_bundle
from reportkit.index import htmlpage

INJECTED = "<script>window.__injected = 1</script>"
HANDLER = '<img src=x onerror="window.__injected = 2">'


def _extra(path: Path) -> None:
    """A note whose assessment carries markup, and a misfiled lab report of another patient."""
    note = [
        "LAKESHORE ORTHOPEDIC & SPINE",
        "PROGRESS NOTE",
        "Patient: Daniel R. Okafor DOB: 09/23/1981",
        "Date of Service: 10/30/2024",
        "Provider: Helen Castellano, MD",
        f"ASSESSMENT: Lumbar radiculopathy {INJECTED} improving {HANDLER} & stable.",
        "PLAN: home exercise program.",
    ]
    lab = [
        "REGIONAL LABORATORY",
        "LABORATORY REPORT",
        "Patient: POE, MARK DOB: 12/03/1975",
        "Collected: 10/31/2024",
        "WBC 7.1 x10^3/uL Final",
        "Reviewed by: Ann Lee, MD",
    ]
    textpdf.write(path, [note, (lab, A4)])


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample case's records (duplicates, missing pages, gaps) and the extra file, indexed into out/."""
    root = tmp_path_factory.mktemp("html")
    shutil.copytree(SAMPLE_CASE / "records", root / "case" / "records")
    _extra(root / "case" / "records" / "99-extra.pdf")
    index_bundle([root / "case" / "records"], root / "out", IndexOptions(use_cache=False, ocr="never"))
    return root


class _Parsed(html.parser.HTMLParser):
    """The page's scripts, links, ids and text, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: Path) -> _Parsed:
    parsed = _Parsed()
    parsed.feed(page.read_text(encoding="utf-8"))
    return parsed


def test_the_page_holds_the_chronology_and_its_sections_with_links_to_each_cited_page(case: Path) -> None:
    page = case / "out" / "index.html"
    data = json.loads((case / "out" / "index.json").read_text(encoding="utf-8"))
    parsed = _parse(page)
    rows = [a for t, a in parsed.tags if t == "tr" and a.get("data-n") is not None]
    assert [r["id"] for r in rows] == [d["id"] for d in data["documents"]]  # every document, chronological
    ids = {a["id"] for _, a in parsed.tags if a.get("id")}
    assert {"duplicates", "missing", "gaps", "other-patient", "review", "files"} <= ids
    sources = {i: s for i, s in enumerate(data["sources"])}
    where = {p["page"]: (p["source"], p["source_page"]) for p in data["pages"]}
    links = [a["href"] or "" for t, a in parsed.tags if t == "a" and not (a["href"] or "#").startswith("#")]
    assert links and all("\x00" not in h for h in links)
    for href in links:
        path, _, fragment = href.partition("#page=")
        target = (case / "out" / unquote(path)).resolve()
        assert target.is_file(), href
        if fragment:  # the page it names exists in that file
            source = next(s for s in sources.values() if (case / "case" / s["path"]).resolve() == target)
            assert 1 <= int(fragment) <= source["page_count"]
    # each document's page cite opens its first page in its own file
    for doc in data["documents"]:
        source, at = where[doc["first_page"]]
        assert f"{sources[source]['path'].split('/')[-1]}#page={at}" in page.read_text(encoding="utf-8")
    html_text = page.read_text(encoding="utf-8")
    for section in ("review", "gaps", "duplicates", "other-patient"):  # each names its documents by a link to the row
        body = html_text.split(f'id="{section}"', 1)[1].split("</ul>", 1)[0]
        linked = body.count('<li><a href="#D')
        assert linked == (sum(len(d["warnings"]) for d in data["documents"]) if section == "review" else
                          body.count("<li>") if section != "gaps" else 0), section  # fmt: skip
        assert '<a href="#D' in body, section
    text = "".join(parsed.text)
    assert "Records dated2024-02-06 to 2024-10-30" in text  # not to the other patient's lab of 2024-10-31
    assert os.stat(page).st_mode & 0o777 == os.stat(case / "out" / "index.md").st_mode & 0o777 == 0o600


def test_record_text_is_escaped_and_only_the_pages_own_script_may_run(case: Path) -> None:
    text = (case / "out" / "index.html").read_text(encoding="utf-8")
    parsed = _parse(case / "out" / "index.html")
    scripts = [a for t, a in parsed.tags if t == "script"]
    assert len(scripts) == 1 and not any(t == "img" for t, _ in parsed.tags)
    assert "window.__injected" in "".join(parsed.text)  # the note's words are there, as text
    assert INJECTED not in text and "&lt;script&gt;window.__injected" in text
    policy = next(a["content"] or "" for t, a in parsed.tags if t == "meta" and a.get("http-equiv"))
    assert (
        "default-src 'none'" in policy
        and "script-src 'sha256-" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "http://" not in text and "https://" not in text  # nothing fetched


def test_the_page_is_the_same_bytes_however_often_and_from_the_cache(case: Path, tmp_path: Path) -> None:
    records = case / "case" / "records"
    opts = IndexOptions(cache_dir=tmp_path / "cache", ocr="never")
    index_bundle([records], tmp_path / "a", opts)
    index_bundle([records], tmp_path / "b", opts)  # the result cache: its page's links are put in again
    a, b = ((tmp_path / n / "index.html").read_bytes() for n in "ab")
    assert a == b
    elsewhere = tmp_path / "deeper" / "still"
    index_bundle([records], elsewhere, opts)
    c = (elsewhere / "index.html").read_text(encoding="utf-8")
    rel = os.path.relpath(records, elsewhere)
    assert f'href="{rel}/99-extra.pdf#page=1"' in c  # links follow the folder the page is written to


def test_a_relative_link_base_is_taken_from_the_working_folder(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(case)
    index_bundle([case / "case" / "records"], tmp_path / "o" / "deep", IndexOptions(use_cache=False, ocr="never",
                 link_base="case"))  # fmt: skip
    parsed = _parse(tmp_path / "o" / "deep" / "index.html")
    files = [a["href"] or "" for t, a in parsed.tags if t == "a" and not (a["href"] or "#").startswith("#")]
    assert files
    for href in files:  # each resolves, from the page's folder, to the file itself
        assert (tmp_path / "o" / "deep" / unquote(href.partition("#")[0])).resolve().is_file(), href


def test_link_base_points_every_file_link_under_it(case: Path, tmp_path: Path) -> None:
    records = case / "case" / "records"
    index_bundle([records], tmp_path / "o", IndexOptions(use_cache=False, ocr="never", link_base="/srv/case 7/"))
    parsed = _parse(tmp_path / "o" / "index.html")
    files = {a["href"] for t, a in parsed.tags if t == "a" and not (a["href"] or "#").startswith("#")}
    assert files and all((h or "").startswith("/srv/case%207/records/") for h in files)


def test_with_a_bates_map_the_page_shows_the_bates_number_beside_the_page(tmp_path: Path) -> None:
    from reportkit.index.export import BatesLookup
    from reportkit.index.load import load_index

    index_bundle([SAMPLE_CASE / "records"], tmp_path / "o", IndexOptions(use_cache=False, ocr="never"))
    index = load_index(tmp_path / "o" / "index.json")
    bates: BatesLookup = {p.page: f"OKAFOR{p.page:07d}" for p in index.pages if p.page != 12}
    page = htmlpage.render(index, bates).decode("utf-8")
    first = index.documents[0]
    assert f"OKAFOR{first.first_page:07d}" in page and "not produced" in page  # page 12 is not in the map


# -- in a real browser -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[browser.Browser]:
    executable = browser.find()
    if executable is None:
        pytest.skip("Chromium is not installed (sudo apt-get install chromium)")
    with browser.Browser(executable) as b:
        yield b


def _set(b: browser.Browser, field: str, value: str) -> None:
    """Set a filter as a user would: the value, then the change event."""
    b.js(f"(e => {{ e.value = {json.dumps(value)}; e.dispatchEvent(new Event('change')); }})"
         f"(document.getElementById({json.dumps(field)}))")  # fmt: skip


def _shown(b: browser.Browser) -> list[str]:
    return list(b.js("[...document.querySelectorAll('#chronology tbody tr')].filter(r => !r.hidden).map(r => r.id)"))


def test_in_chromium_the_table_renders_sorts_and_filters(case: Path, chromium: browser.Browser) -> None:
    data = json.loads((case / "out" / "index.json").read_text(encoding="utf-8"))
    docs = data["documents"]
    chromium.open((case / "out" / "index.html").as_uri())
    assert chromium.console_errors() == []  # the page's own script ran under its policy
    assert _shown(chromium) == [d["id"] for d in docs]
    assert chromium.js("document.getElementById('shown').textContent") == f"{len(docs)} of {len(docs)} rows shown"
    # sort by provider, then the other way
    chromium.js("document.querySelectorAll('#chronology th button')[4].click()")
    order = _shown(chromium)
    providers = [next(d["provider"] or "" for d in docs if d["id"] == i) for i in order]
    assert providers == sorted(providers) and order != [d["id"] for d in docs]
    chromium.js("document.querySelectorAll('#chronology th button')[4].click()")
    assert [next(d["provider"] or "" for d in docs if d["id"] == i) for i in _shown(chromium)] == sorted(
        providers, reverse=True
    )
    # filter by type and by a date range
    _set(chromium, "f-type", "imaging")
    imaging = {d["id"] for d in docs if d["doc_type"] == "imaging"}
    assert set(_shown(chromium)) == imaging and imaging
    _set(chromium, "f-type", "")
    _set(chromium, "f-from", "2024-03-01")
    _set(chromium, "f-to", "2024-04-30")
    assert set(_shown(chromium)) == {d["id"] for d in docs if d["date"] and "2024-03-01" <= d["date"] <= "2024-04-30"}


def test_in_chromium_needs_review_puts_another_patient_then_the_least_sure_first(
    case: Path, chromium: browser.Browser, tmp_path: Path
) -> None:
    from reportkit.index.load import load_index

    index = load_index(case / "out" / "index.json")
    chromium.open((case / "out" / "index.html").as_uri())
    chromium.js("document.getElementById('f-review').click()")
    shown = _shown(chromium)
    reasons = {d.id: htmlpage.review_reasons(d) for d in index.documents}
    assert set(shown) == {i for i, r in reasons.items() if r}
    misfiled = {d.id for d in index.misfiled()}
    assert misfiled and set(shown[: len(misfiled)]) == misfiled
    order = [(min(r.rank for r in reasons[i]), min(r.sure for r in reasons[i])) for i in shown]
    assert order == sorted(order) and {rank for rank, _ in order} == {0, 1, 2}  # doubtful starts before values
    shot = chromium.screenshot(tmp_path / "review.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    if os.environ.get("REPORTKIT_SCREENSHOTS"):  # to look at it: REPORTKIT_SCREENSHOTS=folder pytest ...
        shutil.copy(shot, Path(os.environ["REPORTKIT_SCREENSHOTS"]) / "index-html-review.png")


def test_in_chromium_injected_markup_does_not_run_and_links_open_files_that_exist(
    case: Path, chromium: browser.Browser
) -> None:
    chromium.open((case / "out" / "index.html").as_uri())
    assert chromium.js("window.__injected === undefined")
    find = "[...document.querySelectorAll('#chronology td')].find(c => c.textContent.includes('__injected'))"
    cell = chromium.js(find + ".textContent")
    assert "<script>window.__injected = 1</script>" in cell
    hrefs = chromium.js("[...document.querySelectorAll('#chronology a[href*=\"#page=\"]')].map(a => a.href)")
    assert hrefs
    for href in hrefs:
        url = urlsplit(href)
        assert url.scheme == "file" and Path(unquote(url.path)).is_file() and url.fragment.startswith("page=")


def test_a_cases_index_page_and_docx_carry_the_claim_number_from_case_yaml(tmp_path: Path) -> None:
    import docx
    import yaml

    from reportkit.draft.pipeline import case_index

    case = tmp_path / "case"
    shutil.copytree(SAMPLE_CASE / "records", case / "records")
    shutil.copy(SAMPLE_CASE / "case.yaml", case / "case.yaml")
    claim = str(yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))["claim_number"])
    assert case_index(case).how == "indexed"
    page = (case / "index" / "index.html").read_text(encoding="utf-8")
    assert f"<dt>Claim number</dt><dd>{claim}</dd>" in page
    words = " ".join(c.text for t in docx.Document(str(case / "index" / "index.docx")).tables for r in t.rows
                     for c in r.cells)  # fmt: skip
    text = " ".join(p.text for p in docx.Document(str(case / "index" / "index.docx")).paragraphs) + words
    assert claim in text
    plain = tmp_path / "plain"
    index_bundle([case / "records"], plain, IndexOptions(ocr="never"))  # no case: no claim number
    assert "Claim number" not in (plain / "index.html").read_text(encoding="utf-8")


@settings(max_examples=300)
@given(
    st.text(st.characters(blacklist_categories=("Cs",))) | st.sampled_from(["", "a&b", "<x>", "\"'", "a\x07b", "\x7f"])
)
def test_page_text_is_escaped_and_stripped_of_control_characters_whatever_it_holds(text: str) -> None:
    """The quick path for values with nothing to change gives what escaping every value gives."""
    import html as std_html
    import re

    assert htmlpage._t(text) == std_html.escape(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text), quote=True)
