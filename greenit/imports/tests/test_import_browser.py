"""A long asset list in chromium: upload, the Chinese headers matched, import, the progress
polled with htmx, and the end announced in the live region."""

import pytest
from playwright.sync_api import expect

from greenit.assets.models import Asset
from greenit.core.tests.browser import log_in
from greenit.imports.models import AssetImport
from greenit.imports.tasks import run_import

from .helpers import CHINESE, chinese_rows, csv_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_long_import_shows_its_progress_and_announces_the_end(
    page, lena, donation, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_INLINE_ROWS = 5
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    log_in(page, "lena", "lena-Pa55word!")
    page.goto(f"/imports/new/?donation={donation.pk}")
    expect(page.locator("#id_donation")).to_have_value(str(donation.pk))
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "资产清单.csv",
                "mimeType": "text/csv",
                "buffer": csv_bytes(CHINESE, chinese_rows(12), encoding="gb18030"),
            }
        ],
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("资产清单.csv")
    expect(page.locator("#id_col_0")).to_have_value("-")  # 序号, the row number: not imported
    expect(page.locator("#id_col_2")).to_have_value("serial")
    expect(page.locator("#id_col_5")).to_have_value("category")

    run = page.get_by_role("button", name="Import the devices")
    run.focus()
    page.keyboard.press("Enter")
    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("hx-trigger", "every 2s")
    announcement = page.locator("#import-announcement")
    expect(announcement).to_have_attribute("aria-live", "polite")
    page.evaluate("window.region = document.getElementById('import-announcement')")

    asset_import = AssetImport.objects.get()
    run_import.call(asset_import.pk, lena.pk)  # what the task worker does
    expect(announcement).to_contain_text("Import finished: 12 devices created", timeout=10_000)
    assert page.evaluate("document.getElementById('import-announcement') === window.region")
    expect(progress).not_to_have_attribute("hx-trigger", "every 2s")
    assert Asset.objects.filter(donation=donation).count() == 12
