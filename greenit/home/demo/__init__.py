"""greenit demo: a believable organisation to look around in (run by `make run`).

Donors (a car-parts maker, a bank, an insurer, a consultancy, private people), sponsors,
schools in Jiangxi and Shanghai, a recycler, one login per role, and a few hundred devices
at every stage of their life, each with a chain of custody that went through the lifecycle.
Data-bearing devices past intake have their storage media and passed sanitization records (one
drive failed its wipe and was shredded before a witness); East China Auto Parts has signed
certificates of sanitization (one of them revoked). Running it again changes nothing.

One module per part of the domain, each seeding through that app's services (and
lifecycle.transition); rows are written directly only for reference data that no service
makes, or where a module says why."""

import random

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from greenit.accounts.models import Organisation

from . import (
    classrooms,
    collection,
    donations,
    enquiries,
    impact,
    intake,
    people,
    recycling,
    refurbishment,
    sanitization,
    stages,
    support,
    volunteers,
)
from .people import ORGANISATIONS, PASSWORD, PEOPLE, VOLUNTEER_LOGIN

CERTIFIED_DEVICES = 8  # in the two donations with certificates (sanitization.certificates)


def is_loaded() -> bool:
    return Organisation.objects.filter(name=ORGANISATIONS["auto"]["name"]).exists()


def logins() -> list[tuple[str, str]]:
    """(username, who) of every demo login, as the command prints them."""
    rows = [
        (username, role.label if role else f"contact of {ORGANISATIONS[org]['name_en']}")
        for username, _first, _last, role, org in PEOPLE
    ]
    return rows + [(VOLUNTEER_LOGIN, "a volunteer (shifts and hours)")]


# The demo sends no mail: its addresses are made up (example.org).
@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
def load(device_count: int, *, stdout) -> None:
    """Load everything in one transaction, in the order the work happens."""
    with transaction.atomic():
        rng = random.Random(2026)
        now = timezone.now()
        orgs = people.organisations_make()
        cast = people.people_make(orgs)
        if device_count >= 40:
            device_count -= CERTIFIED_DEVICES
        # Offers, pickups and boxes first, so the newest donations are the ones with devices.
        donations.offers_and_pickups(orgs, cast)
        collection.collection_boxes(orgs, cast["li.logistics"])
        kit = refurbishment.kits()
        enquiries.enquiries(cast)
        stages.devices_at_every_stage(orgs, cast, count=device_count, kit=kit, rng=rng, now=now)
        sanitization.certificates(orgs["auto"], cast, now=now, rng=rng, kit=kit, stdout=stdout)
        intake.asset_list(orgs, cast)
        recycling.recyclers(orgs)
        recycling.batches(orgs, cast)
        recycling.downstream_chain(orgs, cast)
        donations.receipts(orgs, cast)
        approved = classrooms.applications(orgs, cast)
        classrooms.earlier_classrooms(orgs, cast, kit=kit)
        classrooms.projects(orgs, cast, approved=approved, kit=kit)
        support.tickets(cast, kit=kit)  # after the classrooms: tickets of the opened one
        support.inventory_checks(cast)
        volunteers.volunteers(orgs, cast)
        impact.impact_reports(orgs, cast)  # after everything it reports on


__all__ = ["PASSWORD", "is_loaded", "load", "logins"]
