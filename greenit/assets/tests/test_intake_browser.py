"""Intake with the keyboard only, in chromium: type (or scan) a serial, press Enter, hear the
result, scan the next one. The page posts with htmx and swaps in the result."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from greenit.assets.models import Asset
from greenit.core.tests.browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The live region is marked when the page loads; a region that is replaced instead of updated
# is a new element that screen readers often do not announce.
MARK_REGION = "window.loadedRegion = document.getElementById('intake-announcement')"
SAME_REGION = "document.getElementById('intake-announcement') === window.loadedRegion"


def test_keyboard_only_intake_announces_each_scan(page, alice, donation):
    log_in(page, "alice", "alice-Pa55word!")
    page.goto(f"/assets/intake/?donation={donation.pk}")
    serial = page.locator("#id_serial")
    announcement = page.locator("#intake-announcement")
    expect(serial).to_be_focused()
    expect(page.locator("#id_donation")).to_have_value(str(donation.pk))
    expect(announcement).to_have_attribute("role", "status")
    expect(announcement).to_have_attribute("aria-live", "polite")
    page.evaluate(MARK_REGION)

    page.keyboard.type("PF1KB0001")
    page.keyboard.press("Enter")
    expect(announcement).to_contain_text("Recorded")
    expect(announcement).to_contain_text("PF1KB0001")
    expect(serial).to_have_value("")
    expect(serial).to_be_focused()
    assert page.evaluate(SAME_REGION), "the live region was replaced, not updated"
    assert list(Asset.objects.filter(donation=donation).values_list("serial", flat=True)) == [
        "PF1KB0001"
    ]

    page.keyboard.type("PF1KB0001")
    page.keyboard.press("Enter")
    expect(announcement).to_contain_text("already recorded")
    expect(announcement).to_contain_text("Nothing was created")
    expect(serial).to_have_value("")
    expect(serial).to_be_focused()
    assert page.evaluate(SAME_REGION), "the live region was replaced, not updated"
    assert Asset.objects.filter(donation=donation).count() == 1

    page.keyboard.type("PF1KB0002")
    page.keyboard.press("Enter")
    expect(announcement).to_contain_text("Recorded")
    expect(announcement).to_contain_text("PF1KB0002")
    expect(serial).to_be_focused()
    assert Asset.objects.filter(donation=donation).count() == 2
    # The list of the last devices under the form follows the scans.
    expect(page.locator("#intake-result table")).to_contain_text("PF1KB0002")
    # The page after the swaps (result, table of the last devices) is as accessible as before.
    violations = Axe().run(page).response["violations"]
    assert not violations, "\n".join(
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}" for v in violations
    )
