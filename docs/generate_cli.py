"""Write docs/cli.md, the command-line reference, from the Typer app itself (every command, argument and
option, with its help and default), so the reference cannot drift from the code.

    python docs/generate_cli.py          # rewrite docs/cli.md
    python docs/generate_cli.py --check  # exit 1 when docs/cli.md is not what the code gives (tests run this)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from reportkit.cli import app

OUT = Path(__file__).resolve().parent / "cli.md"
HEAD = """# Command-line reference

Generated from the code by `python docs/generate_cli.py`; a test fails when it is out of date. What each command
does, with examples, is in the topic pages (see [the index](README.md)); exit codes in
[exit-codes.md](exit-codes.md).
"""


def _default(param: Any) -> str:
    if param.param_type_name == "option" and param.is_flag:
        return ""
    value = param.default
    if value is None or callable(value) or (isinstance(value, (list, tuple)) and not value):
        return ""
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    return f" [default: {getattr(value, 'value', value)}]"


def _option(param: Any, ctx: Any) -> str:
    names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
    metavar = "" if param.is_flag else f" {param.make_metavar(ctx)}"
    text = " ".join((param.help or "").split())
    return f"- {names}{metavar}: {text}{_default(param)}"


def _argument(param: Any) -> str:
    text = " ".join((getattr(param, "help", None) or "").split())
    many = "..." if param.nargs == -1 else ""
    return f"- `{param.name.upper() if param.name else ''}{many}`: {text}"


def _command(path: list[str], command: Any) -> list[str]:
    out = [f"## `reportkit {' '.join(path)}`", ""]
    if command.help:
        out += [" ".join(command.help.split()), ""]
    ctx = command.context_class(command, info_name=" ".join(path))
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    options = [p for p in command.params if p.param_type_name == "option" and p.name != "help"]
    if arguments:
        out += ["Arguments:", "", *(_argument(p) for p in arguments), ""]
    if options:
        out += ["Options:", "", *(_option(p, ctx) for p in options), ""]
    return out


def commands(group: Any, path: list[str] | None = None) -> list[tuple[list[str], Any]]:
    """Every command of ``group``, sub-commands after their group, in the order ``--help`` lists them."""
    out: list[tuple[list[str], Any]] = []
    ctx = group.context_class(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        here = [*(path or []), name]
        if hasattr(command, "list_commands"):
            out += commands(command, here)
        else:
            out.append((here, command))
    return out


def render() -> str:
    root: Any = typer.main.get_command(app)
    lines = [HEAD]
    for path, command in commands(root):
        lines += _command(path, command)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run python docs/generate_cli.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
