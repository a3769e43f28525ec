"""Recycling: recyclers with a valid and an expired licence, a closed batch (shipped, with its
weight ticket and certificate) and an open one, made of the devices waiting for recycling."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from greenit.accounts.models import Organisation
from greenit.assets.models import Asset, State
from greenit.core import files
from greenit.impact import mass_balance
from greenit.recycling import services as recycling_services
from greenit.recycling.models import RecyclerLicence, RecyclingBatch, RecyclingBatchItem

PDF = files.blank_pdf()


def recyclers(orgs) -> None:
    """Licences are reference data kept in the admin (no service); the lapsed recycler is a
    second organisation with an expired one."""
    today = timezone.localdate()
    lapsed = Organisation.objects.create(
        name="旧城电子废物处理厂", name_en="Old Town E-waste Works", is_recycler=True
    )
    for org, number, expires in (
        (orgs["recycler"], "沪环危证 3101200123", today + timedelta(days=400)),
        (lapsed, "沪环危证 3101000999", today - timedelta(days=30)),
    ):
        RecyclerLicence.objects.create(
            organisation=org,
            kind=RecyclerLicence.Kind.WEEE,
            number=number,
            issuer="上海市生态环境局",
            valid_from=expires - timedelta(days=5 * 365),
            expires_on=expires,
        )


def batches(orgs, people) -> None:
    tech = people["wang.tech"]
    today = timezone.localdate()
    earlier_batch(orgs, tech)
    in_recycling = list(
        Asset.objects.filter(state=State.RECYCLING).order_by("pk").values_list("tag", flat=True)
    )
    closed = recycling_services.batch_create(recycler=orgs["recycler"], actor=tech)
    for tag in in_recycling[: len(in_recycling) // 2]:
        recycling_services.batch_add_device(batch=closed, code=tag, actor=tech)
    recycling_services.batch_set_loose_weight(
        batch=closed, category="cable", weight_kg=Decimal("38.5"), actor=tech
    )
    recycling_services.batch_ship(
        batch=closed,
        shipped_on=today - timedelta(days=20),
        transporter="顺达物流 Shunda Logistics",
        vehicle="沪A·D1234",
        weight_ticket=ContentFile(PDF, name="weight-ticket.pdf"),
        # the weighbridge agrees with the records (to 0.1 kg): the mass balance closes
        weight_ticket_kg=mass_balance.batch_recorded_kg(closed).quantize(Decimal("0.1")),
        bill_of_lading="BL-2026-0301",
        actor=tech,
    )
    recycling_services.batch_close(
        batch=closed,
        certificate=ContentFile(PDF, name="certificate.pdf"),
        certificate_number="GC-2026-0118",
        actor=tech,
    )
    open_batch = recycling_services.batch_create(recycler=orgs["recycler"], actor=tech)
    for tag in in_recycling[len(in_recycling) // 2 :]:
        recycling_services.batch_add_device(batch=open_batch, code=tag, actor=tech)
    recycling_services.batch_set_loose_weight(
        batch=open_batch, category="peripheral", weight_kg=Decimal("7.2"), actor=tech
    )


def earlier_batch(orgs, tech) -> None:
    """The devices the demo walked to *recycled* went in an earlier batch (the stage note's
    "weight ticket 2026-118"): recorded after the fact, as an import of old paperwork would,
    so that every recycled device has its batch and the mass balance closes."""
    recycled = list(Asset.objects.filter(state=State.RECYCLED).order_by("pk"))
    if not recycled:
        return
    batch = recycling_services.batch_create(recycler=orgs["recycler"], actor=tech)
    RecyclingBatchItem.objects.bulk_create(
        RecyclingBatchItem(batch=batch, asset=a, added_at=a.state_changed_at) for a in recycled
    )
    last = max(a.state_changed_at for a in recycled)
    RecyclingBatch.objects.filter(pk=batch.pk).update(
        status=RecyclingBatch.Status.CLOSED,
        shipped_on=timezone.localdate(last),
        transporter="顺达物流 Shunda Logistics",
        weight_ticket_kg=mass_balance.batch_recorded_kg(batch).quantize(Decimal("0.1")),
        certificate_number="GC-2025-0907",
        closed_at=last,
        closed_by=tech,
        notes="Weight ticket 2026-118",
    )


def downstream_chain(orgs, people) -> None:
    """The recycler's CRT-glass stream to a smelter (its licence expired: flagged), and a
    battery stream whose last vendor is not yet named (a problem the report shows)."""
    from greenit.recycling import downstream

    tech = people["wang.tech"]
    today = timezone.localdate()
    crt = downstream.stream_record(
        actor=tech, recycler=orgs["recycler"], name="CRT 玻璃 CRT glass", focus_material="crt"
    )
    batteries = downstream.stream_record(
        actor=tech,
        recycler=orgs["recycler"],
        name="锂电池 Lithium batteries",
        focus_material="batteries",
    )
    sorter = downstream.vendor_record(actor=tech, name="华东玻璃分拣 East Glass Sorting")
    smelter = downstream.vendor_record(actor=tech, name="江西铅冶炼厂 Jiangxi Lead Smelter")
    for vendor, number, days in (
        (sorter, "沪环危证 3101300456", 300),
        (smelter, "赣环危证 3601000789", -10),
    ):
        downstream.vendor_licence_record(
            actor=tech,
            vendor=vendor,
            kind="hw_permit",
            number=number,
            issuer="生态环境局",
            valid_until=today + timedelta(days=days),
        )
    downstream.tier_record(actor=tech, stream=crt, tier=2, vendor=sorter, process="分拣 sorting")
    downstream.tier_record(
        actor=tech,
        stream=crt,
        tier=3,
        vendor=smelter,
        process="铅玻璃冶炼 lead-glass smelting",
        final_disposition="material_recovery",
    )
    downstream.tier_record(
        actor=tech, stream=batteries, tier=2, vendor=sorter, process="拆解 dismantling"
    )
    downstream.shipment_record(
        actor=tech,
        stream=crt,
        shipped_on=today - timedelta(days=5),
        weight_kg=Decimal("420"),
        bill_of_lading="转移联单 3101-2026-0042",
    )
