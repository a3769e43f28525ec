"""Downstream due diligence: a recycler's streams, the vendors at each tier with their
licences (an expired one flagged), shipments with their bills of lading, and the report of
every stream's flow to its final disposition (page and CSV)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from greenit.accounts.models import Organisation
from greenit.recycling import downstream
from greenit.recycling.models import FocusMaterial, StreamShipment

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def crt_stream(alice):
    """A CRT-glass stream: tier 2 dismantles (licence valid), tier 3 smelts (licence expired)."""
    recycler = Organisation.objects.create(name="绿循环", is_recycler=True)
    stream = downstream.stream_record(
        actor=alice, recycler=recycler, name="CRT glass", focus_material=FocusMaterial.CRT
    )
    sorter = downstream.vendor_record(actor=alice, name="华东玻璃分拣")
    smelter = downstream.vendor_record(actor=alice, name="江西铅冶炼厂")
    downstream.vendor_licence_record(
        actor=alice,
        vendor=sorter,
        kind="hw_permit",
        number="HW-31-001",
        issuer="上海市生态环境局",
        valid_until=TODAY + timedelta(days=300),
    )
    downstream.vendor_licence_record(
        actor=alice,
        vendor=smelter,
        kind="hw_permit",
        number="HW-36-009",
        issuer="江西省生态环境厅",
        valid_until=TODAY - timedelta(days=1),
    )
    downstream.tier_record(actor=alice, stream=stream, tier=2, vendor=sorter, process="分拣")
    downstream.tier_record(
        actor=alice,
        stream=stream,
        tier=3,
        vendor=smelter,
        process="铅玻璃冶炼",
        final_disposition="material_recovery",
    )
    for kg in ("400", "250.5"):
        downstream.shipment_record(
            actor=alice,
            stream=stream,
            shipped_on=TODAY,
            weight_kg=Decimal(kg),
            bill_of_lading=f"BOL-{kg}",
        )
    return stream


def test_the_flow_reaches_its_final_disposition_and_flags_the_expired_licence(crt_stream, alice):
    (flow,) = downstream.flow_report(user=alice)
    assert [t.tier for t in flow.tiers] == [2, 3]
    assert flow.final.vendor.name == "江西铅冶炼厂"
    assert flow.shipped_kg == Decimal("650.50") and flow.shipments == 2
    assert flow.problems == ["Tier 3 (江西铅冶炼厂): every licence has expired."]


def test_a_chain_without_an_end_or_with_a_gap_is_named(alice):
    recycler = Organisation.objects.create(name="R", is_recycler=True)
    stream = downstream.stream_record(actor=alice, recycler=recycler, name="Batteries")
    vendor = downstream.vendor_record(actor=alice, name="V")
    downstream.tier_record(actor=alice, stream=stream, tier=3, vendor=vendor, process="x")
    (flow,) = downstream.flow_report(user=alice)
    assert "The tiers have a gap: name a vendor at every tier from 2." in flow.problems
    assert "No final disposition: the last vendor named passes it on." in flow.problems
    assert "Tier 3 (V) has no licence recorded." in flow.problems


def test_the_period_limits_the_shipments_counted(crt_stream, alice):
    (flow,) = downstream.flow_report(user=alice, start=TODAY + timedelta(days=1))
    assert flow.shipped_kg == 0 and flow.shipments == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"weight_kg": Decimal("0")}, "weight_kg"),
        ({"bill_of_lading": "  "}, "bill_of_lading"),
        ({"shipped_on": TODAY + timedelta(days=1)}, "shipped_on"),
    ],
)
def test_a_bad_shipment_is_named_and_not_recorded(crt_stream, alice, fields, field):
    good = {"shipped_on": TODAY, "weight_kg": Decimal("1"), "bill_of_lading": "B"}
    with pytest.raises(ValidationError) as refused:
        downstream.shipment_record(actor=alice, stream=crt_stream, **(good | fields))
    assert field in refused.value.message_dict
    assert StreamShipment.objects.count() == 2


def test_tier_one_is_the_recycler_and_a_tier_is_named_once(crt_stream, alice):
    vendor = crt_stream.tiers.first().vendor
    for tier in (1, 2):
        with pytest.raises(ValidationError) as refused:
            downstream.tier_record(
                actor=alice, stream=crt_stream, tier=tier, vendor=vendor, process="x"
            )
        assert "tier" in refused.value.message_dict


def test_a_duplicate_vendor_is_refused_by_name(crt_stream, alice):
    with pytest.raises(ValidationError) as refused:
        downstream.vendor_record(actor=alice, name="江西铅冶炼厂")
    assert "name" in refused.value.message_dict


def test_only_technicians_record(lena):
    with pytest.raises(PermissionDenied):
        downstream.vendor_record(actor=lena, name="V")


def test_the_page_and_the_csv(crt_stream, alice, client):
    client.force_login(alice)
    page = client.get(reverse("recycling:downstream"))
    assert page.status_code == 200
    assert "江西铅冶炼厂" in page.text and "expired" in page.text
    response = client.get(reverse("recycling:downstream_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == downstream.CSV_HEADER
    assert [r[3] for r in rows[1:]] == ["2", "3"]
    assert rows[2][8] == "yes" and rows[2][9] == "material_recovery"


def test_the_page_records_a_vendor_and_names_a_bad_field(alice, client):
    client.force_login(alice)
    url = reverse("recycling:downstream")
    client.post(url, {"form": "vendor", "vendor-name": "新厂", "vendor-country": "中国"})
    bad = client.post(url, {"form": "vendor", "vendor-name": "", "vendor-country": "中国"})
    assert bad.status_code == 200 and "name" in bad.context["forms"]["vendor"].errors


def test_a_hostile_name_cannot_run_in_a_spreadsheet(alice, client):
    recycler = Organisation.objects.create(name="R", is_recycler=True)
    downstream.stream_record(actor=alice, recycler=recycler, name="=HYPERLINK(1)")
    client.force_login(alice)
    text = client.get(reverse("recycling:downstream_csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_each_focus_material_shows_its_streams_or_that_none_tracks_it(crt_stream, alice):
    summary = dict(downstream.focus_summary(downstream.flow_report(user=alice)))
    crt_label = FocusMaterial.CRT.label
    assert [f.stream.name for f in summary[crt_label]] == ["CRT glass"]
    assert summary[crt_label][0].final.final_disposition == "material_recovery"
    assert summary[FocusMaterial.BATTERIES.label] == []
    assert len(summary) == 5
