"""The one Jinja environment drafts are rendered in, and the conversion of a rendering to DOCX, Markdown,
HTML and PDF.

Sandboxed (a template cannot reach Python internals), ``StrictUndefined`` (a misspelt name is an error, not
an empty string) and autoescaped (record text stays text in every output).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from reportkit.draft import markup, sandbox, wordparts
from reportkit.draft.reference import Reference, read_reference
from reportkit.errors import MissingToolError, OutputError, TemplateError, UsageError

TEMPLATE_NAMES = {
    "ime": "ime-report.html.j2",
    "second-opinion": "second-opinion-letter.html.j2",
    "addendum": "addendum.html.j2",
}
OUTPUT_STEMS = {"ime": "ime-report", "second-opinion": "second-opinion-letter", "addendum": "addendum"}
TITLES = {
    "ime": "Independent Medical Examination Report",
    "second-opinion": "Second opinion",
    "addendum": "Addendum: additional records reviewed",
}
STYLE_NAME = "style.css"
REFERENCE_NAME = "reference.docx"
PLACEHOLDER_PREFIX = "[TO COMPLETE: "
PLACEHOLDER_RE = re.compile(r"\[TO COMPLETE: [^\]]*\]")
FORMATS = ("docx", "md", "html", "pdf")


def check_formats(formats: Sequence[str]) -> None:
    """Refuse draft formats this module cannot write, or none at all (UsageError, exit 2), before any work."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(
            f"--format: not a draft format: {', '.join(unknown) or '(none given)'}.", hint=f"Use {', '.join(FORMATS)}."
        )


def placeholder(what: str) -> Markup:
    """A visible, highlighted gap the physician must fill: ``[TO COMPLETE: history]``."""
    return Markup('<mark class="placeholder">') + escape(f"{PLACEHOLDER_PREFIX}{what}]") + Markup("</mark>")


def written(value: Any, what: str) -> Markup:
    """The physician's text as paragraphs (blank lines separate them), or a placeholder when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Markup("<p>") + placeholder(what) + Markup("</p>")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", markup.clean(str(value))) if p.strip()]
    return Markup("\n").join(Markup("<p>") + escape(" ".join(p.split())) + Markup("</p>") for p in paragraphs)


def longdate(value: Any) -> str:
    """``2024-02-06`` → ``February 6, 2024`` (anything else unchanged)."""
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day:%B} {day.day}, {day.year}"


def nodot(value: Any) -> Any:
    """Drop a trailing full stop, for text the template ends with its own."""
    return value.rstrip(".") if isinstance(value, str) and not isinstance(value, Markup) else value


def partname(value: Any) -> str:
    """A question number as part of a part's name: ``2(a)`` → ``2-a``."""
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "x"


def environment(templates: Path | None = None) -> SandboxedEnvironment:
    """The one environment (``render`` and ``templates check`` both use it); ``templates`` is a user folder
    (templates missing there come from the built-ins). Sandboxed, immutable and bounded (see
    ``reportkit.draft.sandbox``): a template can read the context but not change it, reach Python internals,
    load files outside its folder, or run away. Each call gives fresh work counters."""
    env = sandbox.bounded_environment(templates)
    env.globals.update(placeholder=placeholder, written=written)
    env.filters["longdate"] = longdate
    env.filters["nodot"] = nodot
    env.filters["partname"] = partname
    env.bound_filters()
    return env


def template_label(kind: str, templates: Path | None) -> str:
    """The template's path (a user's) or ``built-in NAME``, for messages."""
    name = TEMPLATE_NAMES[kind]
    return f"{templates / name}" if templates is not None and (templates / name).is_file() else f"built-in {name}"


def render_markup(kind: str, context: dict[str, Any], templates: Path | None = None) -> str:
    """Render the kind's template to the draft markup. Raises TemplateError with the template and line."""
    name = TEMPLATE_NAMES[kind]
    env = environment(templates)
    where = template_label(kind, templates)
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{where}: line {exc.lineno}: {exc.message}.", hint="Fix the template syntax.") from None
    except sandbox.LoadRefused as exc:
        raise TemplateError(
            f"{where}: line {_line(exc, name)}{exc.message}.",
            hint="Keep the templates you include, import or extend in the templates folder, named without "
            "'..' or an absolute path, and not as links out of the folder.",
        ) from None
    except (sandbox.LimitExceeded, RecursionError, MemoryError, ArithmeticError) as exc:
        what = exc.message if isinstance(exc, sandbox.LimitExceeded) else f"{type(exc).__name__}, the sandbox's limit"
        raise TemplateError(
            f"{where}: line {_line(exc, name)}stopped at a limit: {what}.",
            hint="Look for a loop, macro or value that grows without end; the limits are in docs/drafting.md "
            "('What the sandbox allows').",
        ) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(
            f"{where}: line {_line(exc, name)}the template reaches for something templates may not use ({exc}).",
            hint="Templates may use only the context values listed in templates/README.md.",
        ) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"{where}: line {_line(exc, name)}uses an undefined name: {exc.message}.",
            hint="Check the spelling against templates/README.md, or guard optional values with `if`.",
        ) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{where}: {exc.message or type(exc).__name__}.") from None
    except (TypeError, ValueError, AttributeError, ZeroDivisionError) as exc:
        raise TemplateError(
            f"{where}: line {_line(exc, name)}failed to render ({type(exc).__name__}).", detail=str(exc)
        ) from None


