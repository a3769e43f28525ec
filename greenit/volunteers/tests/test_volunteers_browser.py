"""A guest signs up for a shift by keyboard alone, confirms by the link in the e-mail and sees
their own page; axe-clean at each step, in English and Chinese."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from greenit.volunteers.models import SignUp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _axe_clean(page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Presses Tab until the element matching `selector` has the focus."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_guest_signs_up_by_keyboard_confirms_by_e_mail_and_sees_their_page(
    page, live_server, shift, lang, settings
):
    settings.SITE_URL = live_server.url
    page.goto("/volunteers/")
    if lang != "en":
        page.select_option("#language-select", lang)
        with page.expect_navigation():
            page.click("form.language button")
    _axe_clean(page)
    _tab_to(page, f"main a[href='/volunteers/{shift.opportunity_id}/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _axe_clean(page)
    _tab_to(page, f"main a[href='/volunteers/shifts/{shift.pk}/signup/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _axe_clean(page)
    # First with a mistake: the e-mail address is named as the field to fix.
    _tab_to(page, "#id_name")
    page.keyboard.type("周明 Zhou Ming")
    page.keyboard.press("Tab")
    page.keyboard.type("not an address")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#id_email_error")).to_be_visible()
    _axe_clean(page)
    assert not SignUp.objects.exists()
    _tab_to(page, "#id_email")
    page.keyboard.press("Control+A")
    page.keyboard.type("zhou.ming@example.org")
    _tab_to(page, "#id_company_name")
    page.keyboard.type("Tiny Studio")
    page.keyboard.press("Tab")  # the honeypot is out of the tab order: next, the consents
    page.keyboard.press("Space")  # the one that is needed; sharing with a sponsor is not
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_count(1)
    _axe_clean(page)
    signup = SignUp.objects.get()
    assert signup.status == SignUp.Status.UNCONFIRMED and signup.volunteer.language == lang
    # The confirmation, beside the e-mail with the consent's withdrawal link.
    body = "".join(m.body for m in mail.outbox)
    link = re.search(r"http\S+/volunteers/confirm/\S+/", body).group(0)
    page.goto(link)
    _axe_clean(page)
    _tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_be_visible()
    _axe_clean(page)
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.CONFIRMED
    assert page.url.endswith(f"/volunteers/v/{signup.volunteer.token}/")
    expect(page.locator("main table")).to_contain_text(
        shift.opportunity.title_en if lang == "en" else shift.opportunity.title_zh
    )
