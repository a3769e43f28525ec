"""Staff navigation is grouped by the work (devices, logistics, classrooms, reports) instead of
seventeen flat links: each group opens by keyboard, Escape closes it, one is open at a time,
the current group is marked, and it works at 390 px and in Chinese, axe-clean."""

import re

import pytest
from playwright.sync_api import expect

from greenit.core.tests.browser import log_in
from greenit.home.tests.test_accessibility import _check_page, _switch_language

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_staff_menu_is_grouped_and_usable_by_keyboard(page, alice):
    log_in(page, "alice", "alice-Pa55word!")
    page.goto("/assets/")
    top = page.locator("header nav > ul > li")
    assert top.count() <= 9, top.all_inner_texts()
    devices = page.locator("details[data-nav-group]", has_text="Intake")
    summary = devices.locator("summary")
    expect(summary).to_have_class("current")
    intake = page.get_by_role("link", name="Intake")
    expect(intake).to_be_hidden()
    summary.focus()
    page.keyboard.press("Enter")
    expect(intake).to_be_visible()
    page.keyboard.press("Tab")
    expect(intake).to_be_focused()
    page.keyboard.press("Escape")
    expect(intake).to_be_hidden()
    expect(summary).to_be_focused()

    page.keyboard.press("Enter")
    logistics = page.locator("details[data-nav-group]", has_text="Pickups")
    logistics.locator("summary").click()
    expect(page.get_by_role("link", name="Pickups")).to_be_visible()
    expect(intake).to_be_hidden()  # one group open at a time
    page.get_by_role("link", name="Pickups").click()
    expect(page).to_have_url(re.compile(r"/donations/pickups/$"))
    expect(logistics.locator("summary")).to_have_class("current")


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_open_menu_on_a_phone_is_axe_clean(page, alice, lang):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "alice", "alice-Pa55word!")
    page.goto("/")
    if lang != "en":
        _switch_language(page, lang)
    group = page.locator("details[data-nav-group]").first
    group.locator("summary").click()
    link = group.locator("a").first
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert _check_page(page, lang=lang) == []
