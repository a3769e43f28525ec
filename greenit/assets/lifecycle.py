"""The device lifecycle: the one place that says how a device may move, who may move it, and
what must be true first. Pages, the API, imports and the wipe agent all call transition().

    expected ─► received ─┬─► sanitized ─► tested ─► ready ─► allocated ─► deployed
                          │   (data-bearing devices must pass sanitized before tested)  │
                          └─► recycling ─► recycled      ◄── end of life / returned ──┘
    deployed ─► lost | stolen ─┬─► deployed (found at the school)
                               └─► received (taken back)
"""

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import islice

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from greenit.accounts import permissions
from greenit.core import categories, tags

from . import notes
from .models import Asset, CustodyEvent, State
from .notes import SystemNote

S = State


@dataclass(frozen=True)
class Transition:
    source: State
    target: State
    action: str  # its name in the permissions table, which says who may make the move
    label: str

    @property
    def name(self) -> str:
        return f"{self.source}→{self.target}"

    @property
    def roles(self) -> frozenset[str]:
        return permissions.roles(self.action)


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.EXPECTED, S.RECEIVED, "receive_device", _("Receive")),
    Transition(S.RECEIVED, S.SANITIZED, "mark_sanitized", _("Mark sanitized")),
    Transition(S.RECEIVED, S.TESTED, "record_test", _("Record test (no data storage)")),
    Transition(S.SANITIZED, S.TESTED, "record_test", _("Record test")),
    Transition(S.TESTED, S.READY, "mark_ready", _("Mark ready for a classroom")),
    Transition(S.READY, S.ALLOCATED, "allocate_device", _("Allocate to a classroom")),
    Transition(S.ALLOCATED, S.READY, "unallocate_device", _("Unallocate")),
    Transition(S.ALLOCATED, S.DEPLOYED, "deliver_device", _("Deliver to the school")),
    Transition(S.DEPLOYED, S.RECEIVED, "take_back_device", _("Take back from the school")),
    *(
        Transition(source, S.RECYCLING, "send_to_recycling", _("Send to recycling"))
        for source in (S.RECEIVED, S.SANITIZED, S.TESTED, S.READY, S.DEPLOYED)
    ),
    Transition(S.RECYCLING, S.RECEIVED, "take_out_of_recycling", _("Take out of recycling")),
    Transition(S.RECYCLING, S.RECYCLED, "confirm_recycled", _("Confirm recycled")),
    # A school's inventory check (or staff) reports a device gone; it may turn up again.
    Transition(S.DEPLOYED, S.LOST, "report_lost", _("Report lost")),
    Transition(S.DEPLOYED, S.STOLEN, "report_stolen", _("Report stolen")),
    *(
        Transition(source, S.DEPLOYED, "report_found", _("Found at the school"))
        for source in (S.LOST, S.STOLEN)
    ),
    *(
        Transition(source, S.RECEIVED, "take_back_device", _("Take back from the school"))
        for source in (S.LOST, S.STOLEN)
    ),
)
_BY_STATES = {(t.source, t.target): t for t in TRANSITIONS}

# A guard looks at locked assets about to make the same transition and returns, by asset id,
# why each may not (nothing for those that may). The guards are named here, in one place, by
# dotted path: other apps' guards live above greenit.assets in the layer contract (sanitization
# imports assets, never the reverse), so they are imported on first use, not at module load.
Guard = Callable[[Sequence[Asset], Transition], Mapping[int, str]]
GUARDS = (
    "greenit.assets.lifecycle.data_bearing_devices_are_sanitized_first",
    "greenit.sanitization.guards.every_medium_is_sanitized",
    "greenit.refurbishment.guards.refurbished_before_ready",
)


@cache
def guards() -> tuple[Guard, ...]:
    return tuple(import_string(path) for path in GUARDS)


def refusals(assets: Sequence[Asset], t: Transition) -> dict[int, str]:
    """Why each of these assets may not make `t`, by id: the first guard that refuses speaks."""
    found: dict[int, str] = {}
    for guard in guards():
        for pk, reason in guard(assets, t).items():
            found.setdefault(pk, reason)
    return found


class TransitionRefused(ValidationError):
    pass


def data_bearing_devices_are_sanitized_first(
    assets: Sequence[Asset], t: Transition
) -> dict[int, str]:
    if not (t.source == S.RECEIVED and t.target == S.TESTED):
        return {}
    return {
        asset.pk: _(
            "This device (%(category)s) can hold data: sanitize it before it is tested for reuse."
        )
        % {"category": asset.category_label}
        for asset in assets
        if asset.holds_data
    }


