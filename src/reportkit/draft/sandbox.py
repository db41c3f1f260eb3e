"""The sandbox user templates run in: what they may load, and how much work they may do.

Loads: a template may load (``include``, ``import``, ``extends``) only the templates of its own folder —
plain relative names, no ``..``, nothing that resolves (through links) out of the folder — and the built-ins.
Work: every loop step and call counts against one budget; no single value (a string, a list) may grow past
``MAX_VALUE`` characters or items, no number past ``MAX_INT_BITS`` bits; everything a render prints (macros
and captured blocks included) is at most ``MAX_OUTPUT`` characters; calls nest at most ``MAX_DEPTH`` deep.
The counters are per environment, and every render gets a new environment.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any, cast

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

MAX_STEPS = 1_000_000
"""Loop steps plus calls in one render."""
MAX_VALUE = 10_000_000
"""Characters of one string, items of one list."""
MAX_OUTPUT = 50_000_000
"""Characters printed in one render, counted wherever they are printed (macros, ``set`` blocks)."""
MAX_INT_BITS = 4096
"""Bits of one integer (about 1,200 digits)."""
MAX_DEPTH = 100
"""Calls (macros, recursive loops) nested in one another."""


class LoadRefused(jinja2.exceptions.SecurityError):
    """A template asked for a file outside its folder and the built-ins."""

    def __init__(self, name: str, folder: Path | None) -> None:
        self.name = name
        self.folder = folder
        where = f"the templates in {folder} and the built-ins" if folder is not None else "the built-in templates"
        super().__init__(f"loads '{name[:80]}', but templates may load only {where}")


class LimitExceeded(jinja2.exceptions.TemplateRuntimeError):
    """A template did more work, or made a bigger value, than the sandbox allows."""


def _builtin_names() -> set[str]:
    root = resources.files("reportkit").joinpath("templates")
    return {p.name for p in root.iterdir() if p.is_file()}


def confined(folder: Path, name: str) -> Path | None:
    """``folder/name`` if that is a file inside ``folder`` (after resolving links), None if there is no such
    file; LoadRefused if ``name`` is absolute, holds ``..`` or leads (through a link) out of the folder."""
    pure = PurePosixPath(name)
    if "\\" in name or pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise LoadRefused(name, folder)
    path = folder / pure
    if not path.is_symlink() and not path.exists():
        return None
    resolved = path.resolve()
    if not resolved.is_relative_to(folder.resolve()):
        raise LoadRefused(name, folder)
    return resolved if resolved.is_file() else None


class FolderLoader(jinja2.BaseLoader):
    """Templates from one folder (if any), else the built-ins by their exact names; nothing else."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        if self.folder is not None:
            path = confined(self.folder, template)
            if path is not None:
                mtime = path.stat().st_mtime
                return path.read_text(encoding="utf-8"), str(path), lambda: path.stat().st_mtime == mtime
        elif "/" in template or "\\" in template or template.startswith("."):
            raise LoadRefused(template, None)
        if template not in _builtin_names():
            raise jinja2.TemplateNotFound(template)
        text = resources.files("reportkit").joinpath("templates", template).read_text(encoding="utf-8")
        return text, None, lambda: True


# --- sizes ---------------------------------------------------------------------------------------------


