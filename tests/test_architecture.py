"""The architecture holds: the import rules of ARCHITECTURE.md (import-linter contracts) and
small functions (cyclomatic complexity at most 15, radon) in the product packages."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class, Function

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("app", "dossier", "forms", "banks", "registry", "workflows", "storage")
MAX_COMPLEXITY = 15
# Today's offenders, being split up on other branches: emptied when they merge. A function
# that is no longer over the limit must leave this list, so it cannot go stale.
KNOWN_OVER_15: set[str] = set()


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "broken" not in r.stdout.lower() or "0 broken" in r.stdout.lower()


def _functions(blocks: Iterable[Function | Class]) -> Iterator[Function]:
    """Every function radon sees: top-level, methods, closures."""
    for block in blocks:
        if isinstance(block, Class):
            yield from _functions(block.methods)
            yield from _functions(block.inner_classes)
        else:
            yield block
            yield from _functions(block.closures)


def complexity_over_limit() -> dict[str, int]:
    """'path: qualified name' -> cyclomatic complexity, for each function over the limit."""
    over = {}
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            for function in _functions(cc_visit(path.read_text("utf-8"))):
                if function.complexity > MAX_COMPLEXITY:
                    over[f"{path.relative_to(ROOT).as_posix()}: {function.fullname}"] = \
                        function.complexity
    return over


def test_no_function_is_more_complex_than_15():
    over = complexity_over_limit()
    new = {name: cc for name, cc in over.items() if name not in KNOWN_OVER_15}
    assert not new, f"split these functions (cyclomatic complexity > {MAX_COMPLEXITY}): {new}"
    fixed = sorted(KNOWN_OVER_15 - set(over))
    assert not fixed, f"no longer over {MAX_COMPLEXITY}, remove from KNOWN_OVER_15: {fixed}"


ROOT_PACKAGES = ("dossier", "forms", "storage", "banks", "registry", "workflows", "app")

# Imported inside functions on purpose: these modules import Prefect, which reads its settings
# (PREFECT_HOME, set by `dossier serve` before the import) and configures logging when first
# imported (app/serving.py keeps uvicorn's loggers around that import). So they are imported
# only when a flow runs, is served or is deployed, never when the app or the CLI loads.
LAZY_IMPORTS = {
    "workflows.routing": "Prefect flows (routing)",
    "workflows.reminders": "Prefect flows (reminders)",
    "workflows.registry": "Prefect flows (registry checks)",
    "workflows.retention": "Prefect flows (retention)",
    "workflows.local_server": "Prefect's local server",
    "workflows.warm": "the flows' warm-up (Prefect's engine, WeasyPrint)",
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
