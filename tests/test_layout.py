"""The package reads like the pipeline: stages in order, no import circles.

A newcomer learns the code from its tree, so the tree must not lie: a module imports
only from its own stage, an earlier one, or the shared foundations (models, errors,
files, config, progress, doi). Every import counts, deferred ones too: an import
inside a function is still a dependency, merely a later one.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "citeaudit"

# The data's way through the program; a stage may import only stages before it.
STAGES = (
    "foundations",
    "reading",
    "claims",
    "registries",
    "verification",
    "judging",
    "quality",
    "reporting",
    "pipeline",
    "cli",
)


def _module_name(path: Path) -> str:
    parts = ("citeaudit", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that `path` imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found.update(n for n in names if n in modules)  # `from pkg import module`
            if node.module in modules and not any(n in modules for n in names):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {m: _imports(p, set(modules)) - {m} for m, p in modules.items()}


def find_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan), each a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for dep in graph.get(node, ()):
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 2:
        return parts[1]
    return "cli" if module == "citeaudit.cli" else "foundations"


def test_no_module_of_the_package_imports_itself_in_a_circle() -> None:
    assert find_circles(import_graph()) == []


def test_the_circle_check_finds_a_circle_when_there_is_one() -> None:
    graph = import_graph()
    graph["citeaudit.judging.rules"] = graph["citeaudit.judging.rules"] | {
        "citeaudit.judging.claim"
    }
    circles = find_circles(graph)
    assert any({"citeaudit.judging.rules", "citeaudit.judging.claim"} <= set(c) for c in circles)


def test_every_module_lives_in_a_known_stage() -> None:
    assert {stage_of(m) for m in import_graph()} <= set(STAGES)


def test_each_stage_imports_only_itself_earlier_stages_and_the_foundations() -> None:
    backwards = [
        f"{module} ({stage_of(module)}) imports {dep} ({stage_of(dep)})"
        for module, deps in sorted(import_graph().items())
        for dep in sorted(deps)
        if STAGES.index(stage_of(dep)) > STAGES.index(stage_of(module))
    ]
    assert backwards == []


def test_every_module_imports_on_its_own_in_a_fresh_interpreter() -> None:
    """A circle hidden behind import order shows as an ImportError only when the module
    in it is the first one imported; so each module is imported first once."""
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        "for name in sys.argv[1:]:\n"
        "    for loaded in [m for m in sys.modules if m.split('.')[0] == 'citeaudit']:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{name}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(failed))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *sorted(import_graph())],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert done.stdout.strip() == ""
