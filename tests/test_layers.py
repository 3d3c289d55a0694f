"""The house rules of imports, read from the source: ``roster/`` never imports the solver, the
API or their libraries; ``solver/`` never imports the API or the CLI; no module imports
another's private names; and no import cycle among the modules of ``roster/``, ``solver/`` and
``cli/`` (imports inside functions count: they are no way around a cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("roster", "solver", "cli")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import of ``path``, anywhere in it."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, [a.name for a in node.names]))
    return out


def _targets(module: str, names: list[str]) -> list[str]:
    """The project modules an import reaches: the module itself, or its submodules named."""
    subs = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
    if subs:
        return subs
    return [module] if module in MODULES else []


def test_roster_never_imports_the_solver_or_the_api() -> None:
    banned = ("solver", "api", "cli", "ortools", "fastapi", "sqlalchemy")
    for name, path in MODULES.items():
        if not name.startswith("roster"):
            continue
        for module, _names in _imports(path):
            assert module.split(".")[0] not in banned, f"{path.relative_to(ROOT)} imports {module}"


def test_solver_never_imports_the_api_or_the_cli() -> None:
    for name, path in MODULES.items():
        if not name.startswith("solver"):
            continue
        for module, _names in _imports(path):
            top = module.split(".")[0]
            assert top not in ("api", "cli", "fastapi"), f"{path.relative_to(ROOT)}: {module}"


def test_no_module_imports_private_names_of_another() -> None:
    for path in MODULES.values():
        for module, names in _imports(path):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            assert not private, f"{path.relative_to(ROOT)} imports {private} from {module}"


def test_no_import_cycles() -> None:
    graph = {
        name: {t for module, names in _imports(path) for t in _targets(module, names)} - {name}
        for name, path in MODULES.items()
    }
    # A package's __init__ importing its own submodules is how re-exports work, not a cycle.
    for name in graph:
        graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
