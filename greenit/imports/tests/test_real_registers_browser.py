"""A Chinese fixed-asset register (XLSX) uploaded on the page in chromium: its columns are
matched with no correction (使用人 left out, 使用状况 the register's status), it imports, and
the device page shows what the register said; both pages pass axe."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from greenit.assets.models import Asset
from greenit.core.tests.browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REGISTER = Path(__file__).parent / "files" / "cn-fixed-asset-register.xlsx"


def _accessible(page) -> None:
    violations = Axe().run(page).response["violations"]
    assert not violations, "\n".join(
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}" for v in violations
    )


def test_a_register_maps_itself_on_the_page_and_its_details_reach_the_device(
    page, lena, donation, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    log_in(page, "lena", "lena-Pa55word!")
    page.goto(f"/imports/new/?donation={donation.pk}")
    page.set_input_files("#id_file", str(REGISTER))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_col_1")).to_have_value("donor_asset_number")  # 资产编号
    expect(page.locator("#id_col_13")).to_have_value("-")  # 使用人: a person, not kept
    expect(page.locator("#id_col_15")).to_have_value("status")  # 使用状况
    expect(page.locator("#id_col_11")).to_have_value("")  # 原值（元）: kept as a detail
    expect(page.get_by_text("7 rows checked, nothing wrong.")).to_be_visible()
    _accessible(page)
    page.get_by_role("button", name="Import the devices").click()
    expect(page.get_by_text("Imported: 7 devices created")).to_be_visible()
    server = Asset.objects.get(donor_asset_number="ZC2016-0007")
    page.goto(f"/assets/{server.tag}/")
    expect(page.get_by_role("heading", name="From the donor's register")).to_be_visible()
    expect(page.locator("dd", has_text="机房A排3柜")).to_be_visible()
    expect(page.locator("dd", has_text="损坏").first).to_be_visible()
    _accessible(page)
