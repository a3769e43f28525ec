"""A technician uploads an nwipe log from a device's page in chromium, in both languages:
the upload form (refused empty, then filled), the report's page with its drives waiting for a
decision, the waiting list, the merge form and the device's evidence section are axe clean."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from greenit.core.tests.browser import csp_violations, log_in
from greenit.evidence.models import Snapshot

from .conftest import NWIPE_LOG, sample

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _clean(page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_technician_uploads_a_wipe_report(
    page, live_server, alice, make_asset, donation, tmp_path, lang
):
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    violations = csp_violations(page)
    laptop = make_asset(donation)
    log = tmp_path / "nwipe.log"
    log.write_bytes(sample(NWIPE_LOG))
    log_in(page, "alice", "alice-Pa55word!")
    page.goto(f"/assets/{laptop.tag}/")
    _clean(page)
    page.locator("#evidence-heading ~ p a").last.click()
    page.locator("main button[type=submit]").click()  # nothing chosen: refused by the browser
    page.locator("#id_file").set_input_files(str(log))
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    expect(page.locator("main h1")).to_contain_text("nwipe")
    expect(page.locator("main input[name$='-asset_tag']")).to_have_count(2)
    _clean(page)
    assert Snapshot.objects.get().asset == laptop
    for path in ("/evidence/", "/evidence/merge/", f"/assets/{laptop.tag}/"):
        page.goto(path)
        _clean(page)
    page.goto("/evidence/merge/")
    page.locator("#id_kept").fill(laptop.tag)
    page.locator("#id_duplicate").fill(laptop.tag)
    page.locator("main button[type=submit]").click()
    expect(page.locator("main .errors")).to_be_visible()
    _clean(page)
    assert violations == []
