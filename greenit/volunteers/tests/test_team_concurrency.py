"""Teams and people racing for the last places of a shift, and members racing for a team's
last places, from separate database connections: the shift row lock keeps the counts right."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conftest import _person
from greenit.accounts.models import Organisation
from greenit.assets.tests.test_concurrency import _race
from greenit.volunteers import services
from greenit.volunteers.models import Shift, SignUp, Team, WaiverAcceptance

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)


@pytest.fixture
def coordinators(db, paul):
    services.waiver_publish(actor=paul, company=None, text_en="Be kind.", text_zh="友善。")
    return [
        _person(
            f"coord{n}", organisation=Organisation.objects.create(name=f"公司{n}", is_sponsor=True)
        )
        for n in range(4)
    ]


@pytest.mark.django_db(transaction=True)
def test_four_teams_racing_for_five_places_never_exceed_the_capacity(make_shift, coordinators):
    shift = make_shift(capacity=5)
    people = iter(coordinators)

    def sign_up_team():
        return services.team_signup(
            shift=Shift.objects.get(pk=shift.pk), actor=next(people), places=2
        )

    results = _race(4, sign_up_team)
    teams = [r for r in results if isinstance(r, Team)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(teams), len(refused)) == (2, 2)
    assert Shift.objects.with_places().get(pk=shift.pk).places_left == 1


@pytest.mark.django_db(transaction=True)
def test_six_members_racing_for_a_team_of_three_fill_exactly_three(make_shift, coordinators):
    shift = make_shift(capacity=5)
    team = services.team_signup(shift=shift, actor=coordinators[0], places=3)
    emails = iter(f"m{n}@company.example" for n in range(6))

    def join():
        return services.team_join(
            team=Team.objects.get(pk=team.pk), name="成员", email=next(emails), accepted=True
        )

    results = _race(6, join)
    assert len([r for r in results if isinstance(r, SignUp)]) == 3
    assert all("All 3 places" in " ".join(r.messages) for r in results if isinstance(r, Exception))
    assert SignUp.objects.filter(team=team, status="confirmed").count() == 3
    assert WaiverAcceptance.objects.filter(team=team).count() == 3
    assert Shift.objects.with_places().get(pk=shift.pk).places_left == 2
