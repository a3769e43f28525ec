"""Company teams: a coordinator takes N places on a shift, members fill them in through the
team's link accepting the company's waiver (versioned, stored); hours by team and company."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from conftest import _person
from greenit.volunteers import services
from greenit.volunteers.models import SignUp, Team, WaiverAcceptance
from greenit.volunteers.tests.conftest import move_to_past
from greenit.volunteers.tests.test_reports import _share_names


@pytest.fixture
def waiver(pujiang_bank, paul):
    services.waiver_publish(actor=paul, company=pujiang_bank, text_en="Old rules", text_zh="旧规")
    return services.waiver_publish(
        actor=paul, company=pujiang_bank, text_en="Be kind to children.", text_zh="善待孩子。"
    )


def _join(team, n, accepted=True):
    return services.team_join(
        team=team, name=f"员工{n}", email=f"staff{n}@bank.example", accepted=accepted
    )


def test_a_coordinator_takes_places_and_the_shift_counts_them(make_shift, carol, waiver):
    shift = make_shift(capacity=5)
    team = services.team_signup(shift=shift, actor=carol, places=3)
    assert (team.company, team.waiver.version) == (carol.organisation, 2)
    assert type(shift).objects.with_places().get(pk=shift.pk).places_left == 2
    with pytest.raises(ValidationError) as refused:
        services.team_signup(shift=shift, actor=carol, places=3)
    assert "Only 2 places are left" in refused.value.message_dict["places"][0]


def test_members_fill_the_places_accepting_the_waiver_version_shown(make_shift, carol, waiver):
    shift = make_shift(capacity=5)
    team = services.team_signup(shift=shift, actor=carol, places=2)
    with pytest.raises(ValidationError) as refused:
        _join(team, 0, accepted=False)
    assert "accepted" in refused.value.message_dict
    first = _join(team, 1)
    _join(team, 2)
    assert first.status == SignUp.Status.CONFIRMED and first.team == team
    assert first.volunteer.company == carol.organisation
    acceptance = WaiverAcceptance.objects.get(volunteer=first.volunteer)
    assert (acceptance.waiver, acceptance.signed_name) == (waiver, "员工1")
    with pytest.raises(ValidationError, match="All 2 places"):
        _join(team, 3)
    # Members' sign-ups fill the team's places, not more of the shift's.
    assert type(shift).objects.with_places().get(pk=shift.pk).places_left == 3


def test_only_a_company_contact_signs_up_a_team(make_shift, paul, bob, waiver):
    with pytest.raises(PermissionDenied):
        services.team_signup(shift=make_shift(), actor=paul, places=1)
    assert not Team.objects.exists()


def test_without_a_published_code_of_conduct_no_team_signs_up(make_shift, carol):
    with pytest.raises(ValidationError, match="No code of conduct"):
        services.team_signup(shift=make_shift(), actor=carol, places=1)


def test_a_wrong_team_link_is_a_404(db):
    with pytest.raises(Http404):
        services.team_for_token("guessed")


def test_hours_by_team_and_by_person(make_shift, carol, waiver, paul, ada):
    shift = make_shift(capacity=5)
    team = services.team_signup(shift=shift, actor=carol, places=2)
    one, two = _join(team, 1), _join(team, 2)
    move_to_past(shift)
    for signup in (one, two):
        services.attendance_record(signup=signup, actor=ada, attendance="present")
    (row,) = services.hours_by_team(companies=[carol.organisation])
    assert (row.team_id, row.members, str(row.hours)) == (team.pk, 2, "6.00")
    people = services.hours_by_person(companies=[carol.organisation])
    assert sorted(p.name for p in people) == ["员工1", "员工2"]


def test_team_pages_for_the_coordinator_members_and_nobody_else(
    client, make_shift, carol, waiver, bob
):
    shift = make_shift(capacity=5)
    client.force_login(carol)
    response = client.post(reverse("volunteers:team_new", args=[shift.pk]), {"places": "9"})
    assert response.status_code == 400
    assert "Only 5 places are left" in response.content.decode()
    response = client.post(reverse("volunteers:team_new", args=[shift.pk]), {"places": "2"})
    team = Team.objects.get()
    assert response.url == reverse("volunteers:team", args=[team.pk])
    page = client.get(response.url).content.decode()
    assert team.token in page
    client.logout()
    join = reverse("volunteers:team_join", args=[team.token])
    assert "善待孩子" in client.get(join, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    response = client.post(join, {"name": "李雷", "email": "li@bank.example", "accepted": "on"})
    assert response.status_code == 302
    client.force_login(bob)  # another company's contact
    assert client.get(reverse("volunteers:team", args=[team.pk])).status_code == 404
    assert client.get(reverse("volunteers:team_new", args=[shift.pk])).status_code == 200


def test_the_company_exports_its_own_hours(client, carol, make_shift, waiver, ada):
    shift = make_shift(capacity=5)
    team = services.team_signup(shift=shift, actor=carol, places=1)
    member = _join(team, 1)
    move_to_past(shift)
    services.attendance_record(signup=member, actor=ada, attendance="present")
    client.force_login(carol)
    csv = client.get(reverse("volunteers:company_csv")).content.decode("utf-8-sig")
    # A member's name reaches the company only with their consent (PIPL art. 23).
    assert "员工1" not in csv and "A volunteer (name not shared)" in csv and "3.00" in csv
    _share_names("员工1")
    assert "员工1" in client.get(reverse("volunteers:company")).content.decode()
    csv = client.get(reverse("volunteers:company_csv")).content.decode("utf-8-sig")
    assert "员工1" in csv and "3.00" in csv
    client.force_login(_person("stranger"))
    assert client.get(reverse("volunteers:company_csv")).status_code == 404
