"""Device pages and the device API: history, search, filters, who sees what, moves, and
printable label sheets."""

import math
import re
import subprocess

import pytest
from django.urls import reverse

from conftest import refurbish
from greenit.accounts.models import ApiToken
from greenit.assets import lifecycle
from greenit.assets.forms import LABEL_LAYOUTS, LabelForm
from greenit.assets.models import Asset, CustodyEvent, State


@pytest.fixture
def carols_laptop(make_donation, make_asset, pujiang_bank) -> Asset:
    return make_asset(make_donation(pujiang_bank), serial="PJ000001")


def _bearer(user) -> dict:
    _token, key = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _move(client, asset, to: str, **headers):
    return client.post(
        f"/api/assets/{asset.tag}/transitions",
        {"to": to, "note": "api move"},
        content_type="application/json",
        **headers,
    )


# The device page


def test_the_device_page_shows_the_whole_chain_of_custody(client, alice, laptop):
    refurbish(laptop, alice)
    steps = [
        (State.SANITIZED, "nwipe 1 pass zeros, verified"),
        (State.TESTED, "Checklist passed; grade B"),
        (State.READY, "Imaged with the offline education kit"),
    ]
    for target, note in steps:
        lifecycle.transition(laptop, target, actor=alice, note=note, location="工作台 3")
    client.force_login(alice)
    response = client.get(reverse("assets:detail", args=[laptop.tag]))
    assert response.status_code == 200
    events = list(response.context["events"])
    assert [e.to_state for e in events] == [State.RECEIVED] + [t for t, _n in steps]
    content = response.content.decode()
    positions = [content.index(note) for _t, note in steps]
    assert positions == sorted(positions), "the history is not in order"
    assert content.count("工作台 3") >= len(steps)
    assert laptop.display_tag in content
    assert "PF1ABCDE" in content


def test_the_device_page_finds_a_tag_typed_any_way(client, alice, laptop):
    client.force_login(alice)
    typed = laptop.display_tag.lower()
    assert client.get(reverse("assets:detail", args=[typed])).status_code == 200


def test_the_device_page_offers_only_the_moves_of_the_viewers_role(client, alice, paul, laptop):
    client.force_login(alice)
    offered = {
        t.target
        for t in client.get(reverse("assets:detail", args=[laptop.tag])).context["transitions"]
    }
    assert offered == {State.SANITIZED, State.TESTED, State.RECYCLING}
    client.force_login(paul)
    assert client.get(reverse("assets:detail", args=[laptop.tag])).context["transitions"] == []


def test_a_move_from_the_device_page_is_recorded(client, alice, laptop):
    client.force_login(alice)
    response = client.post(
        reverse("assets:transition", args=[laptop.tag]),
        {"target": "sanitized", "note": "nwipe", "location": "工作台 3"},
    )
    assert response.status_code == 302
    laptop.refresh_from_db()
    assert laptop.state == State.SANITIZED
    assert laptop.events.last().note == "nwipe"


def test_an_illegal_move_from_the_device_page_is_explained_not_made(client, alice, laptop):
    client.force_login(alice)
    response = client.post(
        reverse("assets:transition", args=[laptop.tag]), {"target": "tested"}, follow=True
    )
    assert response.status_code == 200
    assert "sanitize" in response.content.decode()
    laptop.refresh_from_db()
    assert laptop.state == State.RECEIVED
    assert laptop.events.count() == 1


# Search and filters


