"""The layers: core is the ground floor and imports no app; the demo seeds through the apps'
services and writes rows directly only for the models listed here, each for a reason given in
its module (reference data no service makes, or a date the services would set to now)."""

import ast
from pathlib import Path

import grimp

import greenit
from greenit.home import demo

APPS = {p.parent.name for p in Path(greenit.__file__).parent.glob("*/apps.py")}

# Model: why the demo writes its rows (or dates) itself.
DIRECT_WRITES = {
    "Group": "the role groups (made by a migration) given to the demo's logins",
    "Organisation": "reference data, kept in the admin",
    "SoftwareKit": "reference data, kept in the admin",
    "RecyclerLicence": "reference data, kept in the admin",
    "Opportunity": "reference data, kept in the admin",
    "Shift": "no service makes shifts; past ones are moved back to their date",
    "ClassroomProject": "set up in the admin; a small demo lacks devices for its status",
    "ClassroomSponsor": "set up in the admin with the project",
    "SchoolApplication": "approval would make a second Hefeng school; dates moved back",
    "Refurbishment": "the service records the test now; the demo's history is months back",
    "Donation": "received months ago, not when the demo is loaded",
    "Enquiry": "received over the last week, not when the demo is loaded",
    "RecyclingBatch": "the earlier batch of the devices the demo walked to recycled months back "
    "(the service closes a batch now, from devices still in recycling)",
    "RecyclingBatchItem": "the devices of that earlier batch",
    "Allocation": "the devices of the two classrooms opened months back, which the demo walked "
    "to deployed (the service allocates ready devices now)",
    "Delivery": "those classrooms' deliveries, months back",
    "OpeningEvent": "those classrooms' openings, months back",
}


WRITES = {"create", "get_or_create", "update_or_create", "bulk_create", "update", "delete"}


def _model_of(node: ast.expr) -> str | None:
    """`X` when `node` is a chain starting at `X.objects` (X.objects.filter(...).update)."""
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return node.value.id if isinstance(node.value, ast.Name) else None
        node = node.func if isinstance(node, ast.Call) else node.value
    return None


def _direct_writes(source: str) -> set[str]:
    """Models written through their manager: `X.objects.create(...)`,
    `X.objects.filter(...).update(...)` and the like (reads are not counted)."""
    return {
        model
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WRITES
        and (model := _model_of(node.func.value))
    }


def test_core_imports_no_app():
    graph = grimp.build_graph("greenit")
    core = {m for m in graph.modules if m.startswith("greenit.core") and ".tests" not in m}
    imported = {
        target.split(".")[1]
        for module in core
        for target in graph.find_modules_directly_imported_by(module)
        if target.startswith("greenit.") and target.split(".")[1] != "core"
    }
    assert not imported & APPS, f"greenit.core imports {sorted(imported & APPS)}"


def test_the_demo_writes_directly_only_rows_no_service_makes():
    package = Path(demo.__file__).parent
    written = set()
    for module in package.glob("*.py"):
        written |= _direct_writes(module.read_text(encoding="utf-8"))
    assert {"Organisation", "Donation"} <= written  # the scan finds what it should
    assert written <= set(DIRECT_WRITES), (
        f"The demo writes {sorted(written - set(DIRECT_WRITES))} directly: "
        "use the app's service, or add the model here with the reason."
    )
