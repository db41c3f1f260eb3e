"""No import cycles in reportkit: a module's imports (at the top or inside a function, not those only for type
checking) never lead back to it. Read from the source with ``ast``, so nothing is imported to check."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "reportkit"


def module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """The nodes inside ``if TYPE_CHECKING:`` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module → the package's modules it imports when it runs (a submodule import also imports its parents)."""
    paths = {module_name(p, package): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in paths}

    def resolve(name: str) -> str | None:
        while name and name not in paths:
            name = name.rpartition(".")[0]
        return name or None

    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_only(tree)
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join([*parent, *([node.module] if node.module else [])])
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for target in targets:
                if not target.startswith(package.name):
                    continue
                found = resolve(target)
                # the parents a submodule import runs first (their __init__) count too, but not the root
                while found and found != package.name:
                    if found != name:
                        graph[name].add(found)
                    found = resolve(found.rpartition(".")[0])
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_cycles() -> None:
    graph = import_graph(PACKAGE)
    assert len(graph) > 50 and graph["reportkit.api"], "the graph was not read"
    assert cycles(graph) == []


def test_a_cycle_is_found(tmp_path: Path) -> None:
    """The check itself: a package whose modules import each other (one only inside a function) is caught;
    an import made only for type checking is not a cycle."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from pkg import a\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import d\n")
    (package / "d.py").write_text("import pkg.c\n")
    assert cycles(import_graph(package)) == [["pkg.a", "pkg.sub.b"]]


def test_no_import_reaches_a_later_stage() -> None:
    from reportkit.stages import STAGES

    stage = {name: n for n, row in enumerate(STAGES) for name in row}

    def top(module: str) -> str:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 else parts[0]

    graph = import_graph(PACKAGE)
    unplaced = sorted({top(m) for m in graph} - set(stage))
    assert unplaced == [], f"add these to reportkit/stages.py: {unplaced}"
    upward = sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets if stage[top(b)] > stage[top(a)])
    assert upward == []


MAX_LINES = 500
"""A module that grows past this has more than one job: split it by job (issue 19)."""


def test_no_source_file_is_over_500_lines() -> None:
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}  # fmt: skip
    assert len(sizes) > 50
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