def allowed_transitions(asset: Asset, user) -> list[Transition]:
    """The moves this user may offer for this asset now (guards are checked on the move)."""
    return [t for t in TRANSITIONS if t.source == asset.state and permissions.may(user, t.action)]


def find(source: str, target: str) -> Transition | None:
    return _BY_STATES.get((State(source), State(target)))


def transition(
    asset: Asset,
    target: str,
    *,
    actor,
    note: str | SystemNote = "",
    location: str | None = None,
    at: datetime | None = None,
) -> CustodyEvent:
    """Move `asset` to `target`: lock the row, check the rule, the role and every guard,
    change the state and append the custody event, all in one transaction.

    `at` backdates the event; only for loading history from an older system."""
    (event,) = transition_many([asset], target, actor=actor, note=note, location=location, at=at)
    return event


def transition_many(
    assets: Sequence[Asset],
    target: str,
    *,
    actor,
    note: str | SystemNote = "",
    location: str | None = None,
    at: datetime | None = None,
) -> list[CustodyEvent]:
    """transition() for a batch (a classroom's devices): the same checks, with the rows locked,
    the guards asked and the changes written once for the batch rather than once a device. If
    one device may not move, none does: the first refused, in the order given, is raised."""
    target = _lifecycle_state(target)
    ids = [asset.pk for asset in assets]
    if len(set(ids)) < len(ids):
        raise ValueError("transition_many() moves each device once: it got one twice")
    with transaction.atomic():
        by_pk = Asset.objects.select_for_update().order_by("pk").in_bulk(ids)
        if len(by_pk) < len(ids):
            raise Asset.DoesNotExist("Asset matching query does not exist.")
        locked = [by_pk[asset.pk] for asset in assets]
        moves = {asset.pk: _checked_move(asset, target, actor) for asset in locked}
        _check_guards(locked, moves)
        events = _move(locked, moves, actor=actor, note=note, location=location, at=at)
    _copy_state(locked, assets)
    return events


@dataclass
class BatchOutcome:
    moved: list[Asset]
    refused: dict[Asset, str]  # each device that stayed where it was, and why


def transition_each(
    assets: Sequence[Asset], target: str, *, actor, note: str = "", location: str | None = None
) -> BatchOutcome:
    """Staff's bulk move from a list: the same rule, role and guards as transition(), asked of
    each device with its row locked. Each device that may move, moves; each that may not is
    named with the reason and nothing changes for it."""
    target = _lifecycle_state(target)
    with transaction.atomic():
        by_pk = Asset.objects.select_for_update().order_by("pk").in_bulk(a.pk for a in assets)
        locked = [by_pk[asset.pk] for asset in assets if asset.pk in by_pk]
        moves: dict[int, Transition] = {}
        refused: dict[int, str] = {}
        for asset in locked:
            try:
                moves[asset.pk] = _checked_move(asset, target, actor)
            except (TransitionRefused, PermissionDenied) as error:
                refused[asset.pk] = " ".join(getattr(error, "messages", None) or [str(error)])
        for t in set(moves.values()):
            refused |= refusals([a for a in locked if moves.get(a.pk) == t], t)
        movable = [asset for asset in locked if asset.pk not in refused]
        _move(movable, moves, actor=actor, note=note, location=location, at=None)
    _copy_state(locked, assets)
    return BatchOutcome(
        moved=[asset for asset in assets if asset.pk in moves and asset.pk not in refused],
        refused={asset: refused[asset.pk] for asset in assets if asset.pk in refused},
    )


def _move(
    locked: list[Asset],
    moves: dict[int, Transition],
    *,
    actor,
    note: str | SystemNote,
    location: str | None,
    at: datetime | None,
) -> list[CustodyEvent]:
    """Write the checked moves of these locked rows: the state, and one custody event each."""
    if not locked:
        return []
    target = moves[locked[0].pk].target
    when = at or timezone.now()
    changes = {"state": target, "state_changed_at": when}
    if location is not None:
        changes["location"] = location
    Asset.objects.filter(pk__in=[asset.pk for asset in locked]).update(**changes)
    for asset in locked:
        for field, value in changes.items():
            setattr(asset, field, value)
    text, system_note = notes.columns(note)
    return CustodyEvent.objects.bulk_create(
        CustodyEvent(
            asset=asset,
            at=when,
            actor=actor,
            from_state=moves[asset.pk].source,
            to_state=target,
            location=asset.location,
            note=text,
            system_note=system_note,
        )
        for asset in locked
    )


