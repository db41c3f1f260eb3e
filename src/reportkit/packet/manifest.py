"""manifest.json: the SHA-256 of every input and output of a packet, and ``verify`` to check it later.

Inputs are listed by hash and page count only (file names often carry the patient's name); outputs by their
path inside the packet folder, which reportkit chose. The manifest does not list itself; ``reportkit
verify`` prints its hash so it can be written down elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    path = packet_dir / MANIFEST_NAME
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except FileNotFoundError:
        raise InputError(
            f"{path}: not found.", hint="Name a folder written by `reportkit packet` (it holds manifest.json)."
        ) from None
    except (OSError, ValueError):
        raise InputError(f"{path}: not a readable manifest.", hint="Restore manifest.json from a copy.") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("outputs"), list):
        raise InputError(f"{path}: not a reportkit packet manifest (schema {SCHEMA} expected).")
    return data, sha256_bytes(raw)


def verify(packet_dir: Path, inputs: Sequence[Path] = ()) -> Verification:
    """Recompute every hash under ``packet_dir`` and compare with manifest.json (and, if given, the inputs)."""
    data, manifest_hash = load(packet_dir)
    listed = {str(o["path"]): str(o["sha256"]) for o in data["outputs"]}
    changed, missing = [], []
    for name, expected in sorted(listed.items()):
        path = packet_dir / name
        if not path.is_file():
            missing.append(name)
        elif sha256_file(path) != expected:
            changed.append(name)
    present = sorted(
        p.relative_to(packet_dir).as_posix() for p in packet_dir.rglob("*") if p.is_file() or p.is_symlink()
    )
    extra = [name for name in present if name not in listed and name != MANIFEST_NAME]
    matched, unknown = 0, []
    if inputs:
        from reportkit.ingest.bundle import expand_inputs

        listed_inputs = data.get("inputs", [])
        wanted = {str(i["sha256"]) for i in listed_inputs if i.get("role") != "report"}
        # the report is checked as a packet file above; given as an input too, it must match
        optional = {str(i["sha256"]) for i in listed_inputs if i.get("role") == "report"}
        seen: set[str] = set()
        for path in expand_inputs(inputs):
            digest = sha256_file(path) if path.is_file() else ""
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
