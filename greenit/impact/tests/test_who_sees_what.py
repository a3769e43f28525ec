"""Who may see reports and figures, and refresh the dashboard: the rules the pages and the API
share (reports.may_see_reports, reports.figures_for) and the table's refusals."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from greenit.impact import reports


def test_reports_are_for_managers_and_for_donor_and_sponsor_contacts(paul, ada, bob, lena):
    assert reports.may_see_reports(paul)
    assert reports.may_see_reports(ada)
    assert reports.may_see_reports(bob)
    assert not reports.may_see_reports(lena)


def test_a_contact_gets_their_own_organisations_figures_only(bob, pujiang_bank, impact_settings):
    own = reports.figures_for(user=bob, scope="donor", organisation_id=bob.organisation_id)
    assert own.devices_reused == 0
    with pytest.raises(PermissionDenied, match="your own organisation's figures only"):
        reports.figures_for(user=bob, scope="donor", organisation_id=pujiang_bank.pk)
    with pytest.raises(PermissionDenied):
        reports.figures_for(user=bob)


def test_staff_get_any_scope(lena, impact_settings):
    assert reports.figures_for(user=lena, scope="province", province="上海市").devices_reused == 0


def test_a_period_that_ends_before_it_starts_is_refused(lena):
    with pytest.raises(ValidationError) as refused:
        reports.figures_for(user=lena, start=date(2026, 3, 1), end=date(2026, 2, 1))
    assert "end" in refused.value.message_dict


def test_only_administrators_refresh_the_dashboard(client, paul, ada):
    client.force_login(paul)
    assert client.post(reverse("impact:refresh")).status_code == 403
    client.force_login(ada)
    assert client.post(reverse("impact:refresh")).status_code == 302
