"""A big label PDF in chromium: the page polls while the worker lays out the labels, then
announces that the PDF is ready; every page on the way passes axe in both languages."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from greenit.assets.models import LabelSheet
from greenit.assets.tasks import make_label_sheet
from greenit.core.tests.browser import log_in
from greenit.home.tests.test_accessibility import _check_page, _switch_language

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@override_settings(
    LABELS_INLINE_MAX=5,
    TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
)
def test_a_big_label_pdf_is_made_in_the_background_by_keyboard(
    page, alice, make_donation, make_asset, east_auto, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    donation = make_donation(east_auto)
    for n in range(12):
        make_asset(donation, serial=f"KB{n:04d}")
    log_in(page, "alice", "alice-Pa55word!")
    page.goto(f"/assets/labels/{donation.pk}/")
    assert _check_page(page, lang="en") == []
    page.locator("#id_layout").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#id_start")).to_be_focused()  # a new sheet: start at label 1
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Make the PDF")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#label-sheet-progress progress")).to_be_visible()
    assert _check_page(page, lang="en") == []
    sheet = LabelSheet.objects.get()
    make_label_sheet.call(sheet.pk)  # the worker, while the page polls every 2 s
    expect(page.locator("#label-sheet-announcement")).to_have_text(
        "The label PDF is ready to download.", timeout=10_000
    )
    link = page.get_by_role("link", name="Download the PDF (12 labels)")
    expect(link).to_be_visible()
    assert _check_page(page, lang="en") == []
    _switch_language(page, "zh-hans")
    assert _check_page(page, lang="zh-hans") == []
    page.goto(f"/assets/labels/{donation.pk}/")
    assert _check_page(page, lang="zh-hans") == []
