"""Recycling: recyclers with a valid and an expired licence, a closed batch (shipped, with its
weight ticket and certificate) and an open one, made of the devices waiting for recycling."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from greenit.accounts.models import Organisation
from greenit.assets.models import Asset, State
from greenit.core import files
from greenit.recycling import services as recycling_services
from greenit.recycling.models import RecyclerLicence

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
        weight_ticket_kg=Decimal("61.2"),
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
