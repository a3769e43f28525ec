"""Several people signing up for the last places at the same moment, from separate database
connections: the shift row lock keeps the count right."""

import pytest
from django.db import connection

from conftest import _person
from greenit.assets.tests.test_concurrency import _race
from greenit.volunteers import services
from greenit.volunteers.models import Shift, SignUp

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)


@pytest.mark.django_db(transaction=True)
def test_eight_people_racing_for_three_places_never_exceed_the_capacity(make_shift):
    shift = make_shift(capacity=3)
    users = iter([_person(f"racer{n}", email=f"racer{n}@example.org") for n in range(8)])

    def sign_up():
        return services.signup_create(shift=Shift.objects.get(pk=shift.pk), user=next(users))

    results = _race(8, sign_up)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert SignUp.objects.filter(shift=shift, status="confirmed").count() == 3
    assert SignUp.objects.filter(shift=shift, status="waitlisted").count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_guests_at_once_for_the_last_place_one_holds_it(make_shift, sign_up):
    shift = make_shift(capacity=2)
    sign_up(shift)
    guests = iter([("甲", "a@example.org"), ("乙", "b@example.org")])

    def sign_up_guest():
        name, email = next(guests)
        return services.signup_create(shift=Shift.objects.get(pk=shift.pk), name=name, email=email)

    results = _race(2, sign_up_guest)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(r.holds_place for r in results) == [False, True]
    for signup in results:
        services.signup_confirm(token=services.confirm_token(signup))
    assert SignUp.objects.filter(shift=shift, status="confirmed").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_cancellation_and_a_sign_up_at_once_keep_the_count(make_shift, sign_up, make_user):
    shift = make_shift(capacity=1)
    first = sign_up(shift)
    waiting = sign_up(shift)
    newcomer = make_user()
    jobs = iter(
        [
            lambda: services.signup_cancel(signup=first),
            lambda: services.signup_create(shift=Shift.objects.get(pk=shift.pk), user=newcomer),
        ]
    )
    results = _race(2, lambda: next(jobs)())
    assert [r for r in results if isinstance(r, Exception)] == []
    confirmed = SignUp.objects.filter(shift=shift, status="confirmed")
    assert list(confirmed.values_list("pk", flat=True)) == [waiting.pk]
