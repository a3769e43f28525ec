"""The independent verification on the donation's certificate page, in chromium: a second
person records a sampled medium's verification with the keyboard only; axe on the page, its
error state and the page after, in both languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from greenit.core.tests.browser import csp_violations, log_in
from greenit.sanitization import services
from greenit.sanitization.models import SampleItem

from .conftest import record_fields

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _axe_clean(page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_second_person_verifies_a_sampled_medium_with_the_keyboard(
    page, live_server, donation, make_asset, alice, ada, lang
):
    for n in range(3):
        medium, _ = services.medium_register(
            asset=make_asset(donation, serial=f"B-{n}"),
            actor=alice,
            media_type="sata_ssd",
            serial=f"SSD-{n}",
        )
        services.record_sanitization(
            medium=medium,
            actor=alice,
            **record_fields(validation="full", validation_result="passed"),
        )
    item = services.sample_draw(donation, alice).items.get()
    violations = csp_violations(page)
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    log_in(page, "ada", "ada-Pa55word!")
    page.goto(f"/sanitization/donations/{donation.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-Hans")
    _axe_clean(page)
    prefix = f"#id_item{item.pk}"
    page.locator(f"{prefix}-result").focus()
    page.keyboard.press("ArrowDown")  # Passed → Failed
    page.locator(f"{prefix}-method").focus()
    page.keyboard.type("PhotoRec 7.2")
    page.locator(f"{prefix}-notes").focus()
    page.keyboard.press("Tab")  # the button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # A failure needs what was found: the page says so beside the field.
    expect(page.locator("main .errors")).to_have_count(1)
    _axe_clean(page)
    page.locator(f"{prefix}-notes").focus()
    page.keyboard.type("3 JPEG files recovered")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    item.refresh_from_db()
    assert (item.result, item.verified_by) == ("failed", ada)
    expect(page.locator("main")).to_contain_text(
        "The sample failed" if lang == "en" else "抽样未通过"
    )
    _axe_clean(page)
    assert not violations
    assert SampleItem.objects.count() == 1