def size_of(value: Any, limit: int = MAX_VALUE) -> int:
    """About how many characters ``value`` prints as; counting stops soon after ``limit``."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple | set | frozenset):
        total = 2 + 2 * len(value)
        for item in value:
            if total > limit:
                break
            total += size_of(item, limit - total)
        return total
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() // 3 + 1
    return 16


def _too_big(what: str) -> LimitExceeded:
    return LimitExceeded(f"{what} (the sandbox's limit)")


def check_size(value: Any) -> Any:
    """``value`` unchanged, if it is not longer than MAX_VALUE (a shallow check: its own length)."""
    if isinstance(value, str | bytes | list | tuple | dict | set) and len(value) > MAX_VALUE:
        raise _too_big(f"a value of more than {MAX_VALUE:,} characters or items")
    return value


def check_printable(value: Any) -> Any:
    """``value`` unchanged, if it prints as at most MAX_VALUE characters (a deep check, for values about to
    become text)."""
    if size_of(value) > MAX_VALUE:
        raise _too_big(f"a value of more than {MAX_VALUE:,} characters or items")
    return value


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*?:([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")


def check_format(fmt: str, args: Iterable[Any]) -> None:
    """Refuse a ``%`` or ``{}`` format whose widths would make a value over MAX_VALUE."""
    widths = [w for m in _PERCENT_SPEC.finditer(fmt) for w in m.groups() if w]
    widths += [w for m in _BRACE_SPEC.finditer(fmt) for w in re.findall(r"\d+|\{", m.group(1))]
    if any(w.isdigit() and int(w) > MAX_VALUE for w in widths):
        raise _too_big(f"a format width of more than {MAX_VALUE:,}")
    if any(not w.isdigit() for w in widths):  # a width given as an argument
        ints = [a for a in args if isinstance(a, int)]
        if any(abs(a) > MAX_VALUE for a in ints):
            raise _too_big(f"a format width of more than {MAX_VALUE:,}")


def _power(left: Any, right: Any) -> None:
    big = isinstance(left, int) and isinstance(right, int) and right > 0 and left.bit_length() * right > MAX_INT_BITS
    if big and abs(left) > 1:
        raise _too_big(f"a number of more than {MAX_INT_BITS:,} bits")


def _times(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _too_big(f"a number of more than {MAX_INT_BITS:,} bits")
        return
    seq, count = (left, right) if isinstance(right, int) else (right, left)
    if isinstance(count, int) and isinstance(seq, str | list | tuple) and len(seq) * count > MAX_VALUE:
        raise _too_big(f"a value of more than {MAX_VALUE:,} characters or items")


def _plus(left: Any, right: Any) -> None:
    sequences = isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple)
    if sequences and len(left) + len(right) > MAX_VALUE:
        raise _too_big(f"a value of more than {MAX_VALUE:,} characters or items")


def _sized_call(name: str, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse a str method or filter call whose result would be over MAX_VALUE, before it is made."""
    values = [*args, *kwargs.values()]
    ints = [v for v in values if isinstance(v, int)]
    if name in ("ljust", "rjust", "center", "zfill", "batch", "slice") and any(abs(i) > MAX_VALUE for i in ints):
        raise _too_big(f"a width of more than {MAX_VALUE:,}")
    estimate = 0
    if name == "expandtabs" and isinstance(target, str):
        estimate = len(target) + target.count("\t") * max(ints, default=8)
    elif name == "replace" and isinstance(target, str) and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        estimate = len(target) + (target.count(old) if old else len(target) + 1) * len(new)
    elif name in ("join", "sum"):
        items = args[0] if name == "join" and isinstance(target, str) and args else target
        estimate = size_of(items) if isinstance(items, list | tuple) else 0
    elif name == "indent" and isinstance(target, str):
        extra = max([len(v) for v in values if isinstance(v, str)] + ints + [4])
        estimate = len(target) + (target.count("\n") + 1) * extra
    elif name == "wordwrap" and isinstance(target, str):
        extra = max([len(v) for v in values if isinstance(v, str)] + [1])
        estimate = len(target) * (1 + extra)
    elif name in ("format", "string", "pprint", "tojson"):
        if name == "format" and isinstance(target, str):
            check_format(target, values)
        estimate = size_of(target) + size_of(values)
    if estimate > MAX_VALUE:
        raise _too_big(f"a value of more than {MAX_VALUE:,} characters or items")


def _listed(name: str, args: tuple[Any, ...], at: int) -> tuple[Any, ...]:
    """``args`` with the items a ``join`` or ``sum`` adds up made a list, so their size can be known first."""
    if name in ("join", "sum") and len(args) > at and not isinstance(args[at], str | list | tuple):
        return (*args[:at], list(args[at]), *args[at + 1 :])
    return args


# --- the environment -----------------------------------------------------------------------------------


def _guard(name: str, node: nodes.Expr) -> nodes.Filter:
    """``node`` through the environment's ``name`` counter: a filter no template can name (its name is no
    identifier), called directly rather than through the sandbox's ``call``, never folded at compile time."""
    guard = nodes.Filter(node, f"reportkit:{name}", [], [], None, None)
    guard.set_lineno(node.lineno or 1)
    return guard


def _guard_filter(method: str) -> Callable[..., Any]:
    @jinja2.pass_context
    def guard(context: jinja2.runtime.Context, value: Any) -> Any:
        return getattr(context.environment, method)(value)

    return guard


