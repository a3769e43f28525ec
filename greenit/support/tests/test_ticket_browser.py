"""A school files a support ticket in chromium: the refused empty form names the fields (axe
clean), then the ticket is filed with a photo."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import expect

from greenit.core.tests.browser import log_in
from greenit.support.models import Ticket

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_school_files_a_ticket_in_the_browser(page, live_server, deployed, sam, tmp_path, lang):
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    photo = tmp_path / "fault.png"
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, format="PNG")
    photo.write_bytes(out.getvalue())
    log_in(page, "sam", "sam-Pa55word!")
    page.goto("/support/")
    report = "Report a problem with a device" if lang == "en" else "报告设备问题"
    page.get_by_role("link", name=report).click()
    page.locator("main button[type=submit]").click()
    expect(page.locator("#id_symptom_error")).to_be_visible()
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
    page.locator("#id_asset").select_option(str(deployed[1].pk))
    page.locator("#id_symptom").fill("The keyboard types double letters.")
    page.locator("#id_photos").set_input_files(str(photo))
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("is filed" if lang == "en" else "已提交")
    ticket = Ticket.objects.get()
    assert (ticket.asset, ticket.photos.count()) == (deployed[1], 1)
    expect(page.locator("main img")).to_have_count(1)
