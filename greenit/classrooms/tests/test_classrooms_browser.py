"""The public application form and the allocation scan, in chromium, by keyboard, with axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from greenit.assets.models import State
from greenit.classrooms.models import SchoolApplication
from greenit.core.tests.browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_school_with_mistakes_in_its_application_is_told_what_to_fix(page, lang):
    page.goto("/classrooms/apply/")
    if lang != "en":
        page.select_option("#language-select", lang)
        page.click("form.language button")
    page.fill("#id_school_name", "瑞金市沙洲坝小学")
    page.fill("#id_contact_email", "not an address")
    page.locator("form[enctype] button.primary").press("Enter")
    expect(page.locator("#id_contact_email_error")).to_be_visible()
    expect(page.locator("#id_students_total_error")).to_be_visible()
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
    assert not SchoolApplication.objects.exists()
    page.select_option("#id_school_type", "primary")
    page.fill("#id_province", "江西省")
    page.fill("#id_city", "赣州市")
    page.fill("#id_district", "瑞金市")
    page.fill("#id_students_total", "320")
    page.fill("#id_teachers", "18")
    page.select_option("#id_electricity", "cuts")
    page.select_option("#id_internet", "none")
    page.fill("#id_contact_name", "Li Hua")
    page.fill("#id_contact_email", "lihua@school.example")
    page.check("#id_consent")
    page.locator("form[enctype] button.primary").press("Enter")
    expect(page.locator("h1")).to_have_count(1)
    assert SchoolApplication.objects.get().language == lang
    assert Axe().run(page).violations_count == 0


def test_a_manager_scans_tags_into_a_project_with_the_keyboard(page, paul, project, make_ready):
    first, second = make_ready(), make_ready()
    log_in(page, "paul", "paul-Pa55word!")
    page.goto(f"/classrooms/projects/{project.pk}/")
    page.locator("#id_tags-codes").focus()
    page.keyboard.type(first.display_tag)
    page.keyboard.press("Enter")
    page.keyboard.type(second.display_tag)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("2 devices allocated")
    first.refresh_from_db()
    assert first.state == State.ALLOCATED
    assert Axe().run(page).violations_count == 0
