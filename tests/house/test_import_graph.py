"""The house rules read from the imports themselves (ast, no import executed): no cycle between files,
and the archive does not depend on the crawl runtime.

Every import counts, at module level or inside a function, and `if TYPE_CHECKING:` ones too: a lazy
import hides a cycle from Python, not from the reader.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("crawler", "archive", "pipelines", "spiders")

# What archive/ may import from crawler/: leaf helpers with no Scrapy in them (checked below, with
# everything they import in turn). A module of a package allowed here is allowed too.
ARCHIVE_MAY_IMPORT = (
    "crawler.errors",
    "crawler.text.arabic",
    "crawler.text.identity",
    "crawler.text.neardup",
    "crawler.extraction",
    "crawler.discovery.catalog",
    "crawler.items",
)
CRAWL_RUNTIME = ("scrapy", "scrapy_redis", "twisted", "spiders", "pipelines")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for room in ROOMS for p in sorted((ROOT / room).rglob("*.py"))}


def imported_names(path: Path, name: str) -> set[str]:
    """Every dotted name an import statement of the file can refer to (relative imports resolved)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            # `from a import b` needs only `a.b` when that is a module (then not `a`'s other names)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def owning_module(name: str, modules: dict[str, Path]) -> str | None:
    """The project file a dotted name lives in (`crawler.extraction.extract` -> `crawler.extraction`)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(file -> project files it imports, file -> every dotted name it imports)."""
    modules = project_modules()
    edges, names = {}, {}
    for name, path in modules.items():
        names[name] = imported_names(path, name)
        edges[name] = {m for n in names[name] if (m := owning_module(n, modules)) and m != name}
    return edges, names


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one file (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(edges[succ]))))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def with_parents(modules: set[str]) -> set[str]:
    """Importing `a.b.c` runs `a/__init__.py` and `a/b/__init__.py` first."""
    out = set()
    for name in modules:
        parts = name.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return out


def reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(m for m in with_parents(edges.get(name, set())) if m in edges)
    return seen


def allowed_for_archive(name: str) -> bool:
    """archive itself, an allowed helper or a module of it, or a package on the way to one (its __init__ runs)."""
    return name.startswith("archive") or any(
        name == helper or name.startswith(helper + ".") or helper.startswith(name + ".")
        for helper in ARCHIVE_MAY_IMPORT)


def is_runtime(name: str) -> bool:
    return any(name == r or name.startswith(r + ".") for r in CRAWL_RUNTIME)


def test_the_graph_is_read_from_the_real_tree():
    edges, _ = import_graph()
    assert {"crawler.cli", "archive.store", "pipelines.extract", "spiders.news"} <= set(edges)
    assert "archive.ftsindex" in edges["archive.store"]  # a known import, so an empty graph cannot pass


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_files():
    edges, _ = import_graph()
    assert cycles(edges) == []


def test_archive_imports_from_crawler_only_its_leaf_helpers():
    edges, _ = import_graph()
    wrong = {f"{name} -> {target}" for name in edges if name.startswith("archive")
             for target in edges[name] if not allowed_for_archive(target)}
    assert sorted(wrong) == []


@pytest.mark.parametrize("helper", ARCHIVE_MAY_IMPORT)
def test_the_helpers_the_archive_may_import_exist(helper):
    assert helper in project_modules()


def test_nothing_the_archive_reaches_imports_the_crawl_runtime():
    edges, names = import_graph()
    leaks = set()
    for name in edges:
        if not name.startswith("archive"):
            continue
        for reached in reachable(name, edges):
            leaks.update(f"{name} reaches {reached}, which imports {n}" for n in names[reached] if is_runtime(n))
            if is_runtime(reached) or not allowed_for_archive(reached):
                leaks.add(f"{name} reaches {reached}")
    assert sorted(leaks) == []
