"""The privacy pages by keyboard and axe-clean in English and Chinese: an administrator finds
a person and erases them, the person withdraws a consent by its private link, a programme
manager is refused publishing a photo of children without a guardian's consent."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from greenit.core.tests.browser import log_in
from greenit.privacy.models import Consent

from .conftest import EMAIL, NAME

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
HTML_LANG = {"en": "en", "zh-hans": "zh-Hans"}


def _axe_clean(page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def _in(page, lang: str) -> None:
    page.goto("/")
    if lang != "en":
        page.select_option("#language-select", lang)
        with page.expect_navigation():
            page.locator("form.language button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == HTML_LANG[lang]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_an_administrator_finds_and_erases_a_person(page, live_server, person, ada, lang):
    log_in(page, "ada", "ada-Pa55word!")
    _in(page, lang)
    for path in ("/privacy/requests/", "/privacy/retention/", "/privacy/"):
        page.goto(path)
        _axe_clean(page)
    page.goto("/privacy/person/")
    page.locator("#id_q").fill(EMAIL)
    with page.expect_navigation():
        page.locator("#id_q").press("Enter")
    expect(page.locator("main")).to_contain_text(NAME)
    _axe_clean(page)
    page.locator("#id_confirm").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_be_visible()
    _axe_clean(page)


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_person_withdraws_by_the_private_link(page, live_server, person, lang):
    consent = Consent.objects.get()
    _in(page, lang)
    page.goto(f"/privacy/consent/{consent.token}/")
    _axe_clean(page)
    with page.expect_navigation():
        page.locator("main button[type=submit]").press("Enter")
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    _axe_clean(page)
    page.goto("/privacy/ask/")
    _axe_clean(page)


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_manager_is_told_a_photo_of_children_needs_a_guardian(
    page, live_server, opened, paul, lang
):
    _project, _sponsor, photo = opened
    log_in(page, "paul", "paul-Pa55word!")
    _in(page, lang)
    page.goto(f"/privacy/photos/{photo.pk}/")
    _axe_clean(page)
    page.check("#id_children_recognisable")
    with page.expect_navigation():
        page.locator("main form.card button[type=submit]").press("Enter")
    expect(page.locator("#id_by_guardian_error")).to_be_visible()
    _axe_clean(page)
