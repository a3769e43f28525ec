"""Refurbishment workflows shared by the pages and the API: record a device's test (which moves
it to tested, or on to recycling when it fails) and mark a graded device ready."""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from greenit.accounts import permissions
from greenit.assets import lifecycle
from greenit.assets.models import Asset, State
from greenit.assets.notes import SystemNote

from .models import CHECKS, Check, Grade, PartUsed, Refurbishment, SoftwareKit

# A device is tested from here; a tested device may be re-tested (the record is replaced).
TESTABLE_STATES = (State.RECEIVED, State.SANITIZED, State.TESTED)


def _validate(
    *,
    checks: Mapping[str, str],
    grade: str,
    battery_health_percent: int | None,
    ram_gb: Decimal | None,
    software_kit: SoftwareKit | None,
    parts: Sequence[Mapping],
) -> None:
    errors: dict[str, list[str]] = {}
    known = {name for name, _label in CHECKS}
    for name in sorted(set(checks) - known):
        errors.setdefault(name, []).append(
            _("“%(name)s” is not a check: use %(known)s.")
            % {"name": name, "known": ", ".join(n for n, _label in CHECKS)}
        )
    for name, label in CHECKS:
        if checks.get(name) not in Check.values:  # a check left out is not answered
            errors.setdefault(name, []).append(
                _("%(check)s: choose pass, fail or not applicable.") % {"check": label}
            )
    if grade not in Grade.values:
        errors["grade"] = [_("Choose a grade: A, B, C or fail.")]
    elif grade != Grade.FAIL and checks.get("powers_on") == Check.FAIL:
        errors["grade"] = [
            _("A device that does not power on cannot be graded %(grade)s: grade it fail.")
            % {"grade": grade}
        ]
    if battery_health_percent is not None and not 0 <= battery_health_percent <= 100:
        errors["battery_health_percent"] = [
            _("Battery health is a percentage: enter a number from 0 to 100.")
        ]
    if ram_gb is not None and not Decimal(0) < ram_gb <= Decimal(4096):
        errors["ram_gb"] = [_("RAM is in GB: enter a number such as 4 or 8.")]
    if software_kit is not None and not software_kit.is_active:
        errors["software_kit"] = [
            _("Software kit %(kit)s is no longer in use: choose a current one.")
            % {"kit": software_kit}
        ]
    for i, part in enumerate(parts):
        if not str(part.get("part", "")).strip():
            errors[f"parts[{i}].part"] = [_("Name the part used (e.g. 8 GB DDR4 memory).")]
        quantity = part.get("quantity", 1)
        if not isinstance(quantity, int) or quantity < 1:
            errors[f"parts[{i}].quantity"] = [_("The quantity is a whole number, 1 or more.")]
    if errors:
        raise ValidationError(errors)


def refurbishment_record(
    *,
    asset: Asset,
    actor,
    checks: Mapping[str, str],
    grade: str,
    battery_health_percent: int | None = None,
    ram_gb: Decimal | None = None,
    software_kit: SoftwareKit | None = None,
    parts: Sequence[Mapping] = (),
    notes: str = "",
    check_notes: Mapping[str, str] | None = None,
) -> Refurbishment:
    """Record the test of one device: the checklist, the parts used, the software kit and the
    grade, all or nothing. A sanitized device (or a received one without data storage) moves to
    tested; a device graded fail then goes on to recycling. A tested device can be re-tested."""
    permissions.require(actor, "refurbish")
    _validate(
        checks=checks,
        grade=grade,
        battery_health_percent=battery_health_percent,
        ram_gb=ram_gb,
        software_kit=software_kit,
        parts=parts,
    )
    check_notes = check_notes or {}
    with transaction.atomic():
        locked = Asset.objects.select_for_update().get(pk=asset.pk)
        if locked.state not in TESTABLE_STATES:
            raise ValidationError(
                _("%(tag)s is %(state)s: only a received, sanitized or tested device is tested.")
                % {"tag": locked.display_tag, "state": locked.get_state_display()}
            )
        values = {
            **{name: checks[name] for name, _label in CHECKS},
            **{f"{name}_note": check_notes.get(name, "").strip() for name, _label in CHECKS},
            "battery_health_percent": battery_health_percent,
            "ram_gb": ram_gb,
            "software_kit": software_kit,
            "grade": grade,
            "notes": notes.strip(),
            "technician": actor,
            "tested_at": timezone.now(),
        }
        record, _created = Refurbishment.objects.update_or_create(asset=locked, defaults=values)
        record.parts.all().delete()
        PartUsed.objects.bulk_create(
            PartUsed(
                refurbishment=record,
                part=str(p["part"]).strip(),
                quantity=p.get("quantity", 1),
                note=str(p.get("note", "")).strip(),
            )
            for p in parts
        )
        if locked.state != State.TESTED:
            lifecycle.transition(
                locked,
                State.TESTED,
                actor=actor,
                note=SystemNote.of(
                    gettext_noop("Refurbishment test: grade %(grade)s"), grade=grade
                ),
            )
        if grade == Grade.FAIL:
            failed = ", ".join(record.failed_checks) or notes.strip()
            lifecycle.transition(
                locked,
                State.RECYCLING,
                actor=actor,
                note=SystemNote.of(
                    gettext_noop("Failed the refurbishment test: %(why)s"), why=failed or "—"
                ),
            )
    asset.state, asset.state_changed_at = locked.state, locked.state_changed_at
    return record


def refurbishment_mark_ready(*, asset: Asset, actor, note: str = "") -> None:
    """Tested → ready for a classroom. The lifecycle guard (guards.py) checks the grade and,
    for a computer, the software kit."""
    lifecycle.transition(
        asset, State.READY, actor=actor, note=note or _("Refurbished and ready for a classroom")
    )


def refurbishment_record_and_mark_ready(*, asset: Asset, actor, **test) -> Refurbishment:
    """Record a device's test (`refurbishment_record`'s arguments) and mark it ready, both or
    neither: a device that may not be ready keeps no new test either."""
    with transaction.atomic():
        record = refurbishment_record(asset=asset, actor=actor, **test)
        refurbishment_mark_ready(asset=asset, actor=actor)
    return record


def software_kit_by_id(pk: int | None, *, actor) -> SoftwareKit | None:
    """The software kit a client names by id (none named: None); an unknown id is refused.
    Only those who may record tests learn whether an id exists (no oracle for others)."""
    if pk is None:
        return None
    permissions.require(actor, "refurbish")
    if kit := SoftwareKit.objects.filter(pk=pk).first():
        return kit
    raise ValidationError(
        {"software_kit_id": [_("No software kit has this id: see /api/refurbishment/kits.")]}
    )


def software_kit_save(*, actor, kit: SoftwareKit) -> SoftwareKit:
    """Add or change a software kit (technicians)."""
    permissions.require(actor, "refurbish")
    kit.full_clean()
    with transaction.atomic():
        kit.save()
    return kit
