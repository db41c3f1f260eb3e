"""A user's ``reference.docx`` (letterhead and styles), read safely.

The ZIP is checked from its directory before anything is unpacked (member count, each member's declared
size and compression ratio, the total), and its parts are read no further than their declared sizes.
External relationships (links Word would fetch: remote templates, linked pictures, hyperlinks) are dropped,
with the attributes that referred to them, so no draft made from it reaches out to the network.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree  # type: ignore[import-untyped]

from reportkit.errors import TemplateError
from reportkit.index.wordml import zip_bytes

MAX_MEMBERS = 1000
MAX_MEMBER_BYTES = 25_000_000
MAX_TOTAL_BYTES = 100_000_000
MAX_RATIO = 200
"""Uncompressed to compressed, for members over RATIO_FLOOR bytes (small parts may compress well)."""
RATIO_FLOOR = 1_000_000

PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//|\\\\)")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)


@dataclass(frozen=True)
class Reference:
    path: Path
    data: bytes
    """The DOCX without external relationships."""
    dropped: int
    """External relationships dropped."""

    @property
    def warning(self) -> str:
        if not self.dropped:
            return ""
        return (
            f"{self.path}: {self.dropped} external link(s) (remote template, linked picture or web link) left "
            "out of the drafts, so Word fetches nothing when a draft is opened; remove them from reference.docx "
            "to silence this."
        )


def _mb(n: int) -> str:
    return f"{n / 1e6:.3g} MB"


def _refuse(path: Path, why: str) -> TemplateError:
    return TemplateError(
        f"{path}: {why}; not used as a reference.docx.",
        hint="Save the letterhead again from Word or LibreOffice as a plain .docx (small images, no embedded files).",
    )


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise _refuse(path, f"holds {len(infos)} files, over the limit of {MAX_MEMBERS}")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise _refuse(
                path, f"a file is compressed {ratio:.0f} to 1, over the limit of {MAX_RATIO} to 1 (a zip bomb?)"
            )
        if info.file_size > MAX_MEMBER_BYTES:
            raise _refuse(
                path, f"a file unpacks to {_mb(info.file_size)}, over the limit of {_mb(MAX_MEMBER_BYTES)} per file"
            )
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        raise _refuse(path, f"unpacks to {_mb(total)} in all, over the limit of {_mb(MAX_TOTAL_BYTES)}")


def _unpack(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            _check_directory(path, infos)
            return {i.filename: archive.read(i) for i in infos}  # read no further than the declared size
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
        raise TemplateError(
            f"{path}: not a readable Word document.", hint="Save it again from Word as .docx.", detail=repr(exc)
        ) from None


def _owner(rels_name: str) -> str:
    """``word/_rels/header1.xml.rels`` → ``word/header1.xml``."""
    rels = PurePosixPath(rels_name)
    return str(rels.parent.parent / rels.name.removesuffix(".rels")).lstrip("./") if rels.parent.name else ""


def _drop_external(rels: bytes) -> tuple[bytes, set[str]]:
    root = etree.fromstring(rels, _PARSER)
    dropped = set()
    for rel in list(root.iter(f"{{{PACKAGE_RELS}}}Relationship")):
        if rel.get("TargetMode") == "External" or _URL.match(rel.get("Target") or ""):
            dropped.add(rel.get("Id") or "")
            root.remove(rel)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)), dropped


def _drop_references(part: bytes, ids: set[str]) -> bytes:
    """The part without attributes naming a dropped relationship; an element left empty by that goes too."""
    root = etree.fromstring(part, _PARSER)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        for key in [k for k, v in element.attrib.items() if k.startswith(f"{{{OFFICE_RELS}}}") and v in ids]:
            del element.attrib[key]
            parent = element.getparent()
            if not element.attrib and len(element) == 0 and parent is not None:
                parent.remove(element)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def read_reference(path: Path) -> Reference:
    """Check, unpack and clean ``path``; TemplateError naming the file and the limit it is over."""
    parts = _unpack(path)
    dropped = 0
    try:
        for name in [n for n in parts if n.endswith(".rels")]:
            cleaned, ids = _drop_external(parts[name])
            if not ids:
                continue
            parts[name] = cleaned
            dropped += len(ids)
            owner = _owner(name)
            if owner in parts:
                parts[owner] = _drop_references(parts[owner], ids)
    except etree.XMLSyntaxError as exc:
        raise TemplateError(
            f"{path}: not a readable Word document.", hint="Save it again from Word as .docx.", detail=repr(exc)
        ) from None
    return Reference(path, zip_bytes(parts), dropped)  # from the parts checked, never the file read again
