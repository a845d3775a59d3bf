"""No import cycles among Padu's modules.

`lint-imports` (pyproject.toml, [tool.importlinter]) keeps the layers between the apps; inside an
app two modules can still import each other, at module level or inside a function, which makes
the order of imports matter and the two modules one. The graph is grimp's (import-linter's own):
every `import` in src/padu/, function-level and TYPE_CHECKING ones included.
"""

import itertools

import grimp
import pytest


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan, without
    recursion: a chain of imports can be deeper than Python's recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    index[other] = low[other] = len(index)
                    stack.append(other)
                    on_stack.add(other)
                    work.append(
                        (other, iter(sorted(graph.find_modules_directly_imported_by(other))))
                    )
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    groups.append(sorted(group))
    return [group for group in groups if len(group) > 1]


def describe_cycle(graph: grimp.ImportGraph, group: list[str]) -> str:
    """One cycle through the group's first module, each import with its line."""
    first = group[0]
    start = min(m for m in graph.find_modules_directly_imported_by(first) if m in group)
    chain = (first, *graph.find_shortest_chain(importer=start, imported=first))
    steps = []
    for importer, imported in itertools.pairwise(chain):
        details = graph.get_import_details(importer=importer, imported=imported)
        lines = ", ".join(f"l.{d['line_number']}" for d in details)
        steps.append(f"{importer} ({lines}) ->")
    others = f" (the cycle is one of {len(group)} modules: {', '.join(group)})"
    return " ".join(steps) + f" {first}" + (others if len(group) > len(chain) - 1 else "")


def import_cycles(graph: grimp.ImportGraph) -> list[str]:
    return [describe_cycle(graph, group) for group in strongly_connected(graph)]


def test_padu_has_no_import_cycles():
    graph = grimp.build_graph("padu", cache_dir=None)
    cycles = import_cycles(graph)
    assert not cycles, "import cycles among Padu's modules:\n" + "\n".join(cycles)


@pytest.fixture
def graph() -> grimp.ImportGraph:
    """a -> b -> c -> a is a cycle; d -> a and c -> e are only on its way in and out."""
    graph = grimp.ImportGraph()
    for importer, imported, line in (
        ("p.a", "p.b", 3),
        ("p.b", "p.c", 5),
        ("p.c", "p.a", 40),  # a function-level import counts the same
        ("p.d", "p.a", 1),
        ("p.c", "p.e", 2),
    ):
        graph.add_import(
            importer=importer, imported=imported, line_number=line, line_contents="import x"
        )
    return graph


def test_a_cycle_is_named_with_its_lines(graph):
    assert import_cycles(graph) == ["p.a (l.3) -> p.b (l.5) -> p.c (l.40) -> p.a"]


def test_modules_that_only_import_in_one_direction_are_no_cycle(graph):
    graph.remove_import(importer="p.c", imported="p.a")
    assert import_cycles(graph) == []


def test_two_modules_importing_each_other(graph):
    graph.add_import(importer="p.e", imported="p.d", line_number=7, line_contents="import d")
    graph.add_import(importer="p.d", imported="p.e", line_number=9, line_contents="import e")
    [cycle] = import_cycles(graph)
    # a, b, c, d and e are now one group: through d -> a and c -> e the two cycles join.
    assert cycle.startswith("p.a (l.3) -> p.b (l.5) -> p.c (l.40) -> p.a")
    assert "one of 5 modules: p.a, p.b, p.c, p.d, p.e" in cycle
