"""``reportkit review`` (issue 18): the review page on 127.0.0.1, its edits in the overrides file and in the
index made again; in a real headless Chromium where the page itself is tested."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import browser
from conftest import SAMPLE_CASE
from reportkit import IndexOptions, index_bundle
from reportkit.cli import app
from reportkit.index.load import load_index
from reportkit.review import edits
from reportkit.review.server import Review, Server
from reportkit.review.target import open_target


def _case(root: Path) -> Path:
    case = root / "case"
    shutil.copytree(SAMPLE_CASE / "records", case / "records")
    shutil.copy(SAMPLE_CASE / "case.yaml", case / "case.yaml")
    index_bundle([case / "records"], case / "index", IndexOptions(ocr="never", cache_dir=root / "cache"))
    return case


class Running:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.thread = threading.Thread(target=server.serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return self.server.url

    def request(
        self, route: str, body: object = None, headers: dict[str, str] | None = None, *, raw: bytes | None = None
    ) -> tuple[int, bytes]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url + route, data=data, headers=headers or {})
        if data is not None and "Content-Type" not in (headers or {}):
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=60) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def version(self) -> str:
        return str(json.loads(self.request("version")[1])["version"])

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(10)


@pytest.fixture
def running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Running]]:
    case = _case(tmp_path)
    monkeypatch.setenv("REPORTKIT_CACHE_DIR", str(tmp_path / "cache"))
    server = Running(Server(Review(open_target(case))))
    yield case, server
    server.stop()


def _doc(case: Path, first_page: int) -> dict[str, Any]:
    data = json.loads((case / "index" / "index.json").read_text(encoding="utf-8"))
    return next(d for d in data["documents"] if d["first_page"] == first_page)


def _change(doc: dict[str, Any], version: str, **what: Any) -> dict[str, Any]:
    return {"version": version, "doc": doc["id"], "first": doc["first_page"], "last": doc["last_page"], **what}


def test_the_server_answers_only_under_its_token_from_this_host_and_serves_only_the_indexs_files(
    running: tuple[Path, Running],
) -> None:
    case, srv = running
    host = srv.server.host
    assert srv.url.startswith("http://127.0.0.1:") and len(srv.server.review.token) >= 20
    status, page = srv.request("")
    assert status == 200 and b'id="chronology"' in page and b'href="files/0#page=' in page
    claim = str(yaml.safe_load((case / "case.yaml").read_text())["claim_number"])
    assert f"<dt>Claim number</dt><dd>{claim}</dd>".encode() in page  # from case.yaml
    assert urllib.request.urlopen(f"http://{host}/{srv.server.review.token}/").status == 200
    for url in (f"http://{host}/", f"http://{host}/wrong-token/", f"http://{host}/{srv.server.review.token[:-1]}/"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url)
        assert refused.value.code == 404
    # another Host (a page of another site rebinding its name to 127.0.0.1) is not answered
    assert srv.request("", headers={"Host": "evil.example"})[0] == 404
    # a change must come as JSON from the page's own origin
    doc = _doc(case, 12)
    change = _change(doc, srv.version(), fields={"provider": "X"})
    assert srv.request("edit", change, {"Origin": "http://evil.example"})[0] == 403
    form = json.dumps(change).encode()
    assert srv.request("edit", raw=form, headers={"Content-Type": "text/plain"})[0] == 415
    assert not (case / "overrides.yaml").exists()
    # the index's own files, byte for byte; nothing else; not once changed
    first = sorted((case / "records").glob("*.pdf"))[0]
    assert srv.request("files/0") == (200, first.read_bytes())
    assert srv.request("files/99")[0] == 410 and srv.request("files/../case.yaml")[0] == 404
    first.write_bytes(first.read_bytes() + b"\n%changed\n")
    assert srv.request("files/0")[0] == 410


def test_each_change_is_an_entry_with_its_comment_and_the_index_is_made_again(running: tuple[Path, Running]) -> None:
    case, srv = running
    index = load_index(case / "index")
    copy = next(d for d in index.documents if d.duplicate_of)
    long = next(d for d in index.documents if d.page_count >= 3 and not d.duplicate_of)
    pair = sorted((d for d in index.documents if d.doc_type == "therapy"), key=lambda d: d.first_page)[:2]
    for page, what in (  # each against the index as the previous change left it (a split renumbers ids)
        (12, {"fields": {"provider": 'Arjun Mehta, MD: "reads" #1', "date": "2024-02-05"}}),
        (copy.first_page, {"duplicate_of": "none"}),
        (long.first_page, {"split_at": long.first_page + 1}),
        (pair[0].first_page, {"merge_next": True}),
    ):
        status, body = srv.request("edit", _change(_doc(case, page), srv.version(), **what))
        assert status == 200 and json.loads(body)["saved"] == 1, body
    text = (case / "overrides.yaml").read_text(encoding="utf-8")
    assert text.count("# review: ") == 4 and text.count("  - pages: ") == 4
    assert (
        "# review: p. 12 (imaging, 2024-02-06): date 2024-02-06 -> 2024-02-05; provider Arjun Mehta, MD -> Arjun"
        in text
    )
    rebuilt = load_index(case / "index")
    fixed = next(d for d in rebuilt.documents if d.first_page == 12)
    assert fixed.provider == 'Arjun Mehta, MD: "reads" #1' and fixed.date == "2024-02-05"
    assert fixed.overridden == ["date", "provider"] and rebuilt.settings["overrides_sha256"]
    assert next(d for d in rebuilt.documents if d.first_page == copy.first_page).duplicate_of is None
    spans = {(d.first_page, d.last_page) for d in rebuilt.documents}
    assert (long.first_page, long.first_page) in spans and (long.first_page + 1, long.last_page) in spans
    assert (pair[0].first_page, pair[1].last_page) in spans
    assert rebuilt.warnings == [w for w in rebuilt.warnings if not w.startswith("overrides line")]  # all applied
    # the case's draft takes the reviewed index as its own, corrections and all
    from reportkit.draft.pipeline import case_index

    assert case_index(case).how == "reused"


def test_a_change_from_an_out_of_date_page_is_refused_and_changes_nothing(running: tuple[Path, Running]) -> None:
    case, srv = running
    seen = srv.version()  # two tabs open on the same state
    doc = _doc(case, 12)
    assert srv.request("edit", _change(doc, seen, fields={"provider": "First Tab, MD"}))[0] == 200
    before = (case / "overrides.yaml").read_bytes()
    status, body = srv.request("edit", _change(doc, seen, fields={"provider": "Second Tab, MD"}))
    assert (
        status == 409
        and "out of date" in json.loads(body)["error"]
        and "Nothing was saved" in json.loads(body)["error"]
    )
    assert (case / "overrides.yaml").read_bytes() == before
    # a hand edit of the overrides file also makes every open page out of date
    now = srv.version()
    (case / "overrides.yaml").write_text(before.decode() + "# a note by hand\n", encoding="utf-8")
    assert srv.version() != now


def _page_data(srv: Running) -> dict[str, Any]:
    page = srv.request("")[1].decode("utf-8")
    start = page.index('id="rk-data">') + len('id="rk-data">')
    return dict(json.loads(page[start : page.index("</script>", start)]))


def test_the_latest_changes_are_undone_one_by_one_back_to_where_review_started(running: tuple[Path, Running]) -> None:
    case, srv = running
    overrides = case / "overrides.yaml"
    original = load_index(case / "index")
    status, body = srv.request("undo", {"version": srv.version()})
    assert status == 400 and "Nothing to undo" in json.loads(body)["error"] and not overrides.exists()
    assert _page_data(srv)["undo"] is None
    assert (
        srv.request("edit", _change(_doc(case, 12), srv.version(), fields={"provider": "Undone Later, MD"}))[0] == 200
    )
    first = overrides.read_bytes()
    long = next(d for d in original.documents if d.page_count >= 3 and not d.duplicate_of)
    split = _change(_doc(case, long.first_page), srv.version(), split_at=long.first_page + 1)
    assert srv.request("edit", split)[0] == 200
    said = _page_data(srv)["undo"]
    assert said.endswith(f"page {long.first_page + 1} starts another document") and said in overrides.read_text()
    # from a page that does not show the state as it is: refused, nothing changes
    second = overrides.read_bytes()
    status, body = srv.request("undo", {"version": "stale"})
    assert status == 409 and "Nothing was undone" in json.loads(body)["error"] and overrides.read_bytes() == second
    status, body = srv.request("undo", {"version": srv.version()})
    assert status == 200 and json.loads(body)["undone"] == said and overrides.read_bytes() == first
    spans = {(d.first_page, d.last_page) for d in load_index(case / "index").documents}
    assert (long.first_page, long.last_page) in spans  # whole again
    assert _doc(case, 12)["provider"] == "Undone Later, MD"
    assert srv.request("undo", {"version": srv.version()})[0] == 200 and not overrides.exists()  # as review found it
    again = load_index(case / "index")
    assert _doc(case, 12)["overridden"] == [] and [d.provider for d in again.documents] == [
        d.provider for d in original.documents
    ]
    status, body = srv.request("undo", {"version": srv.version()})
    assert status == 400 and "Nothing more to undo" in json.loads(body)["error"]
    # a hand edit after a change: that change is undone by hand, never by putting back what the page last saw
    assert srv.request("edit", _change(_doc(case, 12), srv.version(), fields={"facility": "By Page"}))[0] == 200
    edited = overrides.read_bytes() + b"# a note by hand\n"
    overrides.write_bytes(edited)
    status, body = srv.request("undo", {"version": srv.version()})
    assert status == 409 and "remove its entries by hand" in json.loads(body)["error"]
    assert overrides.read_bytes() == edited and _page_data(srv)["undo"] is None
    status, body = srv.request("undo", {"version": srv.version()})
    assert status == 400 and "changed by hand after this session's changes" in json.loads(body)["error"]


def test_a_record_file_gone_since_the_index_is_named_and_nothing_is_saved(running: tuple[Path, Running]) -> None:
    case, srv = running
    index_json = (case / "index" / "index.json").read_bytes()
    moved = case / "records" / load_index(case / "index").sources[-1].path.split("/")[-1]
    moved.rename(case / "elsewhere.pdf")
    status, body = srv.request("edit", _change(_doc(case, 12), srv.version(), fields={"provider": "Not Saved"}))
    assert status == 400 and f"{moved.name}: a file of the index is no longer there" in json.loads(body)["error"]
    assert not (case / "overrides.yaml").exists() and (case / "index" / "index.json").read_bytes() == index_json
    (case / "elsewhere.pdf").rename(moved)
    assert srv.request("edit", _change(_doc(case, 12), srv.version(), fields={"provider": "Saved"}))[0] == 200
    assert len(load_index(case / "index").documents) == len(json.loads(index_json)["documents"])


def test_a_rebuild_that_fails_for_any_reason_leaves_the_overrides_file_in_step_with_the_index(
    running: tuple[Path, Running], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportkit.review.target import Target

    case, srv = running
    overrides, index_json = case / "overrides.yaml", case / "index" / "index.json"

    def full_disk(self: Target, index: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(Target, "rebuild", full_disk)
        status, body = srv.request("edit", _change(_doc(case, 12), srv.version(), fields={"provider": "Lost"}))
    assert status == 500 and "No space left on device" in json.loads(body)["error"]
    assert not overrides.exists() and _page_data(srv)["undo"] is None
    assert srv.request("edit", _change(_doc(case, 12), srv.version(), fields={"provider": "Kept"}))[0] == 200
    saved, made = overrides.read_bytes(), index_json.read_bytes()
    with monkeypatch.context() as patched:
        patched.setattr(Target, "rebuild", full_disk)
        status, body = srv.request("undo", {"version": srv.version()})
    assert status == 500 and "Nothing was undone" in json.loads(body)["error"]
    assert overrides.read_bytes() == saved and index_json.read_bytes() == made
    assert srv.request("undo", {"version": srv.version()})[0] == 200 and not overrides.exists()  # still undoable


@pytest.mark.parametrize(
    ("what", "words"),
    [
        ({"fields": {"doc_type": "xray"}}, "type 'xray' is not one of"),
        ({"fields": {"date": "14/03/2024"}}, "YYYY-MM-DD"),
        ({"fields": {"patient": "P9"}}, "only doc_type, date, provider, facility, title can be changed"),
        ({"split_at": 1}, "a split must be at a page after"),
        ({"duplicate_of": "D9999"}, "is not another document"),
    ],
)
def test_a_change_that_cannot_be_made_says_why_and_writes_nothing(
    running: tuple[Path, Running], what: dict[str, Any], words: str
) -> None:
    case, srv = running
    status, body = srv.request("edit", _change(_doc(case, 12), srv.version(), **what))
    assert status == 400 and words in json.loads(body)["error"]
    assert not (case / "overrides.yaml").exists()


def test_entries_follow_a_hand_written_file_and_keep_its_comments(tmp_path: Path) -> None:
    case = _case(tmp_path)
    index = load_index(case / "index")
    doc = next(d for d in index.documents if d.first_page == 12)
    path = case / "overrides.yaml"
    path.write_text("# my notes\ndocuments:\n- pages: 1-2   # zero-indented list\n  doc_type: progress_note\n")
    change = edits.parse_change({"doc": doc.id, "first": 12, "last": 12, "fields": {"facility": "St. B"}})
    edits.append(path, edits.entries(change, index))
    text = path.read_text()
    assert text.startswith("# my notes\ndocuments:\n- pages: 1-2   # zero-indented list\n")
    assert '- pages: 12\n  facility: "St. B"\n' in text
    flow = case / "flow.yaml"
    flow.write_text("documents: [{pages: 3, doc_type: other}]\n")
    with pytest.raises(edits.InputError, match="not written one '- pages:' entry per line"):
        edits.append(flow, edits.entries(change, index))
    assert flow.read_text() == "documents: [{pages: 3, doc_type: other}]\n"


def test_review_command_errors_name_the_problem_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["review", str(tmp_path / "nowhere")])
    assert missing.exit_code == 3 and "no such file or folder" in missing.output
    (tmp_path / "other").mkdir()
    other = runner.invoke(app, ["review", str(tmp_path / "other")])
    assert other.exit_code == 3 and "neither a case folder" in other.output
    case = tmp_path / "c"
    (case / "records").mkdir(parents=True)
    empty = runner.invoke(app, ["review", str(case)])
    assert empty.exit_code == 3 and "the case has no index yet" in empty.output and "reportkit draft" in empty.output
    made = _case(tmp_path / "m")
    (made / "overrides.yaml").write_text("documents:\n  - pages: 12\n    doc_type: imaging\n")
    index_bundle([made / "records"], made / "index", IndexOptions(force=True, overrides=made / "overrides.yaml"))
    moved = runner.invoke(app, ["review", str(made / "index"), "--overrides", str(tmp_path / "none.yaml")])
    assert moved.exit_code == 2 and "made with an overrides file" in moved.output


def test_an_index_folder_is_reviewed_with_the_files_named_from_where_it_was_made(tmp_path: Path) -> None:
    case = _case(tmp_path)
    target = open_target(case / "index" / "index.json")
    assert target.case_dir is None and target.base == case and target.overrides == case / "index" / "overrides.yaml"
    review = Review(target)
    doc = next(d for d in review.index.documents if d.first_page == 12)
    status, _ = review.edit({"version": review.version(), "doc": doc.id, "first": 12, "last": 12,
                             "fields": {"doc_type": "consultation"}})  # fmt: skip
    assert status == 200
    again = load_index(case / "index")
    assert [s.path for s in again.sources] == [s.path for s in load_index(case / "index").sources]
    assert all(s.path.startswith("records/") for s in again.sources)
    assert next(d for d in again.documents if d.first_page == 12).doc_type == "consultation"


# -- in a real browser -----------------------------------------------------------------------------------------


def _wait_reload(b: browser.Browser, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not any(e.get("method") == "Page.loadEventFired" for e in b.events):
        try:
            b.events.append(b._read(min(deadline, time.monotonic() + 1)))
        except browser.BrowserError:
            if time.monotonic() > deadline:
                raise


def _chromium() -> str:
    executable = browser.find()
    if executable is None:
        pytest.skip("Chromium is not installed (sudo apt-get install chromium)")
    return executable


def test_in_chromium_an_edit_on_the_page_lands_in_the_overrides_file_and_the_index(
    running: tuple[Path, Running], tmp_path: Path
) -> None:
    case, srv = running
    with browser.Browser(_chromium()) as b:
        b.open(srv.url)
        assert b.console_errors() == []
        b.js("document.querySelector('#D0010 .rk-open').click()")
        assert b.js("document.getElementById('rk-type').value") == "imaging"
        following = next(d for d in load_index(case / "index").documents if d.first_page == 13)
        label = b.js("document.getElementById('rk-merge').parentElement.textContent")
        assert f"next document by page, {following.id} (pp. 13–14, imaging" in label
        b.js("(s => { s.value = 'consultation'; })(document.getElementById('rk-type'))")
        b.events.clear()
        b.js("document.getElementById('rk-save').click()")
        _wait_reload(b)
        assert b.js("document.getElementById('D0010').dataset.type") == "consultation"
        assert "reviewer set: doc_type" in b.js("document.getElementById('D0010').cells[2].textContent")
        # the same change again from a page that no longer shows the state: refused, said, nothing written
        before = (case / "overrides.yaml").read_bytes()
        (case / "overrides.yaml").write_bytes(before + b"# by hand\n")
        b.js("document.querySelector('#D0010 .rk-open').click()")
        b.js("document.getElementById('rk-provider').value = 'Someone Else, MD'")
        b.js("document.getElementById('rk-save').click()")
        deadline = time.monotonic() + 20
        while "out of date" not in (b.js("document.getElementById('rk-message').textContent") or ""):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert b.js("document.getElementById('rk-stale').hidden") is False
        shot = b.screenshot(tmp_path / "review-stale.png")
        if os.environ.get("REPORTKIT_SCREENSHOTS"):
            shutil.copy(shot, Path(os.environ["REPORTKIT_SCREENSHOTS"]) / "review-stale.png")
    text = (case / "overrides.yaml").read_text(encoding="utf-8")
    assert (
        "# review: p. 12 (imaging, 2024-02-06): doc_type imaging -> consultation" in text and "Someone Else" not in text
    )
    assert _doc(case, 12)["doc_type"] == "consultation" and _doc(case, 12)["overridden"] == ["doc_type"]


def test_in_chromium_the_last_change_is_undone_from_the_page(running: tuple[Path, Running], tmp_path: Path) -> None:
    case, srv = running
    with browser.Browser(_chromium()) as b:
        b.open(srv.url)
        assert b.js("document.getElementById('rk-undo').hidden") is True  # nothing done yet
        b.js("document.querySelector('#D0010 .rk-open').click()")
        b.js("document.getElementById('rk-title').value = 'A Title To Take Back'")
        b.events.clear()
        b.js("document.getElementById('rk-save').click()")
        _wait_reload(b)
        assert "A Title To Take Back" in b.js("document.getElementById('D0010').cells[3].textContent")
        assert "title" in b.js("document.getElementById('rk-undo').textContent")
        shot = b.screenshot(tmp_path / "review-undo.png")
        if os.environ.get("REPORTKIT_SCREENSHOTS"):
            shutil.copy(shot, Path(os.environ["REPORTKIT_SCREENSHOTS"]) / "review-undo.png")
        b.events.clear()
        b.js("document.getElementById('rk-undo-button').click()")
        _wait_reload(b)
        assert "A Title To Take Back" not in b.js("document.getElementById('D0010').cells[3].textContent")
        assert b.js("document.getElementById('rk-banner').textContent").startswith("Undone: p. 12")
        assert b.js("document.getElementById('rk-undo').hidden") is True
        assert b.console_errors() == []
    assert not (case / "overrides.yaml").exists() and _doc(case, 12)["overridden"] == []


def test_a_document_of_another_patient_is_confirmed_from_the_page(tmp_path: Path) -> None:
    import textpdf

    case = _case(tmp_path)
    textpdf.write(
        case / "records" / "99-misfiled.pdf",
        [["REGIONAL LABORATORY", "LABORATORY REPORT", "Patient: POE, MARK DOB: 12/03/1975", "Collected: 10/31/2024",
          "WBC 7.1 x10^3/uL Final", "Reviewed by: Ann Lee, MD"]],
    )  # fmt: skip
    index_bundle([case / "records"], case / "index", IndexOptions(ocr="never", force=True))
    review = Review(open_target(case))
    (misfiled,) = review.index.misfiled()
    status, _ = review.edit({"version": review.version(), "doc": misfiled.id, "first": misfiled.first_page,
                             "last": misfiled.last_page, "confirm_patient": True})  # fmt: skip
    assert status == 200
    assert "patient_confirmed: true" in (case / "overrides.yaml").read_text(encoding="utf-8")
    again = load_index(case / "index")
    assert again.misfiled() == [] and "patient" in again.document(misfiled.id).overridden
    assert any(w.startswith("reviewer confirmed (overrides line") for w in again.document(misfiled.id).warnings)


def test_a_split_and_a_value_in_one_change_give_the_value_to_the_first_part(running: tuple[Path, Running]) -> None:
    case, srv = running
    long = next(d for d in load_index(case / "index").documents if d.page_count >= 3 and not d.duplicate_of)
    at = long.first_page + 1
    change = _change(_doc(case, long.first_page), srv.version(), split_at=at, fields={"title": "First part"})
    assert srv.request("edit", change)[0] == 200
    text = (case / "overrides.yaml").read_text(encoding="utf-8")
    assert text.index("split_at") < text.index("title:")  # the split first, then the value on what it leaves
    rebuilt = load_index(case / "index")
    head = next(d for d in rebuilt.documents if d.first_page == long.first_page)
    assert (head.last_page, head.title) == (at - 1, "First part")
    assert not [w for w in rebuilt.warnings if w.startswith("overrides line")]
    both = _change(_doc(case, long.first_page), srv.version(), split_at=None, merge_next=True)
    both["split_at"] = at
    assert srv.request("edit", both)[0] == 400  # split or merge, not both


def test_merge_joins_the_next_document_by_page(running: tuple[Path, Running]) -> None:
    case, srv = running
    index = load_index(case / "index")
    by_page = sorted(index.documents, key=lambda d: d.first_page)
    doc, nxt = by_page[5], by_page[6]
    assert srv.request("edit", _change(_doc(case, doc.first_page), srv.version(), merge_next=True))[0] == 200
    merged = next(d for d in load_index(case / "index").documents if d.first_page == doc.first_page)
    assert merged.last_page == nxt.last_page
    last = by_page[-1]
    status, body = srv.request("edit", _change(_doc(case, last.first_page), srv.version(), merge_next=True))
    assert status == 400 and "last document by page" in json.loads(body)["error"]


def test_an_index_made_from_elsewhere_is_found_from_where_it_was_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reportkit index samples/ime-case/records --out sample-index`, then `reportkit review sample-index`."""
    work = tmp_path / "work"
    shutil.copytree(SAMPLE_CASE / "records", work / "samples" / "case" / "records")
    monkeypatch.chdir(work)
    index_bundle([Path("samples/case/records")], Path("sample-index"), IndexOptions(ocr="never"))
    target = open_target(Path("sample-index"))
    assert target.base == (work / "samples" / "case").resolve()
    # --records-base may name the folder the names start from, or the records folder itself
    assert open_target(Path("sample-index"), names_from=work / "samples" / "case" / "records").base == (
        work / "samples" / "case"
    )
    (work / "samples" / "case" / "records" / "01-harborview-occupational-health.pdf").unlink()
    with pytest.raises(edits.InputError, match="not found from") as missing:
        open_target(Path("sample-index"))
    assert "the one that holds records/" in missing.value.hint


def test_a_hand_edit_of_the_overrides_file_shows_on_the_next_page_load(running: tuple[Path, Running]) -> None:
    case, srv = running
    (case / "overrides.yaml").write_text("documents:\n  - pages: 12\n    title: Set by hand\n", encoding="utf-8")
    status, page = srv.request("")
    assert status == 200 and b"Set by hand" in page
    (case / "overrides.yaml").write_text("documents:\n  - pages: 12\n    doc_typ: x\n", encoding="utf-8")
    status, page = srv.request("")
    assert status == 409 and b"unknown key(s) doc_typ" in page and b"Traceback" not in page
