"""`greenit retention` deletes or erases what the schedule says is due, says what it did, and
a second run finds nothing to do."""

import datetime
import io
from html import escape

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from greenit.donations.models import Donation
from greenit.enquiries.models import Enquiry
from greenit.privacy.retention import retention_run, schedule
from greenit.volunteers.models import Opportunity, Shift, SignUp, Volunteer

NOW = timezone.now()


def _ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def _declined(reference: str, days: int) -> Donation:
    return Donation.objects.create(
        reference=reference,
        donor_name="Wang Fang",
        contact_name="Wang Fang",
        contact_email=f"{reference}@example.org",
        status=Donation.Status.DECLINED,
        decided_at=_ago(days),
    )


def _seed(db):
    old, recent = _declined("OF-OLD", 200), _declined("OF-NEW", 20)
    accepted = Donation.objects.create(
        reference="OF-KEEP",
        donor_name="Li",
        contact_name="Li",
        status="accepted",
        decided_at=_ago(900),
    )
    Enquiry.objects.create(
        topic="other",
        name="Old",
        email="old@example.org",
        message="x",
        status="closed",
        created_at=_ago(400),
    )
    Enquiry.objects.create(
        topic="other", name="Open", email="open@example.org", message="x", created_at=_ago(400)
    )
    opportunity = Opportunity.objects.create(kind="other", title_en="Day", title_zh="日")
    shift = Shift.objects.create(
        opportunity=opportunity,
        starts_at=_ago(-3),
        ends_at=_ago(-3) + datetime.timedelta(hours=2),
        capacity=3,
    )
    guest = Volunteer.objects.create(name="Guest", email="g@example.org", created_at=_ago(10))
    SignUp.objects.create(shift=shift, volunteer=guest, status="unconfirmed", created_at=_ago(10))
    kept = Volunteer.objects.create(name="Kept", email="k@example.org", created_at=_ago(10))
    SignUp.objects.create(shift=shift, volunteer=kept, status="confirmed", created_at=_ago(10))
    return old, recent, accepted


def test_what_is_due_is_deleted_or_erased_and_nothing_else(db):
    old, recent, accepted = _seed(db)
    done = {rule.name: n for rule, n in retention_run(now=NOW)}
    assert done["declined_offers"] == 1 and done["closed_enquiries"] == 1
    assert done["unconfirmed_signups"] == 1 and done["unconfirmed_volunteers"] == 1
    old.refresh_from_db()
    assert (old.contact_name, old.contact_email, old.status) == ("[erased]", "", "declined")
    recent.refresh_from_db()
    assert recent.contact_name == "Wang Fang"
    accepted.refresh_from_db()
    assert accepted.contact_name == "Li"
    assert list(Enquiry.objects.values_list("name", flat=True)) == ["Open"]
    assert list(Volunteer.objects.values_list("name", flat=True)) == ["Kept"]
    assert SignUp.objects.count() == 1


def test_run_twice_the_second_run_does_nothing(db):
    _seed(db)
    retention_run(now=NOW)
    assert all(n == 0 for _rule, n in retention_run(now=NOW))


def test_the_command_says_what_it_did_and_a_dry_run_changes_nothing(db):
    _seed(db)
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert "declined_offers: 1 donations.Donation due" in out.getvalue()
    assert Donation.objects.filter(contact_name="[erased]").count() == 0
    out = io.StringIO()
    call_command("retention", stdout=out)
    assert "declined_offers: 1 donations.Donation erased" in out.getvalue()
    out = io.StringIO()
    call_command("retention", stdout=out)
    assert out.getvalue().strip().endswith("retention: 0 record(s) handled")


def test_administrators_see_the_schedule_with_what_is_due(db, ada, paul, client):
    _seed(db)
    client.force_login(paul)
    assert client.get(reverse("privacy:retention")).status_code == 403
    client.force_login(ada)
    page = client.get(reverse("privacy:retention")).content.decode()
    for rule in schedule():
        assert escape(rule.en) in page
