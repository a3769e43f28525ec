"""Bulk actions on the device list: staff tick rows and move them through the lifecycle (each
that may not move is named with the reason and left as it was) or print their labels."""

import pytest
from django.urls import reverse

from greenit.assets import lifecycle
from greenit.assets.models import CustodyEvent, State
from greenit.core import tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(donation, make_asset, wipe):
    wiped = make_asset(donation, serial="WIPED-1")
    wipe(wiped)
    return {
        "wiped": wiped,
        "monitor": make_asset(donation, category="monitor_lcd", serial="MON-1"),
        "unwiped": make_asset(donation, serial="RAW-1"),
        "expected": make_asset(donation, serial="EXP-1", state=State.EXPECTED),
    }


def _bulk(client, tags, action, **extra):
    return client.post(reverse("assets:bulk"), {"tag": tags, "action": action, **extra})


def _states(rows):
    for asset in rows.values():
        asset.refresh_from_db()
    return {name: asset.state for name, asset in rows.items()}


def test_each_device_that_may_move_moves_and_each_refusal_is_named(client, alice, rows):
    client.force_login(alice)
    events = CustodyEvent.objects.count()
    response = _bulk(client, [a.tag for a in rows.values()], "to:recycling", note="Broken screens")
    assert response.status_code == 200
    page = response.content.decode()
    assert _states(rows) == {
        "wiped": State.RECYCLING,
        "monitor": State.RECYCLING,
        "unwiped": State.RECEIVED,
        "expected": State.EXPECTED,
    }
    assert CustodyEvent.objects.count() == events + 2
    assert CustodyEvent.objects.latest("pk").note == "Broken screens"
    assert "2 devices moved to “In recycling”." in page
    assert "2 devices not moved: nothing changed for them" in page
    assert rows["unwiped"].display_tag in page and "Not sanitized" in page
    assert rows["expected"].display_tag in page
    assert "A device in state “Expected” cannot move to “In recycling”." in page


def test_the_list_offers_only_the_moves_the_role_may_make(client, lena, alice, rows):
    client.force_login(lena)
    page = client.get(reverse("assets:list")).content.decode()
    assert 'value="to:received"' in page
    assert 'value="to:recycling"' not in page
    assert f'value="{rows["monitor"].tag}"' in page
    # Posted anyway: refused as a choice not offered, and nothing moves.
    response = _bulk(client, [rows["monitor"].tag], "to:recycling")
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert _states(rows)["monitor"] == State.RECEIVED


def test_a_role_refusal_is_named_for_each_device(alice, lena, rows):
    outcome = lifecycle.transition_each([rows["monitor"]], State.RECYCLING, actor=lena)
    assert outcome.moved == []
    assert "Your role may not do this: Send to recycling." in outcome.refused[rows["monitor"]]


def test_nothing_ticked_shows_the_error_linked_to_the_list(client, alice, rows):
    client.force_login(alice)
    response = _bulk(client, [], "to:recycling")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_tag"' in page
    assert "Tick the box of at least one device in the list." in page
    assert 'id="id_tag"' in page
    assert _states(rows)["monitor"] == State.RECEIVED


def test_no_action_chosen_keeps_the_ticks(client, alice, rows):
    client.force_login(alice)
    page = _bulk(client, [rows["monitor"].tag], "").content.decode()
    assert "Choose what to do with the ticked devices." in page
    assert f'value="{rows["monitor"].tag}" id="tick-{rows["monitor"].tag}" checked' in page


def test_labels_for_the_ticked_devices(client, lena, rows):
    client.force_login(lena)
    response = _bulk(client, [rows["monitor"].tag, rows["wiped"].tag], "labels", layout="l7160")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_donor_contact_gets_no_bulk_actions(client, bob, rows):
    client.force_login(bob)
    page = client.get(reverse("assets:list")).content.decode()
    assert rows["monitor"].display_tag in page
    assert 'name="tag"' not in page
    assert _bulk(client, [rows["monitor"].tag], "to:recycling").status_code == 403


def test_a_tag_no_longer_there_is_listed_and_the_rest_move(client, alice, rows):
    client.force_login(alice)
    gone = "ABCDEFG" + tags.check_character("ABCDEFG")  # well formed, no such device
    page = _bulk(client, [rows["monitor"].tag, gone], "to:recycling").content.decode()
    assert "1 device moved" in page
    assert tags.display(gone) in page
    assert "No device of yours has this tag" in page
