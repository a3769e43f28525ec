"""GRI 306 / ESRS E5-5 datapoints worked out by hand (numbers other than issue 7's example).

East Auto's donation (typical weights of factor set 1: laptop 1.65, desktop 8.77, LCD 5.5;
projector and battery have none):

  reused (deployed), preparation for reuse
    laptops   4: weighed 1.80 + 2.10 = 3.90, two unweighed 2 × 1.65 = 3.30   →  7.20 (non-haz.)
    desktops  3: unweighed 3 × 8.77                                          → 26.31 (non-haz.)
    LCD       2: weighed 4.20, one unweighed 5.50                            →  9.70 (hazardous)
    reuse 43.21 kg, weighed 8.10
  recycled (batch confirmed), recycling
    laptops   2: 2 × 1.65                                                   →  3.30 (non-haz.)
    LCD       3: 3 × 5.5                                                    → 16.50 (hazardous)
    CRT       2: weighed 18.40 + 24.00                                      → 42.40 (hazardous)
    battery   1: weighed                                                    → 12.00 (hazardous)
    projector 1: unweighed, no typical weight     →  0 (counted as 1 device without weight)
    loose from the box East Auto hosts: cables 7.25, peripherals 3.50       → 10.75 (non-haz.)
    recycling 84.95 kg, weighed 42.40 + 12.00 + 10.75 = 65.15
  2 phones still in the workshop: no treatment yet, not counted.

  306-3-a = E5 37(a) = 43.21 + 84.95 = 128.16 kg; weighed 8.10 + 65.15 = 73.25 → 57.155… → 57.2 %
  306-4-b-i  (hazardous, reuse)       9.70, weighed 4.20 → 43.3 %
  306-4-b-ii (hazardous, recycling)   16.50 + 42.40 + 12.00 = 70.90, weighed 54.40 → 76.7 %
  306-4-c-i  (non-haz., reuse)        7.20 + 26.31 = 33.51, weighed 3.90 → 11.6 %
  306-4-c-ii (non-haz., recycling)    3.30 + 10.75 = 14.05, weighed 10.75 → 76.5 %
  306-4-d: all offsite for a donor (greenit's workshop and the recycler are not East Auto's)
  306-5 and E5 37(c): 0 (nothing directed to disposal)
  E5 37(d) non-recycled = 128.16 − 84.95 = 43.21 kg; 43.21 / 128.16 = 33.715… → 33.7 %
  E5 39 hazardous = 9.70 + 70.90 = 80.60, weighed 58.60 → 72.70… → 72.7 %
"""

from datetime import datetime
from decimal import Decimal

from greenit.impact import disclosure
from greenit.impact.calculations import Period, Scope, calculate


def _points(result) -> dict:
    return {d["id"]: d for d in result.datapoints}


