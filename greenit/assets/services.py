"""Workflows over assets that more than one face (pages, API, import) use."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from greenit.accounts import permissions
from greenit.core import categories
from greenit.donations.models import Donation

from . import catalogue, lifecycle
from .models import Asset, State
from .notes import SystemNote

# What a person may correct on a device; its state and place change through the lifecycle.
DETAILS = ("category", "make", "model", "serial", "specs", "weight_kg", "condition")


def asset_update(*, asset: Asset, actor, **details) -> Asset:
    """Correct a device's details (logistics staff and technicians)."""
    permissions.require(actor, "edit_devices")
    if extra := set(details) - set(DETAILS):
        raise TypeError(f"asset_update() does not set {sorted(extra)}")
    for name, value in details.items():
        setattr(asset, name, value)
    if {"make", "model"} & set(details):
        asset.make, asset.model = catalogue.normalise(asset.make, asset.model)
        details = {**details, "make": asset.make, "model": asset.model}
    asset.full_clean()
    with transaction.atomic():
        asset.save(update_fields=list(details))
        catalogue.remember([(asset.make, asset.model)])
    return asset


@dataclass
class IntakeResult:
    asset: Asset
    created: bool
    message: str


def intake_scan(
    *,
    donation: Donation,
    serial: str,
    category: str,
    actor,
    make: str = "",
    model: str = "",
    location: str = "",
) -> IntakeResult:
    """Record one device scanned in at intake. The same serial scanned again for the same
    donation is the same device: nothing is created and the result says so. A device the
    donor listed in advance (expected) is received instead of created."""
    permissions.require(actor, "record_intake")
    serial = serial.strip()
    categories.validate_accepted(category)
    if len(serial) > 100:
        raise ValidationError({"serial": _("A serial number has at most 100 characters.")})
    if donation.status == Donation.Status.OFFERED:
        raise ValidationError(
            {
                "donation": _(
                    "Donation %(ref)s is an offer nobody has accepted yet: accept it first "
                    "(the donor is told by e-mail), then scan its devices."
                )
                % {"ref": donation.reference}
            }
        )
    if donation.status in (Donation.Status.DECLINED, Donation.Status.CLOSED):
        raise ValidationError(
            {
                "donation": _("Donation %(ref)s is %(status)s: reopen it before intake.")
                % {"ref": donation.reference, "status": donation.get_status_display()}
            }
        )
    # A serial scanned before is found by the database's uniqueness rule on (donation,
    # serial) rather than looked up first: most scans are new devices, and this is the
    # busiest screen (one query less for each).
    names = catalogue.Catalogue()
    make, model = names.normalise(make, model)
    try:
        with transaction.atomic():
            catalogue.remember(names.unrecorded([(make, model)]))
            asset = lifecycle.enter(
                state=State.RECEIVED,
                actor=actor,
                location=location,
                note=SystemNote.of(gettext_noop("Scanned in at intake")),
                donation=donation,
                category=category,
                serial=serial,
                make=make,
                model=model,
            )
            if donation.status in (Donation.Status.ACCEPTED, Donation.Status.COLLECTED):
                Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.RECEIVED)
    except IntegrityError:
        # Scanned before (or by another scan just now): that one is the device.
        existing = serial and Asset.objects.filter(donation=donation, serial=serial).first()
        if not existing:
            raise
        return _already_known(existing, actor=actor, location=location)
    return IntakeResult(
        asset=asset,
        created=True,
        message=_("Recorded %(tag)s: %(category)s, serial %(serial)s.")
        % {
            "tag": asset.display_tag,
            "category": asset.category_label,
            "serial": serial or _("none"),
        },
    )


def _already_known(asset: Asset, *, actor, location: str) -> IntakeResult:
    if asset.state == State.EXPECTED:
        lifecycle.transition(
            asset,
            State.RECEIVED,
            actor=actor,
            location=location,
            note=SystemNote.of(gettext_noop("Scanned in at intake")),
        )
        return IntakeResult(
            asset=asset,
            created=False,
            message=_("Received %(tag)s, serial %(serial)s, from the donor's list.")
            % {"tag": asset.display_tag, "serial": asset.serial},
        )
    return IntakeResult(
        asset=asset,
        created=False,
        message=_(
            "Serial %(serial)s is already recorded for this donation as %(tag)s. "
            "Nothing was created."
        )
        % {"serial": asset.serial, "tag": asset.display_tag},
    )
