"""The package layout holds: data flows one way (scenario -> engine -> results ->
experiments -> compare / plots -> htmlreport -> commands), and no module imports itself
back in a cycle (imports inside functions and under TYPE_CHECKING count too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parent.parent / "sim"

LAYERS = {
    "scenario": 0,
    "engine": 1,
    "results": 2,
    "experiments": 3,
    "comparison": 4,
    "plots": 4,
    "htmlreport": 5,
    "commands": 6,
    "cli": 7,
}
"""A package may import only packages of a lower layer (and itself)."""


def _module(path: Path) -> str:
    rel = path.relative_to(SIM.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every ``sim.*`` module imported anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("sim")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sim"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in SIM.rglob("*.py")}
    return {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_packages_import_only_lower_layers() -> None:
    wrong = []
    for module, deps in _graph().items():
        src = _package(module)
        if src is None:
            continue
        for dep in deps:
            dst = _package(dep)
            if dst is None or dst == src or LAYERS[dst] < LAYERS[src]:
                continue
            wrong.append(f"{module} imports {dep}")
    assert not wrong, "imports against the data flow:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles() -> None:
    graph = _graph()
    # a package's __init__ re-exports its modules: an edge into the package itself counts
    # as an edge to those modules, so leave out the package -> own-submodule edges only
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if dep.startswith(node + "."):  # a package importing its own modules
                continue
            if state.get(dep) == 1:
                cycles.append([*stack[stack.index(dep) :], dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("package", sorted(p for p in LAYERS if (SIM / p).is_dir()))
def test_every_package_says_what_it_owns(package: str) -> None:
    doc = ast.get_docstring(ast.parse((SIM / package / "__init__.py").read_text()))
    assert doc and "Owns" in doc and "import" in doc, f"sim/{package}/__init__.py docstring"


def test_public_api_names_survive_importing_every_package() -> None:
    """``sim.compare`` is a function; the package is ``sim.comparison``, so importing it
    (which sets an attribute on ``sim``) never replaces a public name."""
    import importlib

    import sim

    for path in sorted(SIM.rglob("*.py")):
        name = _module(path)
        if name not in ("sim.__main__",):
            importlib.import_module(name)
    for name in sim.__all__:
        value = getattr(sim, name)
        assert not isinstance(value, type(sim)) or name == "__version__", name
    assert callable(sim.compare) and sim.compare.__module__ == "sim.comparison.compare"
