"""Extracted page text cached by file content (SHA-256), so an unchanged file is read once.

The cache holds record text: it lives in a folder only the user can read (mode 0700), by default
``$REPORTKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/reportkit``, else ``~/.cache/reportkit``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from reportkit.ingest.pdf import FileInfo

if TYPE_CHECKING:
    from collections.abc import Callable

    from reportkit.ingest.ocrpage import OcrPage

EXTRACT_VERSION = 3
"""Bump when extraction changes what it produces, so old cache entries are not reused."""


def default_cache_dir() -> Path:
    if env := os.environ.get("REPORTKIT_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reportkit"


def private_root(root: Path) -> Path:
    """The folder the cache uses for ``root``: ``root`` itself when it does not exist yet (it is then made
    0700) or is this user's alone; else (a shared folder such as /tmp, a folder others can read) a subfolder
    ``reportkit-<uid>`` of it, made 0700. The mode of a folder that exists is never changed."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    try:
        st = root.stat()
    except OSError:
        return root
    if uid is None or (st.st_uid == uid and not st.st_mode & 0o077):
        return root
    return root / f"reportkit-{uid}"


def _store(root: Path, path: Path, data: bytes | Callable[[BinaryIO], None]) -> bool:
    """Write one cache entry whole or not at all (a temporary file renamed into place, removed if writing
    fails: a full disk leaves no partial file); the cache root is made private (0700) when it is new.
    ``data``: the bytes, or what writes them to the file (a large entry is then never whole in memory)."""
    tmp = None
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = path.parent
        missing = []
        while folder != root and root in folder.parents and not folder.is_dir():
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):  # its folders private too (mkdir -p would make them 0755)
            folder.mkdir(mode=0o700, exist_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)  # (a path outside the root: as before)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
        os.replace(tmp, path)
        return True
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False