def test_search_by_tag_with_hyphen_in_lower_case_opens_the_device(
    client, alice, laptop, make_asset, donation
):
    make_asset(donation, serial="OTHER1")
    client.force_login(alice)
    response = client.get(reverse("assets:list"), {"q": f" {laptop.display_tag.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("assets:detail", args=[laptop.tag])


def test_search_by_serial_opens_the_device(client, alice, laptop, make_asset, donation):
    make_asset(donation, serial="OTHER1")
    client.force_login(alice)
    response = client.get(reverse("assets:list"), {"q": "PF1ABCDE"})
    assert response.status_code == 302
    assert response["Location"] == reverse("assets:detail", args=[laptop.tag])


def test_a_serial_found_in_two_donations_lists_both(
    client, alice, make_asset, make_donation, east_auto, pujiang_bank
):
    a = make_asset(make_donation(east_auto), serial="SAME1")
    b = make_asset(make_donation(pujiang_bank), serial="SAME1")
    client.force_login(alice)
    response = client.get(reverse("assets:list"), {"q": "SAME1"})
    assert response.status_code == 200
    assert {x.pk for x in response.context["page"].rows} == {a.pk, b.pk}


def test_a_search_that_finds_nothing_says_so(client, alice, laptop):
    client.force_login(alice)
    response = client.get(reverse("assets:list"), {"q": "NO-SUCH-SERIAL"})
    assert response.status_code == 200
    assert response.context["page"].rows == []
    assert "No devices match." in response.content.decode()


@pytest.fixture
def assorted(alice, make_asset, donation, wipe) -> dict[str, Asset]:
    laptop = make_asset(donation, category="laptop", serial="L1")
    wipe(laptop)
    lifecycle.transition(laptop, State.SANITIZED, actor=alice)
    monitor = make_asset(donation, category="monitor_lcd", serial="M1")
    lifecycle.transition(monitor, State.TESTED, actor=alice)
    desktop = make_asset(donation, category="desktop", serial="D1")
    return {"laptop": laptop, "monitor": monitor, "desktop": desktop}


def test_the_list_filters_by_state(client, alice, assorted):
    client.force_login(alice)
    rows = client.get(reverse("assets:list"), {"state": "sanitized"}).context["page"].rows
    assert [a.pk for a in rows] == [assorted["laptop"].pk]
    rows = client.get(reverse("assets:list"), {"state": "received"}).context["page"].rows
    assert [a.pk for a in rows] == [assorted["desktop"].pk]


def test_the_list_filters_by_category(client, alice, assorted):
    client.force_login(alice)
    rows = client.get(reverse("assets:list"), {"category": "monitor_lcd"}).context["page"].rows
    assert [a.pk for a in rows] == [assorted["monitor"].pk]
    rows = (
        client.get(reverse("assets:list"), {"category": "monitor_lcd", "state": "received"})
        .context["page"]
        .rows
    )
    assert rows == []


def test_the_api_filters_by_state_category_and_search(client, alice, assorted):
    headers = _bearer(alice)
    by_state = client.get("/api/assets", {"state": "tested"}, **headers).json()
    assert [a["id"] for a in by_state] == [assorted["monitor"].pk]
    by_category = client.get("/api/assets", {"category": "desktop"}, **headers).json()
    assert [a["id"] for a in by_category] == [assorted["desktop"].pk]
    tag = assorted["laptop"].display_tag.lower()
    by_tag = client.get("/api/assets", {"q": tag}, **headers).json()
    assert [a["id"] for a in by_tag] == [assorted["laptop"].pk]


# Who sees what


def test_a_donor_contact_sees_their_own_device(client, bob, laptop):
    client.force_login(bob)
    assert client.get(reverse("assets:detail", args=[laptop.tag])).status_code == 200
    assert client.get(f"/api/assets/{laptop.tag}").status_code == 200


def test_a_donor_contact_gets_404_for_another_donors_device(client, bob, carols_laptop):
    client.force_login(bob)
    tag = carols_laptop.tag
    assert client.get(reverse("assets:detail", args=[tag])).status_code == 404
    assert client.post(
        reverse("assets:transition", args=[tag]), {"target": "sanitized"}
    ).status_code in (403, 404)
    headers = _bearer(bob)
    assert client.get(f"/api/assets/{tag}", **headers).status_code == 404
    assert client.get(f"/api/assets/{tag}/history", **headers).status_code == 404
    assert _move(client, carols_laptop, "sanitized", **headers).status_code == 404
    assert client.get(reverse("assets:list"), {"q": "PJ000001"}).context["page"].rows == []
    carols_laptop.refresh_from_db()
    assert carols_laptop.state == State.RECEIVED


def test_a_donor_contact_cannot_print_another_donors_labels(client, bob, carols_laptop):
    client.force_login(bob)
    response = client.get(
        reverse("assets:labels", args=[carols_laptop.donation_id]), {"layout": "l7160"}
    )
    assert response.status_code == 404


def test_the_api_and_the_list_show_a_donor_contact_only_their_devices(
    client, bob, laptop, carols_laptop
):
    listed = client.get("/api/assets", **_bearer(bob)).json()
    assert [a["tag"] for a in listed] == [laptop.tag]
    client.force_login(bob)
    rows = client.get(reverse("assets:list")).context["page"].rows
    assert [a.pk for a in rows] == [laptop.pk]


def test_the_history_api_lists_every_event_oldest_first(client, alice, laptop):
    lifecycle.transition(laptop, State.SANITIZED, actor=alice, note="nwipe")
    history = client.get(f"/api/assets/{laptop.display_tag}/history", **_bearer(alice)).json()
    assert [(e["from_state"], e["to_state"]) for e in history] == [
        ("", "received"),
        ("received", "sanitized"),
    ]
    assert history[1]["actor"] == "alice"
    assert history[1]["note"] == "nwipe"


# Moves through the API


def test_the_api_moves_a_device_and_writes_its_event(client, alice, laptop):
    response = _move(client, laptop, "sanitized", **_bearer(alice))
    assert response.status_code == 201
    assert response.json()["to_state"] == "sanitized"
    laptop.refresh_from_db()
    assert laptop.state == State.SANITIZED
    assert laptop.events.count() == 2


def test_the_api_refuses_an_illegal_move_with_409(client, ada, laptop):
    response = _move(client, laptop, "allocated", **_bearer(ada))
    assert response.status_code == 409
    assert "Allocated" in response.json()["detail"]
    laptop.refresh_from_db()
    assert laptop.state == State.RECEIVED


def test_the_api_refuses_a_guarded_move_with_409(client, alice, laptop):
    response = _move(client, laptop, "tested", **_bearer(alice))
    assert response.status_code == 409
    assert "sanitize" in response.json()["detail"]


def test_the_api_refuses_a_move_outside_the_role_with_403(client, paul, laptop):
    response = _move(client, laptop, "sanitized", **_bearer(paul))
    assert response.status_code == 403
    assert response.json()["detail"]
    assert CustodyEvent.objects.filter(asset=laptop).count() == 1


def test_the_api_refuses_an_unknown_state(client, alice, laptop):
    assert _move(client, laptop, "vanished", **_bearer(alice)).status_code == 422


# Label sheets


def test_every_label_layout_can_be_chosen():
    assert {code for code, _label in LabelForm.base_fields["layout"].choices} == set(LABEL_LAYOUTS)


@pytest.fixture
def sixty_six(alice, make_donation, make_asset, east_auto):
    """More devices than any sheet holds (the largest holds 65), so every layout needs 2+ pages."""
    donation = make_donation(east_auto)
    for n in range(66):
        make_asset(donation, serial=f"LB{n:05d}")
    return donation


def _pdf_pages(pdf: bytes, tmp_path) -> tuple[int, str]:
    path = tmp_path / "labels.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+(.*)$", info, re.M).group(1)
    return pages, size


@pytest.mark.parametrize("layout", sorted(LABEL_LAYOUTS))
def test_label_sheets_print_one_page_per_sheet(client, alice, sixty_six, layout, tmp_path):
    sheet = LABEL_LAYOUTS[layout]
    client.force_login(alice)
    response = client.get(reverse("assets:labels", args=[sixty_six.pk]), {"layout": layout})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert sixty_six.reference in response["Content-Disposition"]
    pages, size = _pdf_pages(response.content, tmp_path)
    assert pages == math.ceil(66 / sheet.per_page)
    if sheet.is_roll:  # a page per label, the label's size (points: 72 per inch)
        width, height = (float(n) for n in re.findall(r"[\d.]+", size)[:2])
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (
            round(sheet.width),
            round(sheet.height),
        )
    else:
        assert "A4" in size


def test_a_part_used_sheet_starts_at_the_first_free_position(client, alice, sixty_six, tmp_path):
    """21 per sheet, starting at position 20: two labels on the first page, then 21, 21, 21 and
    the last 1 (66 = 2 + 63 + 1) on five pages; the first label sits at position 20."""
    client.force_login(alice)
    url = reverse("assets:labels", args=[sixty_six.pk])
    response = client.get(url, {"layout": "l7160", "start": "20"})
    assert _pdf_pages(response.content, tmp_path)[0] == 5
    path = tmp_path / "labels.pdf"
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "LB00000" in first_page and "LB00001" in first_page and "LB00002" not in first_page
    # Position 22 does not exist on a 21-label sheet: the form says so and makes nothing.
    response = client.get(url, {"layout": "l7160", "start": "22"})
    assert response["Content-Type"].startswith("text/html")
    assert "give a position from 1 to 21" in response.content.decode()


def test_a_donor_contact_prints_labels_for_their_own_donation(client, bob, laptop, tmp_path):
    client.force_login(bob)
    response = client.get(reverse("assets:labels", args=[laptop.donation_id]), {"layout": "l7163"})
    assert response.status_code == 200
    assert _pdf_pages(response.content, tmp_path)[0] == 1


def test_labels_for_a_donation_without_devices_are_404(client, alice, donation):
    client.force_login(alice)
    response = client.get(reverse("assets:labels", args=[donation.pk]), {"layout": "l7160"})
    assert response.status_code == 404


def test_an_unknown_layout_shows_the_choice_again(client, alice, laptop):
    client.force_login(alice)
    response = client.get(reverse("assets:labels", args=[laptop.donation_id]), {"layout": "x"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "layout" in response.context["form"].errors
