"""A bulk move on the device list with the keyboard only, in chromium: tick every device on
the page, choose the move, send; the devices that may move do, the one that may not is named
with the reason. Nothing ticked: the error summary takes the focus and leads to the list."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from greenit.assets.models import State
from greenit.core.tests.browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _no_violations(page) -> None:
    violations = Axe().run(page).response["violations"]
    assert not violations, "\n".join(
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}" for v in violations
    )


def test_keyboard_only_bulk_move_names_the_refused_device(page, alice, donation, make_asset):
    monitors = [make_asset(donation, category="monitor_lcd", serial=f"MON-{n}") for n in (1, 2)]
    expected = make_asset(donation, category="monitor_lcd", serial="EXP-1", state=State.EXPECTED)
    log_in(page, "alice", "alice-Pa55word!")
    page.goto(f"/assets/?donation={donation.pk}")
    _no_violations(page)

    select_all = page.get_by_label("Tick every device on this page")
    select_all.focus()
    page.keyboard.press("Space")
    for asset in [*monitors, expected]:
        expect(page.get_by_label(f"Tick {asset.display_tag}")).to_be_checked()
    page.get_by_label(f"Tick {expected.display_tag}").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Space")
    expect(select_all).to_be_checked()

    page.get_by_label("Action").focus()
    page.get_by_label("Action").select_option("to:recycling")
    page.get_by_label("Why").focus()
    page.keyboard.type("Dead pixels")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("2 devices moved to “In recycling”.")
    refused = page.get_by_role("table")
    expect(refused).to_contain_text(expected.display_tag)
    expect(refused).to_contain_text("cannot move to “In recycling”")
    _no_violations(page)
    for asset in monitors:
        asset.refresh_from_db()
        assert asset.state == State.RECYCLING
    expected.refresh_from_db()
    assert expected.state == State.EXPECTED


def test_nothing_ticked_puts_the_focus_on_the_error_summary(page, alice, donation, make_asset):
    monitor = make_asset(donation, category="monitor_lcd", serial="MON-1")
    log_in(page, "alice", "alice-Pa55word!")
    page.goto("/assets/")
    page.get_by_label("Action").select_option("to:recycling")
    page.get_by_role("button", name="Apply to the ticked devices").press("Enter")

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    page.get_by_role("link", name="Tick the box of at least one device in the list.").click()
    # The first box of the list: ticking it ticks the page.
    expect(page.get_by_label("Tick every device on this page")).to_be_focused()
    _no_violations(page)
    monitor.refresh_from_db()
    assert monitor.state == State.RECEIVED