def _copy_state(locked: Sequence[Asset], assets: Sequence[Asset]) -> None:
    """The caller's objects show what the locked rows now hold."""
    by_pk = {asset.pk: asset for asset in locked}
    for asset in assets:
        if moved := by_pk.get(asset.pk):
            for field in ("state", "state_changed_at", "location"):
                setattr(asset, field, getattr(moved, field))


def record_seen(assets: Sequence[Asset], *, actor, note: str | SystemNote) -> list[CustodyEvent]:
    """An inventory check saw these devices where they are: one custody event each, the state
    unchanged (from = to), so the chain of custody shows every check a device passed. Only
    those who may answer an inventory check may write them; the rows are locked first."""
    permissions.require(actor, "answer_inventory_checks")
    with transaction.atomic():
        locked = Asset.objects.select_for_update().order_by("pk").in_bulk([a.pk for a in assets])
        when = timezone.now()
        text, system_note = notes.columns(note)
        return CustodyEvent.objects.bulk_create(
            CustodyEvent(
                asset=asset,
                at=when,
                actor=actor,
                from_state=asset.state,
                to_state=asset.state,
                location=asset.location,
                note=text,
                system_note=system_note,
            )
            for asset in locked.values()
        )


def _lifecycle_state(target: str) -> State:
    try:
        return State(target)
    except ValueError:
        raise TransitionRefused(
            _("“%(state)s” is not a lifecycle state."), params={"state": target}
        ) from None


def _checked_move(asset: Asset, target: State, actor) -> Transition:
    """The transition `asset` (locked) makes to `target`, if the rule and the actor's role
    allow it."""
    t = _BY_STATES.get((State(asset.state), target))
    if t is None:
        raise TransitionRefused(
            _("A device in state “%(source)s” cannot move to “%(target)s”."),
            code="illegal_transition",
            params={"source": State(asset.state).label, "target": target.label},
        )
    permissions.require(actor, t.action)
    return t


def _check_guards(assets: list[Asset], moves: dict[int, Transition]) -> None:
    """Ask every guard once for each kind of move in the batch; raise the first refusal."""
    refused: dict[int, str] = {}
    for t in set(moves.values()):
        refused |= refusals([a for a in assets if moves[a.pk] == t], t)
    for asset in assets:
        if reason := refused.get(asset.pk):
            raise TransitionRefused(reason, code="guard")


ENTRY_STATES = (S.EXPECTED, S.RECEIVED)


def _entry_state(state: str) -> State:
    state = State(state)
    if state not in ENTRY_STATES:
        raise TransitionRefused(_("A new device starts as expected or received."))
    return state


def enter(
    *,
    state: str,
    actor,
    location: str = "",
    note: str | SystemNote = "",
    at: datetime | None = None,
    **fields,
) -> Asset:
    """Create an asset in an entry state (expected from a donor's list, or received at intake)
    with a fresh asset tag and its first custody event. Call inside a transaction."""
    state = _entry_state(state)
    categories.validate_accepted(fields.get("category", ""))
    when = at or timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                asset = Asset.objects.create(
                    tag=tags.new_tag(),
                    state=state,
                    state_changed_at=when,
                    created_at=when,
                    location=location,
                    **fields,
                )
        except IntegrityError as error:
            # 32⁷ tags make a clash rare: draw again. Any other clash is the caller's.
            if not any(name in str(error) for name in ("assets_asset.tag", "assets_asset_tag")):
                raise
            continue
        break
    else:
        raise RuntimeError("could not find a free asset tag")
    text, system_note = notes.columns(note)
    CustodyEvent.objects.create(
        asset=asset,
        at=when,
        actor=actor,
        from_state="",
        to_state=state,
        location=location,
        note=text,
        system_note=system_note,
    )
    return asset


# What enter_many() accepts per row; every other column gets its model default.
ENTER_MANY_FIELDS = frozenset(
    {"donation_id", "category", "make", "model", "serial", "donor_asset_number", "specs"}
    | {"weight_kg", "condition", "register_details"}
)


