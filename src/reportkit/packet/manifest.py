"""manifest.json: the SHA-256 of every input and output of a packet, and ``verify`` to check it later.

Inputs are listed by hash and page count only (file names often carry the patient's name); outputs by their
path inside the packet folder, which reportkit chose. The manifest does not list itself; ``reportkit
verify`` prints its hash so it can be written down elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

from reportkit.errors import InputError

SCHEMA = "reportkit/packet-manifest@1"
MANIFEST_NAME = "manifest.json"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def render(
    tool: str,
    settings: Mapping[str, Any],
    inputs: Sequence[Mapping[str, Any]],
    outputs: Mapping[str, bytes],
) -> bytes:
    """manifest.json bytes (sorted outputs, no timestamps: same packet, same manifest)."""
    data = {
        "schema": SCHEMA,
        "tool": tool,
        "settings": dict(settings),
        "inputs": list(inputs),
        "outputs": [
            {"path": name, "sha256": sha256_bytes(data), "bytes": len(data)} for name, data in sorted(outputs.items())
        ],
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Verification:
    """What ``verify`` found. ``ok`` when nothing changed, went missing or was added."""

    checked: int
    manifest_sha256: str
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    inputs_matched: int = 0
    inputs_unknown: list[str] = field(default_factory=list)
    """Given input files whose hash the manifest does not list (changed, or not part of this packet)."""
    inputs_missing: int = 0
    """Inputs in the manifest that none of the given files matches."""

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.extra or self.inputs_unknown or self.inputs_missing)


def load(packet_dir: Path) -> tuple[dict[str, Any], str]:
    """manifest.json of ``packet_dir`` and its SHA-256, checked entry by entry: anything malformed (not JSON, cut
    short, wrong types, an output path leading out of the folder) is an InputError naming the manifest."""
    path = packet_dir / MANIFEST_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"{path}: not found.", hint="Name a folder written by `reportkit packet` (it holds manifest.json)."
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}).", hint="Check the permissions.") from None
    try:
        data = json.loads(raw)
    except ValueError:  # UnicodeDecodeError is one
        _malformed(path, "not JSON (cut short, or not a manifest)")
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputError(f"{path}: not a reportkit packet manifest (schema {SCHEMA} expected).")
    for i, entry in enumerate(_entries(path, data, "outputs"), start=1):
        name = entry.get("path")
        if not isinstance(name, str) or not name:
            _malformed(path, f"entry {i} of outputs has no path")
        if not _inside(name):
            _malformed(path, f"entry {i} of outputs names a path outside the packet folder (absolute, or with ..)")
        _check_sha(path, entry, f"entry {i} of outputs")
    for i, entry in enumerate(_entries(path, data, "inputs", required=False), start=1):
        _check_sha(path, entry, f"entry {i} of inputs")
    return data, sha256_bytes(raw)


def _malformed(path: Path, what: str) -> NoReturn:
    raise InputError(
        f"{path}: {what}.",
        hint="The manifest is damaged or was edited: restore manifest.json from a copy (its SHA-256 is the one "
        "written down when the packet was served).",
    )


def _entries(path: Path, data: dict[str, Any], key: str, required: bool = True) -> list[dict[str, Any]]:
    value = data.get(key, None if required else [])
    if not isinstance(value, list):
        _malformed(path, f"{key} is not a list")
    for i, entry in enumerate(value, start=1):
        if not isinstance(entry, dict):
            _malformed(path, f"entry {i} of {key} is not an object")
    return value


def _check_sha(path: Path, entry: dict[str, Any], what: str) -> None:
    digest = entry.get("sha256")
    if not (isinstance(digest, str) and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)):
        _malformed(path, f"{what} has no sha256 (64 hexadecimal digits)")


def _inside(name: str) -> bool:
    """True for a relative path that stays inside the folder (what reportkit writes: ``exhibits/X.pdf``)."""
    parts = PurePosixPath(name).parts
    return not (name.startswith(("/", "\\")) or ".." in parts or any(c in name for c in "\\:\0") or not parts)


def _through_links(packet_dir: Path, name: str) -> bool:
    """True when ``name`` or a folder on its way is a symbolic link (reportkit never writes one)."""
    path = packet_dir
    for part in PurePosixPath(name).parts:
        path = path / part
        if path.is_symlink():
            return True
    return False


def _present(packet_dir: Path) -> list[str]:
    """Every file and link under ``packet_dir`` (links listed, never followed), relative, sorted."""
    found = []
    for folder, dirs, files in os.walk(packet_dir, followlinks=False):
        for entry in [*files, *(d for d in dirs if (Path(folder) / d).is_symlink())]:
            found.append((Path(folder) / entry).relative_to(packet_dir).as_posix())
    return sorted(found)


def verify(packet_dir: Path, inputs: Sequence[Path] = ()) -> Verification:
    """Recompute every hash under ``packet_dir`` and compare with manifest.json (and, if given, the inputs)."""
    data, manifest_hash = load(packet_dir)
    listed = {str(o["path"]): str(o["sha256"]) for o in data["outputs"]}
    changed, missing = [], []
    for name, expected in sorted(listed.items()):
        path = packet_dir / name
        if _through_links(packet_dir, name):
            changed.append(name)  # a link is not the file the packet was served with, wherever it points
        elif not path.is_file():
            missing.append(name)
        elif sha256_file(path) != expected:
            changed.append(name)
    extra = [name for name in _present(packet_dir) if name not in listed and name != MANIFEST_NAME]
    matched, unknown = 0, []
    if inputs:
        from reportkit.ingest.bundle import expand_inputs

        listed_inputs = data.get("inputs", [])  # checked by load()
        wanted = {str(i["sha256"]) for i in listed_inputs if i.get("role") != "report"}
        # the report is checked as a packet file above; given as an input too, it must match
        optional = {str(i["sha256"]) for i in listed_inputs if i.get("role") == "report"}
        seen: set[str] = set()
        given = expand_inputs(inputs)
        gone = [path for path in given if not path.is_file()]
        if gone:  # a typo is not "an input that changed"
            raise InputError(f"{gone[0]}: not found.", hint="Check the --inputs path: the record files the packet "
                             "was made from.")  # fmt: skip
        for path in given:
            digest = sha256_file(path)
            if digest in wanted or digest in optional:
                seen.add(digest)
                matched += 1
            else:
                unknown.append(path.as_posix())
        inputs_missing = len(wanted - seen)
    else:
        inputs_missing = 0
    return Verification(
        checked=len(listed),
        manifest_sha256=manifest_hash,
        changed=changed,
        missing=missing,
        extra=extra,
        inputs_matched=matched,
        inputs_unknown=unknown,
        inputs_missing=inputs_missing,
    )
