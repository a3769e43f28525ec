"""Hours by company and period: the two functions the impact reports call, the report page,
the CSV, and a company contact who sees only their own company's hours."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import _person
from greenit.accounts.models import Organisation
from greenit.classrooms.models import ClassroomProject
from greenit.privacy import consents
from greenit.privacy.models import Consent
from greenit.volunteers import services
from greenit.volunteers.models import Opportunity, Volunteer

from .conftest import move_to_past


@pytest.fixture
def school(db):
    return Organisation.objects.create(name="于都县希望小学", is_school=True)


@pytest.fixture
def classroom(school):
    return ClassroomProject.objects.create(name="Yudu classroom", school=school, seats=10)


@pytest.fixture
def hours(make_shift, opportunity, classroom, pujiang_bank, east_auto, paul):
    """Past shifts: Pujiang Bank 2 people × 3 h at a classroom opening 3 days ago, East Auto
    1 person × 2 h 10 days ago (late), one without a company 3 h; an absent bank volunteer."""
    opening = Opportunity.objects.create(
        kind="classroom_opening",
        title_en="Opening",
        title_zh="开班仪式",
        place="school",
        project=classroom,
        published=True,
    )
    recent = make_shift(days=7, capacity=4, opp=opening)
    older = make_shift(days=7, start=14, capacity=4)
    people = {
        "bank1": services.signup_create(
            shift=recent, name="王芳", email="w@bank.example", company=pujiang_bank
        ),
        "bank2": services.signup_create(
            shift=recent, name="Li Lei", email="l@bank.example", company=pujiang_bank
        ),
        "bank3": services.signup_create(
            shift=recent, name="Absent", email="a@bank.example", company=pujiang_bank
        ),
        "nobody": services.signup_create(shift=recent, name="Solo", email="s@example.org"),
        "auto": services.signup_create(
            shift=older, name="赵磊", email="z@auto.example", company=east_auto
        ),
    }
    for signup in people.values():
        services.signup_confirm(token=services.confirm_token(signup))
    move_to_past(recent, days=10)
    move_to_past(older, days=17)
    for key in ("bank1", "bank2", "nobody"):
        services.attendance_record(signup=people[key], actor=paul, attendance="present")
    services.attendance_record(signup=people["bank3"], actor=paul, attendance="absent")
    services.attendance_record(
        signup=people["auto"], actor=paul, attendance="late", hours=Decimal("2")
    )
    return people


def test_volunteer_hours_totals_filtered_by_company_project_and_local_dates(
    hours, pujiang_bank, east_auto, classroom
):
    today = timezone.localdate()
    assert services.volunteer_hours() == Decimal("11.00")
    assert services.volunteer_hours(companies=[pujiang_bank]) == Decimal("6.00")
    assert services.volunteer_hours(companies=[pujiang_bank, east_auto]) == Decimal("8.00")
    assert services.volunteer_hours(projects=[classroom]) == Decimal("9.00")
    assert services.volunteer_hours(start=today - timedelta(days=3)) == Decimal("9.00")
    assert services.volunteer_hours(end=today - timedelta(days=4)) == Decimal("2.00")
    # Inclusive on both ends: the local day of the shift itself counts.
    hours["auto"].shift.refresh_from_db()
    day = timezone.localdate(hours["auto"].shift.starts_at)
    assert services.volunteer_hours(start=day, end=day) == Decimal("2.00")
    assert services.volunteer_hours(companies=[]) == Decimal("0.00")


def test_volunteer_hours_is_one_query(hours, pujiang_bank, django_assert_num_queries):
    with django_assert_num_queries(1):
        services.volunteer_hours(companies=[pujiang_bank], start=timezone.localdate())


def test_hours_by_company_counts_volunteers_shifts_and_hours(hours, pujiang_bank, east_auto):
    rows = services.hours_by_company(start=None, end=None)
    assert [(r.company, r.organisation_id, r.volunteers, r.shifts, r.hours) for r in rows] == [
        (pujiang_bank.name, pujiang_bank.pk, 2, 1, Decimal("6.00")),  # the absent one not
        ("", None, 1, 1, Decimal("3.00")),
        (east_auto.name, east_auto.pk, 1, 1, Decimal("2.00")),
    ]


def test_adjusted_hours_replace_the_computed_ones_in_the_totals(hours, paul, pujiang_bank):
    services.hours_adjust(
        signup=hours["bank1"], actor=paul, hours=Decimal("4.5"), reason="Stayed late"
    )
    assert services.volunteer_hours(companies=[pujiang_bank]) == Decimal("7.50")


def test_the_csv_export_is_utf8_with_a_bom_and_lists_each_company(hours, paul, client):
    client.force_login(paul)
    response = client.get(reverse("volunteers:reports_csv"))
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Company,Organisation id,Volunteers,Shifts,Hours")
    assert lines[1].startswith("浦江商业银行,") and ",2,1,6.00," in lines[1]
    assert "(no company)" in body


def test_the_report_page_refuses_an_end_before_the_start_naming_the_field(paul, client, db):
    client.force_login(paul)
    response = client.get(
        reverse("volunteers:reports"), {"start": "2026-05-02", "end": "2026-05-01"}
    )
    assert response.status_code == 400
    assert "end date" in response.context["form"].errors["end"][0]
    assert client.get(reverse("volunteers:reports_csv"), {"start": "nope"}).status_code == 400


def _share_names(*names: str) -> None:
    """The volunteers consented that their company sees their name (PIPL art. 23)."""
    text = consents.current("share_sponsor")
    for volunteer in Volunteer.objects.filter(name__in=names):
        Consent.objects.create(text=text, record=volunteer, email=volunteer.email)


def test_a_company_sees_a_volunteer_s_name_only_with_their_consent(hours, carol, client):
    client.force_login(carol)
    page = client.get(reverse("volunteers:company")).content.decode()
    assert "王芳" not in page and "A volunteer (name not shared)" in page and "6.00" in page
    _share_names("王芳")
    assert "王芳" in client.get(reverse("volunteers:company")).content.decode()


def test_a_company_contact_sees_only_their_own_company_s_hours(hours, carol, bob, client):
    _share_names("王芳", "Li Lei", "赵磊", "Solo")
    client.force_login(carol)  # Pujiang Bank
    page = client.get(reverse("volunteers:company")).content.decode()
    assert "王芳" in page and "6.00" in page
    assert "赵磊" not in page and "Solo" not in page
    client.force_login(bob)  # East Auto
    page = client.get(reverse("volunteers:company")).content.decode()
    assert "赵磊" in page and "王芳" not in page


def test_staff_reports_are_closed_to_contacts_and_the_company_page_to_others(carol, client, db):
    client.force_login(carol)
    assert client.get(reverse("volunteers:reports")).status_code == 403
    school = Organisation.objects.create(name="A school", is_school=True)
    client.force_login(_person("sally", organisation=school))
    assert client.get(reverse("volunteers:company")).status_code == 404


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example","x")', "+1+1", "-1+1", "@SUM(A1)", "\t=1"]
)
def test_a_company_name_like_a_formula_is_text_in_the_csv(name, make_shift, paul, client):
    company = Organisation.objects.create(name=name, is_donor=True)
    shift = make_shift(days=7, capacity=2)
    signup = services.signup_create(shift=shift, name="Eve", email="e@x.example", company=company)
    services.signup_confirm(token=services.confirm_token(signup))
    move_to_past(shift, days=10)
    services.attendance_record(signup=signup, actor=paul, attendance="present")
    client.force_login(paul)
    body = client.get(reverse("volunteers:reports_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[1][0] == "'" + name
    assert rows[1][4] == "3.00"  # the hours stay a number
