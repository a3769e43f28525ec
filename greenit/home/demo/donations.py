"""Donations and pickups: public offers waiting for a decision, accepted ones with pickups,
one collected with differences, and the received donations the demo's devices came in."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from greenit.donations import services as donation_services
from greenit.donations.models import Donation

item = donation_services.ItemInput


def received_donation(*, received_on: datetime, **fields) -> Donation:
    """A donation recorded by staff (through the service), then dated back to when it came
    in: the demo's history is months long, the service records today."""
    donation = donation_services.donation_create(**fields)
    Donation.objects.filter(pk=donation.pk).update(
        created_at=received_on, status=Donation.Status.RECEIVED
    )
    return donation


def offers_and_pickups(orgs, people) -> None:
    """Public offers waiting for a decision, accepted ones with pickups scheduled, and one
    pickup collected with fewer laptops than offered and a printer nobody mentioned."""
    today = timezone.localdate()
    _public_offers(today)
    _pickups(people, today)
    # Accepted on the phone, pickup not yet arranged: the newest donation.
    donation_services.donation_create(
        actor=people["li.logistics"],
        items=[item("laptop", 5), item("printer", 1)],
        donor_organisation=orgs["insurer"],
        contact_name="钱芳",
        contact_phone="13700002222",
        status=Donation.Status.ACCEPTED,
        preferred_from=today + timedelta(days=3),
        **{k: getattr(orgs["insurer"], k) for k in ("province", "city", "district", "street")},
    )


def _public_offers(today) -> None:
    public = [
        ("Ms. Emily Carter", "emily.carter@example.org", [item("laptop", 2)]),
        (
            "徐汇区某设计工作室",
            "studio@example.org",
            [item("desktop", 6), item("monitor_lcd", 6)],
        ),
        ("周女士", "", [item("phone", 3), item("tablet", 1)]),
    ]
    for name, email, items in public:
        donation_services.donation_create(
            actor=AnonymousUser(),
            items=items,
            source=Donation.Source.PUBLIC,
            consent=True,
            donor_name=name,
            contact_name=name,
            contact_email=email,
            contact_phone="13912345678",
            province="上海市",
            city="上海市",
            district="徐汇区",
            street="漕溪北路 201 弄 5 号",
            preferred_from=today + timedelta(days=7),
            preferred_to=today + timedelta(days=14),
        )


def _pickups(people, today) -> None:
    logistics = people["li.logistics"]
    plans = [
        (people["zhao.donor"], [item("laptop", 12), item("monitor_lcd", 4)], 0, time(9)),
        (people["sun.bank"], [item("desktop", 8), item("network", 2)], 0, time(14)),
        (people["zhao.donor"], [item("laptop", 10), item("cable", 20)], -3, time(10)),
    ]
    for contact, items, days, start in plans:
        offer = donation_services.donation_create(
            actor=contact,
            items=items,
            contact_name=contact.get_full_name(),
            contact_phone="13800001111",
            **{k: getattr(contact.organisation, k) for k in ("province", "city", "district")},
            street=contact.organisation.street,
        )
        donation_services.donation_accept(donation=offer, actor=logistics)
        pickup = donation_services.pickup_schedule(
            donation=offer,
            actor=logistics,
            date=today + timedelta(days=days),
            window_start=start,
            window_end=time(start.hour + 2),
            driver=logistics,
            vehicle="沪A·D2618",
        )
        if days < 0:
            donation_services.pickup_record_collection(
                pickup=pickup,
                actor=logistics,
                collected={"laptop": 9, "cable": 20, "printer": 1},
                handed_over_by="赵磊",
                weight_kg=Decimal("31.5"),
                notes="One laptop kept back by the donor; a printer added on the spot.",
            )


def receipts(orgs, people) -> None:
    """East Auto's newest received donation gets an issued receipt (its value declared), the
    one before a draft; the receipts list then offers the year's PDF for East Auto."""
    from greenit.donations import receipts as donation_receipts

    clerk = people["li.logistics"]
    received = Donation.objects.filter(
        donor_organisation=orgs["auto"], status=Donation.Status.RECEIVED, items__isnull=False
    ).distinct()[:2]
    for n, donation in enumerate(received):
        draft = donation_receipts.receipt_draft(donation=donation, actor=clerk)
        if n == 0:
            lines = [
                donation_receipts.LineInput(
                    quantity=line["quantity"], specification="二手 used", value="800"
                )
                for line in draft.lines
            ]
            draft = donation_receipts.receipt_update(
                receipt=draft,
                actor=clerk,
                donor=draft.donor,
                project="绿色电脑教室 Green IT classrooms",
                lines=lines,
            )
            donation_receipts.receipt_issue(receipt=draft, actor=clerk)