def test_every_datapoint_is_the_one_worked_out_by_hand(disclosure_example, east_auto):
    result = disclosure.compute(Scope("donor", east_auto.pk))
    p = _points(result)
    want = {
        "GRI-306-3-a": ("128.16", "73.25", "57.2"),
        "GRI-306-4-a": ("128.16", "73.25", "57.2"),
        "GRI-306-4-b-i": ("9.70", "4.20", "43.3"),
        "GRI-306-4-b-ii": ("70.90", "54.40", "76.7"),
        "GRI-306-4-b-iii": ("0.00", "0.00", None),
        "GRI-306-4-c-i": ("33.51", "3.90", "11.6"),
        "GRI-306-4-c-ii": ("14.05", "10.75", "76.5"),
        "GRI-306-4-c-iii": ("0.00", "0.00", None),
        "GRI-306-4-d-b-i-offsite": ("9.70", "4.20", "43.3"),
        "GRI-306-4-d-b-i-onsite": ("0.00", "0.00", None),
        "GRI-306-4-d-c-ii-offsite": ("14.05", "10.75", "76.5"),
        "GRI-306-5-a": ("0.00", "0.00", None),
        "GRI-306-5-b-iii": ("0.00", "0.00", None),
        "ESRS-E5-37-a": ("128.16", "73.25", "57.2"),
        "ESRS-E5-37-b": ("128.16", "73.25", "57.2"),
        "ESRS-E5-37-b-i-hazardous": ("9.70", "4.20", "43.3"),
        "ESRS-E5-37-b-ii-hazardous": ("70.90", "54.40", "76.7"),
        "ESRS-E5-37-b-i-non-hazardous": ("33.51", "3.90", "11.6"),
        "ESRS-E5-37-b-ii-non-hazardous": ("14.05", "10.75", "76.5"),
        "ESRS-E5-37-c": ("0.00", "0.00", None),
        "ESRS-E5-37-c-ii-hazardous": ("0.00", "0.00", None),
        "ESRS-E5-37-d": ("43.21", "8.10", "18.7"),
        "ESRS-E5-39-hazardous": ("80.60", "58.60", "72.7"),
        "ESRS-E5-39-radioactive": ("0.00", "0.00", None),
    }
    for key, (value, weighed, share) in want.items():
        got = p[key]
        assert (got["value"], got["kg_weighed"], got["weighed_share_percent"]) == (
            Decimal(value),
            Decimal(weighed),
            None if share is None else Decimal(share),
        ), key
    assert p["ESRS-E5-37-d-percent"]["value"] == Decimal("33.7")
    assert p["ESRS-E5-37-d-percent"]["unit"] == "%"
    assert result.devices_without_weight == 1
    # the same kilograms as the impact figures' kg diverted
    assert calculate(Scope("donor", east_auto.pk)).kg_diverted == Decimal("128.16")


def test_hazardous_and_non_hazardous_add_up_and_each_category_is_classed(
    disclosure_example, east_auto
):
    result = disclosure.compute(Scope("donor", east_auto.pk))
    p = _points(result)
    assert (
        p["GRI-306-4-b-i"]["value"]
        + p["GRI-306-4-b-ii"]["value"]
        + p["GRI-306-4-c-i"]["value"]
        + p["GRI-306-4-c-ii"]["value"]
        == p["GRI-306-4-a"]["value"]
    )
    rows = {r["category"]: r for r in result.composition}
    assert rows["monitor_crt"]["hazardous"] and rows["monitor_crt"]["weee_category"] == "2"
    assert rows["monitor_crt"]["kg"] == Decimal("42.40")
    assert rows["battery"]["weee_category"] == "" and rows["battery"]["hazardous"]
    assert rows["laptop"]["china_catalogue_zh"].startswith("微型计算机")
    assert rows["cable"]["china_catalogue_en"] == "not in the catalogue"
    assert not rows["desktop"]["hazardous"] and rows["desktop"]["reuse_kg"] == Decimal("26.31")


def test_every_category_has_a_waste_class():
    from greenit.core import categories

    classes = disclosure.waste_classes()["categories"]
    assert set(categories.all_categories()) <= set(classes)


def test_for_the_organisation_reuse_is_onsite(disclosure_example):
    p = _points(disclosure.compute(Scope.organisation()))
    assert p["GRI-306-4-d-b-i-onsite"]["value"] == Decimal("9.70")
    assert p["GRI-306-4-d-b-i-offsite"]["value"] == Decimal("0.00")
    assert p["GRI-306-4-d-b-ii-offsite"]["value"] == Decimal("70.90")


def test_a_period_before_anything_happened_is_all_zero(disclosure_example, east_auto):
    result = disclosure.compute(
        Scope("donor", east_auto.pk),
        Period(datetime(2025, 1, 1).date(), datetime(2025, 12, 31).date()),
    )
    assert all(not d["value"] for d in result.datapoints)


def test_the_files_carry_the_datapoint_identifiers(disclosure_example, east_auto):
    data = disclosure.compute(Scope("donor", east_auto.pk)).to_json()
    rows = list(disclosure.rows(data))
    assert rows[0][0] == "datapoint_id"
    assert ["GRI-306-3-a", "GRI 306: Waste 2020", "Disclosure 306-3-a"] == rows[1][:3]
    assert any(r[0] == "ESRS-E5-37-d-percent" and r[5] == "33.7" for r in rows)
