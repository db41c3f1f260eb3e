"""``reportkit review``: the review page served on 127.0.0.1, with editing.

The standard library's threading HTTP server is enough for one reviewer on one machine, and adds nothing to
install or keep up to date. It listens on 127.0.0.1 only, on a port the system picks, and answers only under
a random token (``http://127.0.0.1:PORT/TOKEN/``) and only to requests whose Host is that address (a page of
another site cannot reach it through DNS rebinding). Changes come as JSON POSTs from the page itself (a form
of another site cannot send JSON); each carries the version of the state the page was made from, and a
change made from an out-of-date page (another tab, a hand edit of the overrides file, another run) is refused
with a message, never applied to what the reviewer did not see. The session's latest change can be undone
(the overrides file put back as it was before it), while the file is still as that change left it.

The page is index.html with an editing script; its links open the source PDFs through the server (a page
served over http cannot open file:// links), which serves only the index's own files, and only while their
SHA-256 is the index's. Nothing is logged: requests hold record text (the page) and the token.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

from reportkit.errors import ReportkitError
from reportkit.index import htmlpage
from reportkit.models import DOC_TYPES
from reportkit.packet.case import read_header
from reportkit.review.edits import append, entries, parse_change
from reportkit.review.target import Target

MAX_BODY = 64 * 1024


class Review:
    """The state one review session serves: the target, its index as now, and the version pages carry."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.token = secrets.token_urlsafe(18)
        self.lock = threading.Lock()
        self.index = target.load()
        self._checked: dict[int, tuple[float, int]] = {}
        self._done: list[Done] = []
        """This session's changes, oldest first, for undoing the latest."""
        self._nothing_to_undo = "Nothing to undo: no change was made since review started."

    def version(self) -> str:
        """Changes whenever the overrides file or the index does (a hand edit, another tab, another run)."""
        digest = hashlib.sha256()
        for path in (self.target.overrides, self.target.index_dir / "index.json"):
            try:
                digest.update(path.read_bytes())
            except FileNotFoundError:
                digest.update(b"-")
        return digest.hexdigest()[:32]

    def page(self) -> bytes:
        if self.index.settings.get("overrides_sha256") != self.target.overrides_sha256():
            self.index = self.target.rebuild(self.index)  # the overrides file was edited by hand meanwhile
        script = resources.files("reportkit.review").joinpath("assets", "review.js").read_text(encoding="utf-8")
        data = {
            "version": self.version(),
            "doc_types": list(DOC_TYPES),
            "overrides": self.target.overrides.name,
            "undo": self._undoable(),
        }
        header = read_header(self.target.case_dir)  # a case's claim number and examinee from case.yaml
        page = htmlpage.render(self.index, case=header, script=script, data=data)
        return htmlpage.link(page, [f"files/{i}" for i in range(len(self.index.sources))])

    def source(self, n: int) -> bytes | None:
        """Source file ``n``'s bytes while they are still the file the index read (by SHA-256)."""
        if not 0 <= n < len(self.index.sources):
            return None
        try:
            data = self.target.files(self.index)[n].read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == self.index.sources[n].sha256 else None

    def edit(self, payload: Any) -> tuple[HTTPStatus, dict[str, Any]]:
        """Apply one change from the page: to the overrides file, then the index made again."""
        with self.lock:
            if not self._current(payload):
                return HTTPStatus.CONFLICT, {
                    "error": OUT_OF_DATE + " Nothing was saved. Reload the page and make the change again."
                }
            try:
                change = parse_change(payload)
                added = entries(change, self.index)
                if not added:
                    return HTTPStatus.OK, {"version": self.version(), "saved": 0}
                before = self._overrides_bytes()
                append(self.target.overrides, added)
                written = self._overrides_bytes() or b""  # (append wrote it)
                self._rebuilt_or_restored(before)
                self._done.append(Done("; ".join(entry.comment for entry in added), before, written))
            except ReportkitError as exc:
                return HTTPStatus.BAD_REQUEST, {"error": _said(exc)}
            except OSError as exc:
                return HTTPStatus.INTERNAL_SERVER_ERROR, {"error": _failed(exc, "Nothing was saved.")}
            return HTTPStatus.OK, {"version": self.version(), "saved": len(added)}

    def undo(self, payload: Any) -> tuple[HTTPStatus, dict[str, Any]]:
        """Take back this session's latest change: the overrides file as it was before it, then the index made
        again. Refused when the file changed since (an edit by hand): the change is then undone by hand."""
        with self.lock:
            if not self._current(payload):
                return HTTPStatus.CONFLICT, {
                    "error": OUT_OF_DATE + " Nothing was undone. Reload the page before undoing."
                }
            if not self._done:
                return HTTPStatus.BAD_REQUEST, {"error": self._nothing_to_undo}
            done = self._done[-1]
            if self._overrides_bytes() != done.after:
                self._done.clear()  # what came before no longer follows from the file as it is
                self._nothing_to_undo = (
                    f"Nothing to undo here: {self.target.overrides.name} was changed by hand after this session's "
                    "changes, so they are undone by hand (each is under a '# review:' comment)."
                )
                return HTTPStatus.CONFLICT, {
                    "error": f"{self.target.overrides.name} changed since that change was saved, so it cannot be "
                    f"undone here: remove its entries by hand (under '# review: {done.what}')."
                }
            try:
                self._restore(done.before)
                self._rebuilt_or_restored(done.after)
            except ReportkitError as exc:
                return HTTPStatus.BAD_REQUEST, {"error": _said(exc)}
            except OSError as exc:
                return HTTPStatus.INTERNAL_SERVER_ERROR, {"error": _failed(exc, "Nothing was undone.")}
            self._done.pop()
            if not self._done:
                self._nothing_to_undo = "Nothing more to undo: every change of this session is undone."
            return HTTPStatus.OK, {"version": self.version(), "undone": done.what}

    def _rebuilt_or_restored(self, restore: bytes | None) -> None:
        """The index made again from the overrides file as it is now; on any failure (a file gone, a full disk,
        Ctrl-C) the file is first put back to ``restore``, so that the file and index.json stay in step."""
        try:
            self.index = self.target.rebuild(self.index)
        except BaseException:
            self._restore(restore)
            raise

    def _undoable(self) -> str | None:
        """What undo would take back, while it can (the overrides file is still as that change left it)."""
        if self._done and self._overrides_bytes() == self._done[-1].after:
            return self._done[-1].what
        return None

    def _current(self, payload: Any) -> bool:
        """Whether a request comes from a page that shows the state as it is now."""
        return isinstance(payload, dict) and payload.get("version") == self.version()

    def _overrides_bytes(self) -> bytes | None:
        try:
            return self.target.overrides.read_bytes()
        except FileNotFoundError:
            return None

    def _restore(self, before: bytes | None) -> None:
        from reportkit.publish import replace_together

        path = self.target.overrides
        if before is None:
            path.unlink(missing_ok=True)
        else:
            replace_together(path.parent, {path.name: before}, "the overrides file")