def _line(exc: BaseException, name: str) -> str:
    """``12: `` — the template line from the traceback, when Jinja recorded one."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in (name,) or tb.tb_frame.f_code.co_filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return f"{line}: " if line else ""


@dataclass(frozen=True)
class Rendered:
    kind: str
    html: str
    """The template's output (the draft markup)."""
    blocks: list[markup.Block]
    running: str = ""
    """The running header of the DOCX (see ``running_head``)."""

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)

    @property
    def placeholders(self) -> list[str]:
        return PLACEHOLDER_RE.findall(self.text)

    @property
    def headings(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind in ("h1", "h2", "h3")]


def render(kind: str, context: dict[str, Any], templates: Path | None = None) -> Rendered:
    text = render_markup(kind, context, templates)
    return Rendered(kind, text, markup.parse(text, template_label(kind, templates)), running_head(kind, context))


def running_head(kind: str, context: dict[str, Any]) -> str:
    """The DOCX's running header: whose report it is, the claim, and that it is confidential."""
    case = context.get("case") or {}
    person = case.get("patient" if kind == "second-opinion" else "examinee") or {}
    claim = case.get("claim_number")
    parts = [person.get("name"), f"Claim {claim}" if claim and kind != "second-opinion" else None, "Confidential"]
    return markup.clean(" · ".join(p for p in parts if p))


def user_file(templates: Path | None, name: str) -> Path | None:
    """``templates/name`` when the user has one (inside the folder, after links: TemplateError if not)."""
    if templates is None:
        return None
    try:
        return sandbox.confined(templates, name)
    except sandbox.LoadRefused as exc:
        raise TemplateError(
            f"{templates / name}: a link out of the templates folder; {str(exc).split(', but ')[-1]}.",
            hint=f"Put the file itself in {templates}.",
        ) from None


def style(templates: Path | None) -> str:
    """The HTML drafts' style sheet: the user's style.css, or the built-in one."""
    path = user_file(templates, STYLE_NAME)
    if path is not None:
        return path.read_text(encoding="utf-8")
    return resources.files("reportkit").joinpath("templates", STYLE_NAME).read_text(encoding="utf-8")


def reference_of(templates: Path | None) -> Reference | None:
    """The user's reference.docx, checked and without its external links (None: python-docx's default)."""
    path = user_file(templates, REFERENCE_NAME)
    return read_reference(path) if path is not None else None


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    program = soffice()
    if program is None:
        raise MissingToolError(
            "PDF drafts need LibreOffice, which is not installed.",
            hint="Install it (Debian/Ubuntu: apt-get install libreoffice-writer-nogui), or leave out --format pdf "
            "and print the DOCX to PDF from Word.",
        )
    return program


def docx_to_pdf(docx: bytes, name: str, timeout: float = 180.0) -> bytes:
    """Convert with LibreOffice headless (own throw-away profile), then fix the PDF's dates and /ID. The
    content is the DOCX's exactly; reportkit's content controls are unwrapped first (see ``unwrapped``)."""
    program = require_soffice()
    with tempfile.TemporaryDirectory(prefix="reportkit-pdf-") as tmp:
        src = Path(tmp) / name
        src.write_bytes(wordparts.unwrapped(docx))
        try:
            subprocess.run(
                [program, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                 "--convert-to", "pdf", "--outdir", str(Path(tmp) / "out"), str(src)],
                check=True, capture_output=True, timeout=timeout,
            )  # fmt: skip
            pdf = (Path(tmp) / "out" / src.with_suffix(".pdf").name).read_bytes()
        except (subprocess.SubprocessError, OSError) as exc:
            raise OutputError(
                "LibreOffice could not convert the draft to PDF.",
                hint="The DOCX, Markdown and HTML drafts are unaffected; try again, or print the DOCX to PDF.",
                detail=repr(exc),
            ) from None
    return _fix_pdf(pdf, hashlib.sha256(docx).digest()[:16])


def _fix_pdf(pdf: bytes, ident: bytes) -> bytes:
    """Fixed creation/modification dates and a content-derived /ID, so one DOCX gives one PDF."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    fixed = TextStringObject("D:20000101000000Z")
    writer.add_metadata({"/CreationDate": fixed, "/ModDate": fixed, "/Producer": TextStringObject("reportkit")})
    writer._ID = ArrayObject([ByteStringObject(ident), ByteStringObject(ident)])
    info: Any = writer._info
    if info is not None:
        obj: Any = info.get_object()
        for key in list(obj):
            if key not in ("/CreationDate", "/ModDate", "/Producer", "/Title", "/Author", "/Creator"):
                del obj[NameObject(key)]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
