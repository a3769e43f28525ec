"""The issue's hand-worked example, worked out from data/factors.json (REFERENCE.md numbers).

Assumptions pinned by the fixture: replacement share 0.5, refurbishment 35 kg CO2e per device.
Rounding: sums stay exact; each kg figure is rounded once at the end to 0.01 kg (half up), the
measured share to 0.1 %.

Devices: received 10 + 5 + 4 + 1 = 20; reused 10 laptops + 2 desktops = 12; recycled
3 desktops + 4 LCD + 1 CRT = 8. The 30 kg of cables are loose weight, not devices.

kg diverted (typical weights where a device was not weighed):
  reused    laptops   10 × 1.65  = 16.50 (estimated)
            desktops   2 × 8.77  = 17.54 (estimated)
  recycled  desktops   3 × 8.77  = 26.31 (estimated)
            LCD        4 × 5.5   = 22.00 (estimated)
            CRT        weighed     20.50 (measured)
  loose     cables     box         30.00 (measured)
  measured 50.50 + estimated 82.35 = 132.85 kg; measured share 50.50 / 132.85 = 38.01… → 38.0 %

CO2e avoided by reuse, per device max(0, footprint × 0.5 − 35):
  laptop  236 × 0.5 − 35 = 83.0  × 10 = 830.0
  desktop 249 × 0.5 − 35 = 89.5  ×  2 = 179.0
  total 1009.00 kg

CO2e avoided by recycling, (landfill − recycling) MTCO2E/short ton × kg / 907.18474 × 1000:
  desktop (Desktop CPUs)          0.02 − (−1.49) = 1.51 × 26.31 = 39.7281
  LCD (Flat-panel Displays)       0.02 − (−0.99) = 1.01 × 22.00 = 22.2200
  CRT (CRT Displays)              0.02 − (−0.57) = 0.59 × 20.50 = 12.0950
  cables (Electronic Peripherals) 0.02 − (−0.36) = 0.38 × 30.00 = 11.4000
  sum 85.4431 × 1000 / 907.18474 = 94.18489… → 94.18 kg
Total 1009 + 94.18489… = 1103.18489… → 1103.18 kg.
"""

from datetime import date
from decimal import Decimal

from greenit.assets.models import State
from greenit.impact.calculations import Period, Scope, calculate

from .conftest import set_state


def test_the_donation_gives_exactly_the_figures_worked_out_by_hand(worked_example, east_auto):
    figures = calculate(Scope("donor", east_auto.pk))

    assert (figures.devices_received, figures.devices_reused, figures.devices_recycled) == (
        20,
        12,
        8,
    )
    assert figures.kg_measured == Decimal("50.50")
    assert figures.kg_estimated == Decimal("82.35")
    assert figures.kg_diverted == Decimal("132.85")
    assert figures.measured_share_percent == Decimal("38.0")
    assert figures.loose_kg == Decimal("30.00")
    assert figures.co2e_reuse_kg == Decimal("1009.00")
    assert figures.co2e_recycling_kg == Decimal("94.18")
    assert figures.co2e_total_kg == Decimal("1103.18")
    assert figures.factor_set_version == 1
    assert figures.devices_without_weight == 0


def test_the_organisation_sees_the_same_figures_when_it_holds_only_this_donation(worked_example):
    figures = calculate(Scope.organisation())

    assert figures.kg_diverted == Decimal("132.85")
    assert figures.co2e_total_kg == Decimal("1103.18")


def test_a_period_counts_only_what_happened_in_it(worked_example, east_auto):
    before = calculate(Scope("donor", east_auto.pk), Period(date(2025, 1, 1), date(2025, 12, 31)))
    during = calculate(Scope("donor", east_auto.pk), Period.year(2026))

    assert (before.devices_received, before.devices_reused, before.kg_diverted) == (0, 0, 0)
    assert during.co2e_total_kg == Decimal("1103.18")


def test_a_classroom_device_that_is_later_recycled_counts_once_as_recycled(
    worked_example, east_auto
):
    """Laptop 1 came back from the school and was recycled: the reuse credit (83 kg) goes, the
    recycling credit for 1.65 kg of Portable Electronic Devices comes:
    0.02 − (−1.06) = 1.08 × 1.65 = 1.782 × 1000 / 907.18474 = 1.96433… kg.
    Reuse 1009 − 83 = 926.00; recycling 94.18489… + 1.96433… = 96.14923… → 96.15;
    total 1022.14923… → 1022.15. kg diverted is unchanged (132.85): the laptop counts once."""
    set_state(worked_example["laptops"][:1], State.RECYCLED)

    figures = calculate(Scope("donor", east_auto.pk))

    assert (figures.devices_reused, figures.devices_recycled) == (11, 9)
    assert figures.co2e_reuse_kg == Decimal("926.00")
    assert figures.co2e_recycling_kg == Decimal("96.15")
    assert figures.co2e_total_kg == Decimal("1022.15")
    assert figures.kg_diverted == Decimal("132.85")


def test_a_device_back_in_the_workshop_counts_as_neither_reused_nor_recycled(
    worked_example, east_auto
):
    set_state(worked_example["laptops"][:1], State.RECEIVED)

    figures = calculate(Scope("donor", east_auto.pk))

    assert (figures.devices_received, figures.devices_reused) == (20, 11)
    assert figures.co2e_reuse_kg == Decimal("926.00")


def test_another_donor_sees_none_of_it(worked_example, pujiang_bank):
    figures = calculate(Scope("donor", pujiang_bank.pk))

    assert (figures.devices_received, figures.kg_diverted, figures.co2e_total_kg) == (0, 0, 0)


def test_a_category_without_a_typical_weight_adds_no_kilograms_and_says_so(
    worked_example, make_asset
):
    """A thin client (no typical weight, no footprint in the table) recycled unweighed."""
    thin = make_asset(worked_example["donation"], category="thin_client")
    set_state([thin], State.RECYCLED)

    figures = calculate(Scope.organisation())

    assert figures.devices_recycled == 9
    assert figures.devices_without_weight == 1
    assert figures.kg_diverted == Decimal("132.85")


def test_figures_survive_a_round_trip_through_json(worked_example):
    figures = calculate(Scope.organisation())

    again = type(figures).from_json(figures.to_json())

    assert again.co2e_total_kg == Decimal("1103.18")
    assert again.to_json() == figures.to_json()
