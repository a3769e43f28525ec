"""The GOV.UK error pattern in chromium: after a wrong submit the summary has the focus, the
title starts with "Error:", each link puts the cursor in its field; "Add another item" adds a
row by keyboard. axe-clean in both languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(("lang", "prefix"), [("en", "Error: "), ("zh-hans", "错误：")])
@pytest.mark.parametrize("url", ["/donate/", "/classrooms/apply/", "/contact/"])
def test_a_public_form_sent_empty_says_what_to_fix_first(page, url, lang, prefix):
    page.goto(url)
    if lang != "en":
        page.select_option("#language-select", lang)
        page.click("form.language button")
    page.locator("main form button.primary[type=submit]").press("Enter")
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    assert page.title().startswith(prefix)
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
    first = summary.locator("a").first
    target = first.get_attribute("href")
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(target)).to_be_focused()


def test_add_another_item_by_keyboard(page):
    page.goto("/donate/")
    rows = page.locator("[data-formset-rows=items] > fieldset")
    expect(rows).to_have_count(3)
    page.get_by_role("button", name="Add another item").press("Enter")
    expect(rows).to_have_count(4)
    expect(page.locator("#id_items-3-category")).to_be_focused()
    assert page.locator("#id_items-TOTAL_FORMS").input_value() == "4"
    expect(rows.nth(3).locator("legend")).to_have_text("Item 4")
