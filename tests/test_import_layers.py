"""No import cycle between the packages of edgesmith, lazy (function-level) imports included."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "sdk" / "edgesmith"


def _unit(module: tuple[str, ...]) -> str:
    """The package a module belongs to (``ir``, ``sim``, ...), the top-level module, or
    ``edgesmith`` for a name of the package itself (``from .. import __version__``)."""
    if not module:
        return "edgesmith"
    head = module[0]
    exists = (PACKAGE / head).is_dir() or (PACKAGE / f"{head}.py").is_file() or head == "_sim"
    return head if exists else "edgesmith"


def _imports(path: Path) -> set[tuple[str, ...]]:
    """Every edgesmith module ``path`` imports, as a tuple of names under edgesmith."""
    here = path.relative_to(PACKAGE).with_suffix("").parts
    package = here[:-1] if path.name != "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                target = base + tuple(node.module.split(".")) if node.module else base
                names = [target + (a.name,) for a in node.names] if not node.module else [target]
                found.update(names)
            elif node.module and node.module.split(".")[0] == "edgesmith":
                found.add(tuple(node.module.split(".")[1:]))
        elif isinstance(node, ast.Import):
            found.update(tuple(a.name.split(".")[1:]) for a in node.names
                         if a.name.split(".")[0] == "edgesmith")
    return found


def package_graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        src = _unit(path.relative_to(PACKAGE).with_suffix("").parts)
        if path.parent == PACKAGE:
            src = path.stem if path.stem != "__init__" else "edgesmith"
        for target in _imports(path):
            dst = _unit(target)
            if dst != src and dst != "edgesmith":
                edges.setdefault(src, set()).add(dst)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_the_walk_sees_the_package_imports():
    edges = package_graph()
    assert "ir" in edges["sim"] and "ir" in edges["codegen"] and len(edges) >= 10


def test_no_import_cycle_between_packages():
    assert cycles(package_graph()) == []
