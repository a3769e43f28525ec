"""Scanning devices into a recycling batch with the keyboard only, in chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from greenit.accounts.models import Organisation
from greenit.assets.models import State
from greenit.core.tests.browser import log_in
from greenit.recycling import services
from greenit.recycling.models import RecyclerLicence

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_technician_scans_devices_into_a_batch_with_the_keyboard(
    page, alice, donation, make_asset
):
    recycler = Organisation.objects.create(name="绿循环", is_recycler=True)
    RecyclerLicence.objects.create(
        organisation=recycler,
        kind=RecyclerLicence.Kind.R2V3,
        number="R2-1",
        issuer="SERI",
        valid_from=timezone.localdate() - timedelta(days=10),
        expires_on=timezone.localdate() + timedelta(days=10),
    )
    batch = services.batch_create(recycler=recycler, actor=alice)
    first = make_asset(donation, serial="OLD1", category="monitor_crt")
    second = make_asset(donation, serial="OLD2", category="monitor_crt")
    log_in(page, "alice", "alice-Pa55word!")
    page.goto(f"/recycling/{batch.number}/")
    code = page.locator("#id_code")
    expect(code).to_be_focused()
    page.keyboard.type(first.display_tag)
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(f"{first.display_tag} (CRT monitor) added")
    expect(page.locator("#id_code")).to_be_focused()
    page.keyboard.type("OLD2")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(second.display_tag)
    page.keyboard.type("NO-SUCH")
    page.keyboard.press("Enter")
    expect(page.locator("#id_code_error")).to_contain_text("NO-SUCH")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (State.RECYCLING, State.RECYCLING)
