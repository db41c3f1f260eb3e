"""The documentation cannot drift: the command reference is what the code gives, every option says what it
does, every link lands, and the README stays a short front page (issue 19)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import typer

from conftest import ROOT
from reportkit.cli import app

DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {_slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.M)}


def test_the_command_reference_is_what_the_code_gives() -> None:
    result = subprocess.run(
        [sys.executable, str(DOCS / "generate_cli.py"), "--check"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr + " (run: python docs/generate_cli.py)"
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert "## `reportkit index`" in reference and "`--link-base`" in reference and "## `reportkit review`" in reference


def test_every_command_and_option_says_what_it_does() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_cli", DOCS / "generate_cli.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    silent = []
    found = module.commands(typer.main.get_command(app))
    assert len(found) >= 14
    for path, command in found:
        if not (command.help or "").strip():
            silent.append(" ".join(path))
        for param in command.params:
            if param.name != "help" and not (getattr(param, "help", None) or "").strip():
                silent.append(f"{' '.join(path)} {param.name}")
    assert silent == []


def test_every_link_in_the_docs_lands() -> None:
    broken = []
    for page in PAGES:
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
        for target in LINK.findall(text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            where = (page.parent / path).resolve() if path else page
            if not where.exists():
                broken.append(f"{page.name}: {target} (no such file)")
            elif anchor and where.suffix == ".md" and anchor not in _anchors(where):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert broken == []


def test_the_readme_is_a_short_front_page_with_the_two_commands_first() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250
    first_screen = "\n".join(lines[:30])
    assert ".venv/bin/reportkit index samples/ime-case/records --out sample-index" in first_screen
    assert '.venv/bin/pip install -e ".[test]" && .venv/bin/pytest' in first_screen
    pages = {p.name for p in DOCS.glob("*.md")}
    linked = set(re.findall(r"docs/([\w-]+\.md)", "\n".join(lines)))
    assert pages - {"README.md"} <= linked | {"README.md"}, sorted(pages - linked)
