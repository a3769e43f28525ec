"""The device tally: devices per (state, category) with their weighed kilograms, kept by
statement-level triggers on assets_asset (PostgreSQL only: there a million devices make a
full count slow; SQLite counts its devices directly).

Each trigger adds one grouped delta per statement (an import's COPY of 5,000 devices is one
upsert per category, not 5,000), in (state, category) order, so two transactions that move
devices in opposite directions (allocate / release) take the tally rows in the same order
and cannot deadlock."""

from django.db import connection, transaction

TABLE = "impact_devicetally"  # DeviceTally's table; spelled out for the migration

_UPSERT = """
    INSERT INTO impact_devicetally AS t (state, category, devices, weighed, weight_kg)
    SELECT state, category, SUM(d), SUM(w), SUM(kg) FROM (%s) AS delta
    GROUP BY state, category ORDER BY state, category
    ON CONFLICT (state, category) DO UPDATE SET
        devices = t.devices + EXCLUDED.devices,
        weighed = t.weighed + EXCLUDED.weighed,
        weight_kg = t.weight_kg + EXCLUDED.weight_kg;
"""


def _rows(table: str, sign: str, where: str = "") -> str:
    return (
        f"SELECT r.state, r.category, {sign}1 AS d,"  # noqa: S608 (constants only)
        f" {sign}(r.weight_kg IS NOT NULL)::int AS w, {sign}COALESCE(r.weight_kg, 0) AS kg"
        f" FROM {table} r {where}"
    )


_CHANGED = (
    "JOIN {other} o ON o.id = r.id WHERE (o.state, o.category, o.weight_kg)"
    " IS DISTINCT FROM (r.state, r.category, r.weight_kg)"
)

TRIGGERS_SQL = [
    f"""CREATE FUNCTION impact_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_UPSERT % _rows("new_rows", "")} RETURN NULL; END $$""",
    f"""CREATE FUNCTION impact_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_UPSERT % _rows("old_rows", "-")} RETURN NULL; END $$""",
    f"""CREATE FUNCTION impact_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {
        _UPSERT
        % (
            _rows("old_rows", "-", _CHANGED.format(other="new_rows"))
            + " UNION ALL "
            + _rows("new_rows", "", _CHANGED.format(other="old_rows"))
        )
    } RETURN NULL; END $$""",
    "CREATE TRIGGER impact_tally_insert AFTER INSERT ON assets_asset"
    " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION impact_tally_insert()",
    "CREATE TRIGGER impact_tally_delete AFTER DELETE ON assets_asset"
    " REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION impact_tally_delete()",
    "CREATE TRIGGER impact_tally_update AFTER UPDATE ON assets_asset"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION impact_tally_update()",
]
DROP_SQL = [
    "DROP TRIGGER IF EXISTS impact_tally_insert ON assets_asset",
    "DROP TRIGGER IF EXISTS impact_tally_delete ON assets_asset",
    "DROP TRIGGER IF EXISTS impact_tally_update ON assets_asset",
    "DROP FUNCTION IF EXISTS impact_tally_insert()",
    "DROP FUNCTION IF EXISTS impact_tally_delete()",
    "DROP FUNCTION IF EXISTS impact_tally_update()",
]

_COUNT = """
    SELECT state, category, COUNT(*), COUNT(weight_kg), COALESCE(SUM(weight_kg), 0)
    FROM assets_asset GROUP BY state, category
"""


def in_use() -> bool:
    return connection.vendor == "postgresql"


def rebuild(using=None) -> None:
    """Recount from the asset table (after a bulk load with triggers off, e.g. benchmarks).
    The asset table is locked against writes meanwhile, so nothing slips between the two."""
    using = using or connection
    with transaction.atomic(using=using.alias), using.cursor() as cursor:
        cursor.execute("LOCK TABLE assets_asset IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {TABLE} (state, category, devices, weighed, weight_kg) {_COUNT}"
        )


def differences() -> dict[tuple[str, str], tuple[tuple, tuple]]:
    """{(state, category): (tally, counted)} wherever the tally and the asset table differ."""
    from .models import DeviceTally

    with connection.cursor() as cursor:
        cursor.execute(_COUNT)
        counted = {(s, c): (n, w, kg) for s, c, n, w, kg in cursor.fetchall()}
    tally = {
        (t.state, t.category): (t.devices, t.weighed, t.weight_kg)
        for t in DeviceTally.objects.all()
        if t.devices or t.weighed or t.weight_kg
    }
    empty = (0, 0, 0)
    return {
        key: (tally.get(key, empty), counted.get(key, empty))
        for key in tally.keys() | counted.keys()
        if tally.get(key, empty) != counted.get(key, empty)
    }
