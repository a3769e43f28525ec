"""No module of greenit imports itself back, even from inside a function: a task module
imports the work it runs, the work never imports its task module (see */tasks.py)."""

import grimp


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import one another (Tarjan's strongly connected components)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            group = []
            while (member := stack.pop()) != module:
                group.append(member)
            if group:
                groups.append(sorted([module, *group]))

    for module in sorted(graph.modules):
        if module not in order:
            visit(module)
    return groups


def test_no_greenit_module_imports_itself_back():
    assert _cycles(grimp.build_graph("greenit")) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("app.labels", "app.tasks", "app.views"):
        graph.add_module(name)
    graph.add_import(importer="app.labels", imported="app.tasks")
    graph.add_import(importer="app.tasks", imported="app.labels")
    graph.add_import(importer="app.views", imported="app.tasks")
    assert _cycles(graph) == [["app.labels", "app.tasks"]]