class _Guards(NodeTransformer):
    """Every loop's iterable, every printed value and every ``~`` go through the environment's counters."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)  # changes node in place
        node.iter = _guard("guard_loop", cast(nodes.Expr, node.iter))
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [_guard("guard_value", n) for n in node.nodes]
        return _guard("guard_value", node)

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        guarded: list[nodes.Expr] = []
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                guarded += [child, _guard("guard_literal", nodes.Const(len(child.data), lineno=child.lineno))]
            else:
                guarded.append(_guard("guard_output", child))
        node.nodes = guarded
        return node


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """Sandboxed, immutable, and bounded: see the module's docstring for the limits."""

    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        for method in ("guard_loop", "guard_value", "guard_output", "guard_literal"):
            self.filters[f"reportkit:{method}"] = _guard_filter(method)
        self.steps = 0
        self.printed = 0
        self.depth = 0

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        guarded: nodes.Template = _Guards().visit(tree)
        return guarded

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _too_big(f"more than {MAX_STEPS:,} loop steps and calls")

    def guard_loop(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.step()
            yield item

    def guard_value(self, value: Any) -> Any:
        return check_printable(value)

    def guard_output(self, value: Any) -> Any:
        self.guard_literal(size_of(value, MAX_OUTPUT))
        return value

    def guard_literal(self, length: int) -> str:
        self.printed += length
        if self.printed > MAX_OUTPUT:
            raise _too_big(f"more than {MAX_OUTPUT:,} characters of output")
        return ""

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        self.step()
        if operator == "**":
            _power(left, right)
        elif operator == "*":
            _times(left, right)
        elif operator == "+":
            _plus(left, right)
        elif operator == "%" and isinstance(left, str):
            check_format(left, right if isinstance(right, tuple) else [right])
            check_printable(right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.step()
        method = getattr(__obj, "__wrapped__", __obj)
        target = getattr(method, "__self__", None)
        if isinstance(target, str | bytes | list | tuple):
            name = getattr(method, "__name__", "")
            if name in ("format", "format_map") and isinstance(target, str):
                check_format(target, [*args, *kwargs.values()])
            args = _listed(name, args, 0)
            _sized_call(name, target, args, kwargs)
        __self.depth += 1
        try:
            if __self.depth > MAX_DEPTH:
                raise _too_big(f"calls (macros, recursive loops) nested more than {MAX_DEPTH} deep")
            return check_size(super().call(__context, __obj, *args, **kwargs))
        finally:
            __self.depth -= 1

    def bound_filters(self) -> None:
        """Wrap every filter (but the guards) in the step count and the size checks."""
        for name, function in list(self.filters.items()):
            if not name.startswith("reportkit:"):
                self.filters[name] = _bounded_filter(self, name, function)


_ITERATING = {
    "attr", "batch", "count", "default", "d", "dictsort", "first", "groupby", "items", "join", "last", "length",
    "list", "map", "max", "min", "random", "reject", "rejectattr", "reverse", "select", "selectattr", "slice",
    "sort", "sum", "unique",
}  # fmt: skip
"""Filters that go through a list's items; every other filter prints its value, so a list given to one must
print within MAX_VALUE."""


def _bounded_filter(env: BoundedEnvironment, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    pass_arg = getattr(function, "jinja_pass_arg", None)

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        env.step()
        first = 1 if pass_arg is not None else 0
        args = _listed(name, args, first)
        if len(args) > first:
            value = args[first]
            if name not in _ITERATING and isinstance(value, list | tuple | dict | set | frozenset):
                check_printable(value)
            _sized_call(name, value, args[first + 1 :], kwargs)
        return check_size(function(*args, **kwargs))

    return bounded


def bounded_environment(folder: Path | None) -> BoundedEnvironment:
    """A new environment (fresh counters) loading from ``folder`` and the built-ins."""
    env = BoundedEnvironment(
        loader=FolderLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    lipsum: Callable[..., Any] = env.globals["lipsum"]  # type: ignore[assignment]

    def bounded_lipsum(n: int = 5, *args: Any, **kwargs: Any) -> Any:
        if abs(n) > 1000:
            raise _too_big("more than 1,000 paragraphs of lipsum")
        return lipsum(n, *args, **kwargs)

    env.globals["lipsum"] = bounded_lipsum
    return env
