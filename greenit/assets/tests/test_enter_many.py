"""lifecycle.enter_many(): the bulk path imports use keeps every rule of enter()."""

import pytest

from greenit.assets import lifecycle
from greenit.assets.models import Asset, CustodyEvent, State
from greenit.core import tags

pytestmark = pytest.mark.django_db


def _rows(donation, n, **fields):
    return [
        {"donation_id": donation.pk, "category": "laptop", "serial": f"S{i}", **fields}
        for i in range(n)
    ]


def test_it_creates_every_asset_with_a_valid_unique_tag_and_a_first_event(donation, lena):
    count = lifecycle.enter_many(
        _rows(donation, 25), state=State.EXPECTED, actor=lena, note="list", chunk_size=10
    )
    assert count == 25
    assets = list(Asset.objects.filter(donation=donation))
    assert len({a.tag for a in assets}) == 25
    assert all(tags.is_valid(a.tag) for a in assets)
    events = CustodyEvent.objects.filter(asset__in=assets)
    assert events.count() == 25
    assert set(events.values_list("from_state", "to_state", "actor", "note")) == {
        ("", State.EXPECTED, lena.pk, "list")
    }


def test_ids_continue_after_the_bulk_insert(donation, lena, make_asset):
    lifecycle.enter_many(_rows(donation, 3), state=State.EXPECTED, actor=lena)
    later = make_asset(donation, serial="LATER")
    assert later.pk > max(Asset.objects.exclude(pk=later.pk).values_list("pk", flat=True))


def test_it_refuses_a_state_that_is_not_an_entry_state(donation, lena):
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.enter_many(_rows(donation, 2), state=State.READY, actor=lena)
    assert not Asset.objects.exists()


def test_it_refuses_fluorescent_tubes_like_enter(donation, lena):
    from django.core.exceptions import ValidationError

    rows = _rows(donation, 2)
    rows[1]["category"] = "fluorescent_tube"
    with pytest.raises(ValidationError, match="HW29"):
        lifecycle.enter_many(rows, state=State.EXPECTED, actor=lena)
    assert not Asset.objects.exists()


def test_it_refuses_fields_it_does_not_set(donation, lena):
    with pytest.raises(TypeError):
        lifecycle.enter_many(_rows(donation, 1, state="ready"), state=State.EXPECTED, actor=lena)
