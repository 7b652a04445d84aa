"""The import rules of ARCHITECTURE.md hold (import-linter contracts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "broken" not in r.stdout.lower() or "0 broken" in r.stdout.lower()


ROOT_PACKAGES = ("dossier", "forms", "storage", "banks", "workflows", "app")

# Imported inside functions on purpose: these modules import Prefect, which reads its settings
# (PREFECT_HOME, set by `dossier serve` before the import) and configures logging when first
# imported (app/serving.py keeps uvicorn's loggers around that import). So they are imported
# only when a flow runs, is served or is deployed, never when the app or the CLI loads.
LAZY_IMPORTS = {
    "workflows.routing": "Prefect flows (routing)",
    "workflows.reminders": "Prefect flows (reminders)",
    "workflows.retention": "Prefect flows (retention)",
    "workflows.local_server": "Prefect's local server",
}


def _graph():
    import grimp

    return grimp.build_graph(*ROOT_PACKAGES, include_external_packages=True)


def _cycles(graph) -> list[list[str]]:
    """Groups of our modules that import each other, directly or around a loop (Tarjan)."""
    ours = sorted(m for m in graph.modules if m.split(".")[0] in ROOT_PACKAGES)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(start: str) -> None:
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, edges = work[-1]
            step = next((m for m in edges if m.split(".")[0] in ROOT_PACKAGES), None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph.find_modules_directly_imported_by(
                        step)))))
                elif step in on_stack:
                    low[module] = min(low[module], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))

    for module in ours:
        if module not in index:
            visit(module)
    return groups


def test_no_import_cycle_among_our_modules():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    import grimp

    graph = grimp.ImportGraph()
    for importer, imported in (("app.a", "app.b"), ("app.b", "app.c"), ("app.c", "app.a"),
                               ("app.b", "dossier.d"), ("dossier.d", "dossier.e")):
        graph.add_import(importer=importer, imported=imported)
    assert _cycles(graph) == [["app.a", "app.b", "app.c"]]


def _local_imports() -> list[tuple[str, int, str]]:
    """(file, line, module) of every import of our packages inside a function."""
    import ast

    found = []
    for package in ROOT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(func):
                    names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                             else [node.module or ""] if isinstance(node, ast.ImportFrom)
                             and node.level == 0 else [])
                    found += [(str(path.relative_to(ROOT)), node.lineno, name) for name in names
                              if name.split(".")[0] in ROOT_PACKAGES]
    return sorted(set(found))


def test_our_modules_are_imported_at_the_top_of_a_module():
    """An import inside a function hides a dependency (often one that dodges a cycle)."""
    hidden = [f"{path}:{line} {module}" for path, line, module in _local_imports()
              if module not in LAZY_IMPORTS]
    assert hidden == []


def test_the_lazy_imports_are_the_ones_that_load_prefect():
    graph = _graph()
    for module in LAZY_IMPORTS:
        assert any(m == "prefect" or m.startswith("prefect.")
                   for m in graph.find_modules_directly_imported_by(module)), module
