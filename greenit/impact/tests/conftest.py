"""Fixtures for the impact tests: the hand-worked donation of the issue."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from greenit.assets.models import Asset, State
from greenit.collection.models import BoxEmptying, BoxEmptyingWeight, CollectionBox
from greenit.donations.services import ItemInput

WHEN = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def set_state(assets, state: str, when: datetime = WHEN) -> None:
    """Put devices straight into a state (test set-up only: the lifecycle is tested in assets)."""
    Asset.objects.filter(pk__in=[a.pk for a in assets]).update(state=state, state_changed_at=when)


@pytest.fixture(autouse=True)
def _report_files_in_a_temporary_folder(settings, tmp_path):
    """Reports write a PDF, a CSV and an XLSX each: keep them out of var/media."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def impact_settings(settings):
    settings.IMPACT_REUSE_REPLACEMENT_SHARE = 0.5
    settings.IMPACT_REFURBISHMENT_KG_CO2E = 35
    return settings


@pytest.fixture
def worked_example(db, impact_settings, make_donation, make_asset, east_auto, lena):
    """10 laptops, 5 desktops, 4 LCD monitors, 1 CRT (weighed: 20.5 kg) from East Auto, and
    30 kg of cables from the collection box East Auto hosts. 10 laptops + 2 desktops reused
    (deployed); 3 desktops, 4 LCDs and the CRT recycled."""
    donation = make_donation(
        east_auto,
        items=[
            ItemInput(category="laptop", quantity=10),
            ItemInput(category="desktop", quantity=5),
            ItemInput(category="monitor_lcd", quantity=4),
            ItemInput(category="monitor_crt", quantity=1),
        ],
    )
    make = lambda category, n, **kw: [  # noqa: E731
        make_asset(donation, category=category, at=WHEN, **kw) for _ in range(n)
    ]
    laptops, desktops = make("laptop", 10), make("desktop", 5)
    lcds, crt = make("monitor_lcd", 4), make("monitor_crt", 1, weight_kg=Decimal("20.5"))
    set_state(laptops + desktops[:2], State.DEPLOYED)
    set_state(desktops[2:] + lcds + crt, State.RECYCLED)
    box = CollectionBox.objects.create(code="SH-001", host=east_auto, site="Lobby")
    emptying = BoxEmptying.objects.create(box=box, done_at=WHEN, done_by=lena)
    BoxEmptyingWeight.objects.create(emptying=emptying, category="cable", weight_kg=30)
    return {"donation": donation, "laptops": laptops, "desktops": desktops, "lcds": lcds}


DISCLOSURE_WHEN = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def disclosure_example(db, impact_settings, make_donation, make_asset, east_auto, lena):
    """The donation of test_disclosure.py's docstring (worked out by hand there)."""
    donation = make_donation(east_auto, items=[ItemInput(category="laptop", quantity=6)])

    def make(category, *weights):
        return [
            make_asset(donation, category=category, at=DISCLOSURE_WHEN, weight_kg=w)
            for w in weights
        ]

    set_state(
        make("laptop", Decimal("1.80"), Decimal("2.10"), None, None),
        State.DEPLOYED,
        DISCLOSURE_WHEN,
    )
    set_state(make("desktop", None, None, None), State.DEPLOYED, DISCLOSURE_WHEN)
    set_state(make("monitor_lcd", Decimal("4.20"), None), State.DEPLOYED, DISCLOSURE_WHEN)
    recycled = make("laptop", None, None) + make("monitor_lcd", None, None, None)
    recycled += make("monitor_crt", Decimal("18.40"), Decimal("24.00"))
    recycled += make("battery", Decimal("12.00")) + make("projector", None)
    set_state(recycled, State.RECYCLED, DISCLOSURE_WHEN)
    make("phone", None, None)  # still in the workshop
    box = CollectionBox.objects.create(code="SH-009", host=east_auto, site="Gate")
    emptying = BoxEmptying.objects.create(box=box, done_at=DISCLOSURE_WHEN, done_by=lena)
    BoxEmptyingWeight.objects.create(emptying=emptying, category="cable", weight_kg="7.25")
    BoxEmptyingWeight.objects.create(emptying=emptying, category="peripheral", weight_kg="3.50")
    return donation