def enter_many(
    rows: Iterable[Mapping],
    *,
    state: str,
    actor,
    location: str = "",
    note: str | SystemNote = "",
    at: datetime | None = None,
    chunk_size: int = 20_000,
) -> int:
    """The bulk form of enter(), for imports: the same checks (entry state only, every
    category accepted), then every asset with a fresh unique tag and its first custody event,
    written with COPY on PostgreSQL and executemany elsewhere. Returns the number of assets.
    `rows` may be a stream (an import's checker hands rows over as it checks them): they are
    taken a chunk at a time. Call inside a transaction: a failure leaves nothing behind."""
    state = _entry_state(state)
    connection = connections[Asset.objects.db]
    plan = _EntryPlan.make(connection, state, actor, location, note, at)
    count = 0
    with transaction.atomic(using=connection.alias):
        rows = iter(rows)
        while chunk := list(islice(rows, chunk_size)):
            _validate_rows(chunk)
            count += len(chunk)
            if plan.as_text:
                chunk = _json_as_text(chunk, plan.json_names)
            ids = _next_ids(connection, Asset, len(chunk))
            free_tags = _free_tags(connection, len(chunk))
            # Built as the COPY sends them, while the server stores the rows sent before.
            assets = (
                _asset_values(plan.base, plan.position, pk, tag, row)
                for pk, tag, row in zip(ids, free_tags, chunk, strict=True)
            )
            _insert(connection, Asset._meta.db_table, plan.asset_columns, assets)
            _insert_alike(
                connection, CustodyEvent._meta.db_table, plan.event_columns, ids, plan.event_values
            )
    return count


def _validate_rows(rows: list[Mapping]) -> None:
    for category in {row.get("category", "") for row in rows}:
        categories.validate_accepted(category)
    for row in rows:
        if extra := set(row) - ENTER_MANY_FIELDS:
            raise TypeError(f"enter_many() does not set {sorted(extra)}")


@dataclass(frozen=True)
class _EntryPlan:
    """What every row of one enter_many() shares: the defaults and fixed values an asset row
    starts from, and its custody event's values."""

    as_text: bool  # SQLite's insert takes JSON as text; PostgreSQL's binary COPY as values
    json_names: list[str]
    base: list
    position: dict[str, int]
    asset_columns: list[str]
    event_columns: list[str]
    event_values: list

    @classmethod
    def make(cls, connection, state: State, actor, location, note, at) -> "_EntryPlan":
        when = connection.ops.adapt_datetimefield_value(at or timezone.now())
        fields = [f for f in Asset._meta.concrete_fields if not f.primary_key]
        fixed = {
            "state": state.value,
            "state_changed_at": when,
            "created_at": when,
            "location": location,
        }
        as_text = connection.vendor != "postgresql"
        json_names = [f.attname for f in fields if isinstance(f, models.JSONField)]
        defaults = {f.attname: f.get_default() for f in fields}
        if as_text:
            defaults.update({n: json.dumps(defaults[n]) for n in json_names})
        text, system_note = notes.columns(note)
        event_columns = ["asset_id", "at", "actor_id", "from_state", "to_state", "location", "note"]
        event_values = [when, actor.pk if actor else None, "", state.value, location, text]
        if system_note is not None:
            event_columns.append("system_note")
            event_values.append(json.dumps(system_note))  # text: both databases read it as JSON
        return cls(
            as_text=as_text,
            json_names=json_names,
            # Every row starts from these; only its own fields change.
            base=[None, *(fixed.get(f.attname, defaults[f.attname]) for f in fields)],
            position={f.attname: i for i, f in enumerate(fields, start=1)},
            asset_columns=["id", *(f.column for f in fields)],
            event_columns=event_columns,
            event_values=event_values,
        )


def _asset_values(base: list, position: dict[str, int], pk: int, tag: str, row: Mapping) -> tuple:
    values = base.copy()
    values[0] = pk
    for name, value in row.items():
        values[position[name]] = value
    values[position["tag"]] = tag
    return tuple(values)


def _json_as_text(rows: Sequence[Mapping], names: list[str]) -> list[Mapping]:
    """The rows with their JSON fields as text, which the raw insert writes (SQLite and COPY
    into PostgreSQL's jsonb both read it)."""
    return [
        {**row, **{n: json.dumps(row[n], ensure_ascii=False) for n in names if n in row}}
        if any(n in row for n in names)
        else row
        for row in rows
    ]