OUT_OF_DATE = (
    "This page is out of date: the index or the overrides file changed since it was loaded (another tab or "
    "window, or an edit by hand)."
)


@dataclass(frozen=True)
class Done:
    """A change this session saved: what it changed (its entries' comments), and the overrides file's bytes
    before it (None: there was no file) and after it."""

    what: str
    before: bytes | None
    after: bytes


def _said(exc: ReportkitError) -> str:
    return exc.message + (f" {exc.hint}" if exc.hint else "")


def _failed(exc: OSError, outcome: str) -> str:
    """What the page says when the index could not be made again for a reason of the machine's."""
    return f"The index could not be made again ({exc.strerror or type(exc).__name__}). {outcome} Check free space " \
        "and permissions, then try again."  # fmt: skip


def _handler(review: Review, host: Callable[[], str]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "reportkit-review"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            pass  # requests name the token and the page holds record text: nothing is logged

        def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("X-Frame-Options", "DENY")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: HTTPStatus, value: dict[str, Any]) -> None:
            self._send(status, json.dumps(value).encode("utf-8"), "application/json")

        def _route(self) -> str | None:
            """The path under the token, or None (answered 404) for anything else or another Host."""
            prefix = f"/{review.token}/"
            if self.headers.get("Host") != host() or not self.path.startswith(prefix):
                self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
                return None
            return self.path[len(prefix) :].split("?", 1)[0]

        def do_GET(self) -> None:
            route = self._route()
            if route is None:
                return
            if route == "":
                try:
                    with review.lock:
                        page = review.page()
                except ReportkitError as exc:  # e.g. an overrides file broken by a hand edit
                    message = f"{exc.message} {exc.hint}\nFix it, then reload this page.\n".encode()
                    self._send(HTTPStatus.CONFLICT, message, "text/plain; charset=utf-8")
                    return
                self._send(HTTPStatus.OK, page, "text/html; charset=utf-8")
            elif route == "version":
                self._json(HTTPStatus.OK, {"version": review.version()})
            elif route.startswith("files/") and route[6:].isdigit():
                data = review.source(int(route[6:]))
                if data is None:
                    message = (
                        b"This file changed or moved since the index was made. Save a change on the review "
                        b"page (or start review again) to index it again, then reload.\n"
                    )
                    self._send(HTTPStatus.GONE, message, "text/plain; charset=utf-8")
                else:
                    self._send(HTTPStatus.OK, data, "application/pdf")
            else:
                self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

        def do_POST(self) -> None:
            route = self._route()
            if route is None:
                return
            origin = self.headers.get("Origin")
            if route not in ("edit", "undo") or (origin is not None and origin != f"http://{host()}"):
                self._send(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain")
                return
            if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
                self._json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "changes are sent as JSON"})
                return
            try:
                size = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                size = -1
            if not 0 < size <= MAX_BODY:
                self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "a change is at most 64 KB"})
                return
            try:
                payload = json.loads(self.rfile.read(size))
            except ValueError:
                self._json(HTTPStatus.BAD_REQUEST, {"error": "not JSON"})
                return
            status, answer = review.edit(payload) if route == "edit" else review.undo(payload)
            self._json(status, answer)

    return Handler


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line on stderr, no traceback (it may show record text): the page gets no answer."""
        import sys

        print("error: the review server failed on a request (a bug); run with --debug to see why.", file=sys.stderr)
        if self.debug:
            super().handle_error(request, client_address)

    debug = False


class Server:
    """The review server, listening on 127.0.0.1 (``port`` 0: one the system picks)."""

    def __init__(self, review: Review, port: int = 0, *, debug: bool = False) -> None:
        self.review = review
        self.httpd = _Quiet(("127.0.0.1", port), _handler(review, lambda: self.host))
        self.httpd.debug = debug
        self.httpd.daemon_threads = True

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def url(self) -> str:
        return f"http://{self.host}/{self.review.token}/"

    def serve(self) -> None:
        """Until :meth:`stop` (or Ctrl-C in the caller)."""
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.httpd.server_close()

    def stop(self) -> None:
        self.httpd.shutdown()
