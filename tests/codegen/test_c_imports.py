"""The C generator's modules import one another without a cycle, lazy imports included."""

import ast
from pathlib import Path

import edgesmith.codegen

PACKAGE = "edgesmith.codegen"


def _imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports anywhere (top level, in functions,
    under TYPE_CHECKING)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level > 1 or (node.level == 0 and not (node.module or "").startswith(PACKAGE)):
                continue
            base = (node.module or "") if node.level else node.module.removeprefix(PACKAGE)
            base = base.strip(".")
            names = [base] if base else [a.name for a in node.names]
            found |= {n.split(".")[0] for n in names}
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix(PACKAGE + ".").split(".")[0] for a in node.names
                      if a.name.startswith(PACKAGE + ".")}
    return found & modules


def import_graph() -> dict[str, set[str]]:
    folder = Path(edgesmith.codegen.__file__).parent
    files = {p.stem: p for p in folder.glob("*.py") if p.stem != "__init__"}
    return {name: _imported_modules(path, set(files)) - {name} for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle_inside_codegen():
    graph = import_graph()
    assert len(graph) >= 16  # the walk sees the package (a new module must not fail it)
    assert graph["c_steps"] >= {"c_calls", "c_context"}  # the walk sees real imports
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_the_cycle_finder_finds_lazy_and_long_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