class PageCache:
    """Page texts of one file, stored under its SHA-256. ``root=None`` disables the cache."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.hits = 0

    def _path(self, sha256: str) -> Path:
        assert self.root is not None
        return self.root / f"text-v{EXTRACT_VERSION}" / sha256[:2] / f"{sha256}.json.gz"

    def get(self, sha256: str) -> tuple[FileInfo, list[str]] | None:
        if self.root is None:
            return None
        path = self._path(sha256)
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                data: dict[str, Any] = json.load(fh)
            raw = data["info"]
            sizes = tuple((int(w), int(h)) for w, h in raw.get("page_sizes", ()))
            info = FileInfo(**{**raw, "outline_pages": tuple(raw["outline_pages"]), "page_sizes": sizes})
            texts = list(data["texts"])
        except (OSError, ValueError, KeyError, TypeError, EOFError):
            return None  # absent or damaged: read the file again
        if len(texts) != info.page_count:
            return None
        self.hits += 1
        return info, texts

    def put(self, sha256: str, info: FileInfo, texts: list[str]) -> None:
        if self.root is None:
            return
        path = self._path(sha256)

        def write(fh: BinaryIO) -> None:
            # {"info": …, "texts": […]} compressed a text at a time: never whole in memory (~20 MB at 5,000 pages)
            with gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as packed:
                packed.write(b'{"info": ' + json.dumps(asdict(info)).encode("utf-8") + b', "texts": [')
                for k, text in enumerate(texts):
                    if k:
                        packed.write(b", ")
                    packed.write(json.dumps(text).encode("utf-8"))
                packed.write(b"]}")

        _store(self.root, path, write)  # a cache that cannot be written only costs time


RESULT_VERSION = 3
_ENGINE_MEMBER = "reportkit-ocr-engine.txt"
"""In a stored result that OCR took part in: the engine that read its pages."""


def code_digest() -> str:
    """SHA-256 of reportkit's own source: a changed program never reuses a cached result."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class ResultCache:
    """Whole rendered outputs of a run, stored under a key of its inputs (paths and hashes), settings and
    program. A re-run on unchanged inputs then only hashes the files and copies the outputs."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.hit = False

    @staticmethod
    def key(inputs: list[tuple[str, str]], settings: dict[str, Any]) -> str:
        payload = json.dumps({"inputs": inputs, "settings": settings, "code": code_digest()}, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.root is not None
        return self.root / f"results-v{RESULT_VERSION}" / key[:2] / f"{key}.zip"

    def get(self, key: str, engine: Callable[[], str]) -> dict[str, bytes] | None:
        """The outputs stored under ``key``; for a result that OCR took part in, only while ``engine()`` (what
        the OCR engine is now) is what it was then."""
        if self.root is None:
            return None
        try:
            with zipfile.ZipFile(self._path(key)) as archive:
                files = {name: archive.read(name) for name in archive.namelist()}
        except (OSError, zipfile.BadZipFile, KeyError):
            return None
        used = files.pop(_ENGINE_MEMBER, None)
        if used is not None and used.decode("utf-8") != engine():
            return None
        self.hit = True
        return files

    def put(self, key: str, files: dict[str, bytes], engine: str | None) -> None:
        """Store the outputs; ``engine`` says which OCR engine read pages for them (None: no page wanted OCR,
        so any engine, or none, gives the same result)."""
        if self.root is None:
            return
        path = self._path(key)
        if engine is not None:
            files = {**files, _ENGINE_MEMBER: engine.encode("utf-8")}

        def write(fh: BinaryIO) -> None:
            # stored, not compressed: a re-run only copies the outputs, and inflating ~15 MB took 40 ms of it;
            # written straight to the file, not first to memory (~35 MB at 5,000 pages)
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as archive:
                for name, data in files.items():
                    archive.writestr(name, data)

        if not _store(self.root, path, write):
            return
        for old in self.root.glob("results-v*"):  # written by an earlier version: never read again
            if old.name != path.parent.parent.name:
                shutil.rmtree(old, ignore_errors=True)


class OcrCache:
    """OCR readings stored under the SHA-256 of the rendered page (its pixels, language and resolution), so a
    page is OCR'd once even when it comes again inside another file. Same privacy as :class:`PageCache`:
    the folder is private (0700) and pages of password-protected files are never stored."""

    def __init__(self, root: Path | None) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        assert self.root is not None
        from reportkit.ingest.ocrpage import OCR_VERSION

        return self.root / f"ocr-v{OCR_VERSION}" / key[:2] / f"{key}.json.gz"

    def get(self, key: str) -> OcrPage | None:
        from reportkit.ingest.ocrpage import OcrPage

        if self.root is None:
            return None
        try:
            with gzip.open(self._path(key), "rt", encoding="utf-8") as fh:
                data: dict[str, Any] = json.load(fh)
            data["words"] = tuple((str(w[0]), *(float(v) for v in w[1:6])) for w in data["words"])
            data["image_size"] = tuple(data["image_size"])
            data["lines"] = tuple((str(text), float(conf)) for text, conf in data["lines"])
            return OcrPage(**data)
        except (OSError, ValueError, KeyError, TypeError, EOFError):
            return None

    def _alias_path(self, name: str) -> Path:
        from reportkit.ingest.ocrpage import OCR_VERSION

        assert self.root is not None
        return self.root / f"ocr-v{OCR_VERSION}" / "pages-of-files" / name[:2] / name

    def get_alias(self, name: str) -> str | None:
        """The page key remembered for a page of a file (see :func:`reportkit.ingest.ocr.page_of_file`)."""
        if self.root is None:
            return None
        try:
            key = self._alias_path(name).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return key if len(key) == 64 else None

    def put_alias(self, name: str, key: str) -> None:
        if self.root is None:
            return
        path = self._alias_path(name)
        _store(self.root, path, key.encode("ascii"))

    def put(self, key: str, page: OcrPage) -> None:
        if self.root is None or page.failed:
            return
        path = self._path(key)
        data = {**asdict(page), "cached": False}
        data.pop("layer", None)  # made afresh for each searchable copy
        _store(self.root, path, gzip.compress(json.dumps(data).encode("utf-8"), mtime=0))
