"""The device lifecycle: which moves exist, who may make each, what must be true first, and
one custody event per move."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from conftest import refurbish
from greenit.assets import lifecycle
from greenit.assets.lifecycle import TRANSITIONS, TransitionRefused
from greenit.assets.models import Asset, CustodyEvent, State

PEOPLE = ("alice", "lena", "paul", "ada", "bob")


@pytest.fixture
def people(alice, lena, paul, ada, bob) -> dict:
    return {"alice": alice, "lena": lena, "paul": paul, "ada": ada, "bob": bob}


def _placed(make_asset, donation, state: State, *, category: str = "monitor_lcd") -> Asset:
    """A device put straight into `state` (test set-up only; the lifecycle is what we test)."""
    asset = make_asset(donation, category=category)
    Asset.objects.filter(pk=asset.pk).update(state=state)
    asset.refresh_from_db()
    if state == State.TESTED:
        refurbish(asset, asset.events.get().actor)  # graded, so it may be marked ready
    return asset


def _unchanged(asset: Asset, state: State, events: int) -> None:
    asset.refresh_from_db()
    assert asset.state == state
    assert asset.events.count() == events


@pytest.mark.parametrize(("t", "who"), list(itertools.product(TRANSITIONS, PEOPLE)), ids=str)
def test_each_transition_is_allowed_for_its_roles_and_refused_for_others(
    t, who, people, make_asset, donation
):
    person = people[who]
    asset = _placed(make_asset, donation, t.source)
    if person.has_role(*t.roles):
        event = lifecycle.transition(asset, t.target, actor=person)
        assert (event.from_state, event.to_state) == (t.source, t.target)
        _unchanged(asset, t.target, 2)
    else:
        with pytest.raises(PermissionDenied):
            lifecycle.transition(asset, t.target, actor=person)
        _unchanged(asset, t.source, 1)


def test_the_roles_are_the_ones_the_organisation_agreed():
    """Pins the table: a role slipping into or out of a transition must be a decision."""
    table = {t.name: sorted(t.roles) for t in TRANSITIONS}
    assert table["received→sanitized"] == ["administrator", "technician"]
    assert table["ready→allocated"] == ["administrator", "programme_manager"]
    assert table["allocated→deployed"] == ["administrator", "logistics", "programme_manager"]
    assert table["expected→received"] == ["administrator", "logistics", "technician"]
    assert table["recycling→recycled"] == ["administrator", "technician"]
    assert all("administrator" in roles for roles in table.values())


def test_a_donor_contact_moves_nothing(bob, make_asset, donation):
    for t in TRANSITIONS:
        asset = _placed(make_asset, donation, t.source)
        with pytest.raises(PermissionDenied):
            lifecycle.transition(asset, t.target, actor=bob)


ILLEGAL = [
    (source, target)
    for source, target in itertools.product(State, State)
    if lifecycle.find(source, target) is None
]


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=str)
def test_moves_outside_the_table_are_refused_even_for_an_administrator(
    source, target, ada, make_asset, donation
):
    asset = _placed(make_asset, donation, source)
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.transition(asset, target, actor=ada)
    assert refused.value.code == "illegal_transition"
    _unchanged(asset, source, 1)


def test_a_received_device_cannot_be_allocated_straight_away(ada, laptop):
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.transition(laptop, State.ALLOCATED, actor=ada)
    assert refused.value.code == "illegal_transition"
    message = " ".join(refused.value.messages)
    assert "Received" in message and "Allocated" in message
    _unchanged(laptop, State.RECEIVED, 1)


@pytest.mark.parametrize("target", list(State))
def test_a_recycled_device_cannot_come_back(target, ada, make_asset, donation):
    asset = _placed(make_asset, donation, State.RECYCLED)
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.transition(asset, target, actor=ada)
    assert refused.value.code == "illegal_transition"
    assert "Recycled" in " ".join(refused.value.messages)
    assert not lifecycle.allowed_transitions(asset, ada)
    _unchanged(asset, State.RECYCLED, 1)


def test_no_transition_leaves_the_recycled_state():
    assert [t.name for t in TRANSITIONS if t.source == State.RECYCLED] == []


def test_an_unknown_state_is_refused(ada, laptop):
    with pytest.raises(TransitionRefused, match="not a lifecycle state"):
        lifecycle.transition(laptop, "vanished", actor=ada)
    _unchanged(laptop, State.RECEIVED, 1)


def test_a_data_bearing_device_is_not_tested_before_it_is_sanitized(alice, laptop):
    assert laptop.holds_data
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.transition(laptop, State.TESTED, actor=alice)
    assert refused.value.code == "guard"
    assert "sanitize" in " ".join(refused.value.messages)
    _unchanged(laptop, State.RECEIVED, 1)


def test_a_monitor_holds_no_data_and_goes_straight_to_testing(alice, make_asset, donation):
    monitor = make_asset(donation, category="monitor_lcd")
    assert not monitor.holds_data
    lifecycle.transition(monitor, State.TESTED, actor=alice)
    _unchanged(monitor, State.TESTED, 2)


@pytest.mark.parametrize("source", [State.READY, State.ALLOCATED])
def test_a_data_bearing_device_never_sanitized_does_not_reach_a_school(
    source, paul, make_asset, donation
):
    target = State.ALLOCATED if source == State.READY else State.DEPLOYED
    laptop = _placed(make_asset, donation, source, category="laptop")
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.transition(laptop, target, actor=paul)
    assert refused.value.code == "guard"
    assert "sanitized" in " ".join(refused.value.messages)
    _unchanged(laptop, source, 1)


def test_a_sanitized_laptop_goes_all_the_way_to_a_school(alice, paul, laptop):
    refurbish(laptop, alice)
    for target, who in [
        (State.SANITIZED, alice),
        (State.TESTED, alice),
        (State.READY, alice),
        (State.ALLOCATED, paul),
        (State.DEPLOYED, paul),
    ]:
        lifecycle.transition(laptop, target, actor=who)
    _unchanged(laptop, State.DEPLOYED, 6)


def test_each_move_writes_exactly_one_custody_event(alice, laptop):
    before = CustodyEvent.objects.count()
    event = lifecycle.transition(
        laptop,
        State.SANITIZED,
        actor=alice,
        note="nwipe 1 pass, verified",
        location="上海仓库 B 区",
    )
    assert CustodyEvent.objects.count() == before + 1
    event = CustodyEvent.objects.get(pk=event.pk)
    assert event.asset_id == laptop.pk
    assert event.actor == alice
    assert event.from_state == State.RECEIVED
    assert event.to_state == State.SANITIZED
    assert event.note == "nwipe 1 pass, verified"
    assert event.location == "上海仓库 B 区"
    laptop.refresh_from_db()
    assert laptop.location == "上海仓库 B 区"
    assert laptop.state_changed_at == event.at


def test_a_move_without_a_location_keeps_and_records_the_current_one(
    alice, make_asset, donation, wipe
):
    asset = make_asset(donation, location="上海仓库 A 区")
    wipe(asset)
    event = lifecycle.transition(asset, State.SANITIZED, actor=alice)
    assert event.location == "上海仓库 A 区"
    asset.refresh_from_db()
    assert asset.location == "上海仓库 A 区"


def test_the_callers_asset_object_follows_the_move(alice, laptop):
    lifecycle.transition(laptop, State.SANITIZED, actor=alice)
    assert laptop.state == State.SANITIZED


def test_a_refused_move_writes_no_event(alice, laptop):
    before = CustodyEvent.objects.count()
    with pytest.raises(TransitionRefused):
        lifecycle.transition(laptop, State.READY, actor=alice)
    with pytest.raises(PermissionDenied):
        lifecycle.transition(laptop, State.RECYCLING, actor=laptop.donation.created_by)
    assert CustodyEvent.objects.count() == before


def test_a_new_device_gets_a_tag_and_a_first_event(lena, donation):
    asset = lifecycle.enter(
        state=State.EXPECTED, actor=lena, donation=donation, category="laptop", note="from the list"
    )
    event = asset.events.get()
    assert (event.from_state, event.to_state, event.actor, event.note) == (
        "",
        State.EXPECTED,
        lena,
        "from the list",
    )
    assert asset.state == State.EXPECTED


@pytest.mark.parametrize("state", [s for s in State if s not in lifecycle.ENTRY_STATES])
def test_a_new_device_starts_as_expected_or_received(state, lena, donation):
    with pytest.raises(TransitionRefused):
        lifecycle.enter(state=state, actor=lena, donation=donation, category="laptop")
    assert not Asset.objects.exists()


def test_a_named_guard_can_refuse_a_move(alice, make_asset, donation, monkeypatch):
    seen = []

    def no_crt_into_a_classroom(assets, t):
        seen.extend((asset.pk, t.name) for asset in assets)
        if t.target != State.READY:
            return {}
        return {
            asset.pk: "CRT monitors go to recycling, not to classrooms."
            for asset in assets
            if asset.category == "monitor_crt"
        }

    named = lifecycle.guards()
    monkeypatch.setattr(lifecycle, "guards", lambda: (*named, no_crt_into_a_classroom))
    crt = _placed(make_asset, donation, State.TESTED, category="monitor_crt")
    lcd = _placed(make_asset, donation, State.TESTED, category="monitor_lcd")
    with pytest.raises(TransitionRefused, match="CRT monitors go to recycling") as refused:
        lifecycle.transition(crt, State.READY, actor=alice)
    assert refused.value.code == "guard"
    _unchanged(crt, State.TESTED, 1)
    lifecycle.transition(lcd, State.READY, actor=alice)
    _unchanged(lcd, State.READY, 2)
    assert (crt.pk, "tested→ready") in seen


def test_the_lifecycle_names_each_of_its_guards_once():
    assert len(set(lifecycle.GUARDS)) == len(lifecycle.GUARDS)
    assert [f"{g.__module__}.{g.__name__}" for g in lifecycle.guards()] == list(lifecycle.GUARDS)
    assert lifecycle.guards() is lifecycle.guards()  # resolved once, then cached


def test_a_batch_moves_together_with_one_custody_event_each(alice, make_asset, donation):
    monitors = [_placed(make_asset, donation, State.TESTED) for _ in range(3)]
    events = lifecycle.transition_many(monitors, State.READY, actor=alice, note="shelf 4")
    assert [e.asset_id for e in events] == [m.pk for m in monitors]
    for monitor in monitors:
        assert monitor.state == State.READY
        _unchanged(monitor, State.READY, 2)
        assert monitor.events.order_by("pk").last().note == "shelf 4"


def test_one_refused_device_moves_none_of_the_batch(alice, make_asset, donation):
    monitor = _placed(make_asset, donation, State.TESTED)
    laptop = _placed(make_asset, donation, State.RECEIVED, category="laptop")
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.transition_many([monitor, laptop], State.READY, actor=alice)
    assert refused.value.code == "illegal_transition"
    _unchanged(monitor, State.TESTED, 1)
    _unchanged(laptop, State.RECEIVED, 1)


def test_a_guard_refusing_one_device_of_a_batch_moves_none(alice, laptop, make_asset, donation):
    unwiped = make_asset(donation, serial="NOT-WIPED")
    with pytest.raises(TransitionRefused, match="no storage medium") as refused:
        lifecycle.transition_many([laptop, unwiped], State.SANITIZED, actor=alice)
    assert refused.value.code == "guard"
    _unchanged(laptop, State.RECEIVED, 1)
    _unchanged(unwiped, State.RECEIVED, 1)


def test_allowed_transitions_offer_only_what_the_role_may_do(alice, paul, bob, laptop):
    assert {t.target for t in lifecycle.allowed_transitions(laptop, alice)} == {
        State.SANITIZED,
        State.TESTED,
        State.RECYCLING,
    }
    assert lifecycle.allowed_transitions(laptop, paul) == []
    assert lifecycle.allowed_transitions(laptop, bob) == []
