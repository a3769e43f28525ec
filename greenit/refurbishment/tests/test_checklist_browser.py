"""The test checklist with the keyboard only, in chromium, and axe on its error state."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.core.tests.browser import log_in
from greenit.refurbishment.models import CHECKS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_technician_works_through_the_checklist_with_the_keyboard(
    page, live_server, alice, laptop, lang
):
    lifecycle.transition(laptop, State.SANITIZED, actor=alice)
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    log_in(page, "alice", "alice-Pa55word!")
    page.goto(f"/refurbishment/assets/{laptop.tag}/")
    expect(page.locator("h1")).to_have_count(1)
    # Nothing is pre-answered: each check is chosen. Space picks the focused choice; Arrow
    # keys move the choice inside a group.
    expect(page.locator("main input[type=radio]:checked")).to_have_count(0)
    for name, _label in CHECKS:
        page.locator(f"#id_{name}_0").focus()
        page.keyboard.press("Space")
    page.locator("#id_powers_on_0").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#id_powers_on_1")).to_be_checked()
    page.locator("#id_grade_0").focus()
    page.keyboard.press("Space")
    expect(page.locator("#id_grade_0")).to_be_checked()
    page.locator("main button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main .errors")).to_contain_text(
        "grade it fail" if lang == "en" else "请评为不合格"
    )
    expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-Hans")
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
    laptop.refresh_from_db()
    assert laptop.state == State.SANITIZED
    page.locator("#id_grade_3").focus()
    page.keyboard.press("Space")
    page.locator("main button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(laptop.display_tag)
    laptop.refresh_from_db()
    assert laptop.state == State.RECYCLING