def _free_tags(connection, count: int) -> list[str]:
    """`count` new tags, none already used: drawn in bulk, clashes with the table redrawn."""
    chosen: set[str] = set()
    while len(chosen) < count:
        drawn = set(tags.new_tags(count - len(chosen))) - chosen
        drawn -= _used_tags(connection, drawn)
        chosen |= drawn
    return list(chosen)


def _used_tags(connection, candidates: set[str]) -> set[str]:
    if connection.vendor == "postgresql":
        # One array parameter instead of thousands: parsed and planned in no time.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT tag FROM {Asset._meta.db_table} WHERE tag = ANY(%s::varchar[])",  # noqa: S608
                [list(candidates)],
            )
            return {row[0] for row in cursor.fetchall()}
    return set(Asset.objects.filter(tag__in=candidates).values_list("tag", flat=True))


def _next_ids(connection, model, count: int) -> Sequence[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Taken in one statement, the values are nearly always one unbroken run: then one
            # row says so (a list of 100,000 took longer than the rest of the ids' work).
            drawn = (
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id FROM generate_series(1, %s)"
            )
            cursor.execute(f"SELECT MIN(id), MAX(id) FROM ({drawn}) AS drawn", [table, count])  # noqa: S608
            low, high = cursor.fetchone()
            if high - low + 1 == count:
                return range(low, high + 1)
            # Another session drew some in between: draw again, as a list.
            cursor.execute(drawn, [table, count])
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock, so no one else takes these ids.
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608
        top = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        top = max(top, cursor.fetchone()[0])
    return range(top + 1, top + 1 + count)


def _insert(connection, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Binary: the server reads each value as it is stored, without parsing text (a
            # third of the COPY's time went on parsing timestamps, numbers and JSON).
            types = _column_types(cursor, table, columns)
            from psycopg.types.json import set_json_dumps  # PostgreSQL only

            set_json_dumps(_remembering_json_dumps(), cursor.cursor)
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)  # noqa: S608


def _remembering_json_dumps(most: int = 10_000) -> Callable[[object], str]:
    """json.dumps for one COPY that remembers what it wrote: an import's rows mostly repeat a
    few register details (none, or a status column: 良好, 一般…), and encoding each again took
    a fifth of the COPY's Python."""
    written: dict[tuple, str] = {}

    def dumps(value) -> str:
        try:
            key = tuple(value.items())
            # Text only: as keys, 1, 1.0 and True are one, but JSON writes them apart.
            if not all(type(k) is str and type(v) is str for k, v in key):
                return json.dumps(value)
            return written[key]
        except KeyError:
            text = json.dumps(value)
            if len(written) < most:
                written[key] = text
            return text
        except AttributeError:  # not a dict
            return json.dumps(value)

    return dumps


def _insert_alike(
    connection, table: str, columns: list[str], ids: Sequence[int], values: list
) -> None:
    """Rows that differ only in their first column, one per id (the custody events of new
    devices): on PostgreSQL one statement that the server expands, nothing sent per row."""
    if connection.vendor != "postgresql":
        _insert(connection, table, columns, ((pk, *values) for pk in ids))
        return
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        types = _column_types(cursor, table, columns, "format_type(atttypid, atttypmod)")
        if isinstance(ids, range):
            source, id_params = "generate_series(%s::bigint, %s::bigint)", [ids[0], ids[-1]]
        else:
            source, id_params = "unnest(%s::bigint[])", [list(ids)]
        casts = ", ".join(f"%s::{kind}" for kind in types[1:])
        cursor.execute(
            f"INSERT INTO {table} ({quoted}) SELECT id, {casts} FROM {source} AS id",  # noqa: S608
            [*values, *id_params],
        )


def _column_types(cursor, table: str, columns: list[str], kind: str = "atttypid") -> list:
    """The type of each column (its oid, as binary COPY needs it, or its SQL name)."""
    cursor.execute(
        f"SELECT attname, {kind} FROM pg_attribute"  # noqa: S608 (our constants only)
        " WHERE attrelid = %s::regclass AND attnum > 0",
        [table],
    )
    types = dict(cursor.fetchall())
    return [types[column] for column in columns]


def transition_table() -> str:
    """The transitions as a Markdown table (docs/lifecycle.md holds a copy; a test compares)."""
    lines = ["| from | to | action | roles |", "|---|---|---|---|"]
    for t in TRANSITIONS:
        roles = ", ".join(sorted(str(r) for r in t.roles))
        lines.append(f"| {t.source} | {t.target} | {t.label} | {roles} |")
    return "\n".join(lines)
