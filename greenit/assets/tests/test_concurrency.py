"""Two people acting on the same device at the same moment, from two database connections."""

import threading

import pytest
from django.db import connection, connections

from greenit.assets import lifecycle, services
from greenit.assets.models import Asset, CustodyEvent, State

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)


def _race(workers: int, action) -> list:
    """Run `action` in `workers` threads released at once; collect results or exceptions."""
    barrier = threading.Barrier(workers)
    results: list = []

    def run():
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:  # noqa: BLE001 -- the test inspects what each worker got
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_scans_of_one_serial_at_once_make_one_device(donation, alice):
    results = _race(
        4,
        lambda: services.intake_scan(
            donation=donation, serial="RACE-1", category="laptop", actor=alice
        ),
    )
    assert [type(r) for r in results if isinstance(r, Exception)] == []
    assert sorted(r.created for r in results) == [False, False, False, True]
    assert Asset.objects.filter(donation=donation, serial="RACE-1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_moving_one_device_at_once_make_one_move(laptop, alice):
    results = _race(
        2, lambda: lifecycle.transition(Asset.objects.get(pk=laptop.pk), "sanitized", actor=alice)
    )
    refused = [r for r in results if isinstance(r, lifecycle.TransitionRefused)]
    assert len(refused) == 1
    assert CustodyEvent.objects.filter(asset=laptop, to_state=State.SANITIZED).count() == 1
