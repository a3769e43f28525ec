"""Support workflows shared by the pages and the API: a school contact files a ticket about a
deployed device of its classroom; staff resolve it by advice, repair or swap. Each writes in one
transaction; the school contact is e-mailed after the commit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from greenit.accounts import permissions
from greenit.assets import lifecycle
from greenit.assets.models import Asset, State
from greenit.assets.notes import SystemNote
from greenit.classrooms import services as classroom_services
from greenit.classrooms.models import Allocation, InventoryCheck, InventoryCheckLine
from greenit.core.images import clean_photo
from greenit.core.mail import send_in_language
from greenit.refurbishment.rules import COMPUTER_CATEGORIES

from .models import Ticket, TicketPhoto

MAX_PHOTOS = 5
SWAP_STEPS = (
    (State.DEPLOYED, State.RECEIVED),
    (State.READY, State.ALLOCATED),
    (State.ALLOCATED, State.DEPLOYED),
)


def is_school_contact(user) -> bool:
    return bool(
        user.is_authenticated
        and not user.is_staff_member
        and user.organisation_id
        and user.organisation.is_school
    )


def support_require_school(user) -> None:
    """Support pages are for the contacts of schools with a classroom (staff have the queue)."""
    if not is_school_contact(user):
        raise PermissionDenied(_("Support is for schools with a Green IT Classroom."))


def ticket_file_require(actor) -> None:
    """Refuse anyone but a school's contact: only they file tickets."""
    if not is_school_contact(actor):
        raise PermissionDenied(_("Only a school's contact files support tickets."))


def school_devices(user):
    """The deployed devices of this school contact's classrooms (nothing for anyone else)."""
    if not is_school_contact(user):
        return Asset.objects.none()
    return Asset.objects.filter(
        state=State.DEPLOYED,
        allocations__released_at__isnull=True,
        allocations__project__school_id=user.organisation_id,
    )


def interchangeable(a: str, b: str) -> bool:
    """A computer replaces a computer (a laptop for a desktop is fine in a classroom); any other
    device a device of the same category."""
    return a == b or (a in COMPUTER_CATEGORIES and b in COMPUTER_CATEGORIES)


def ticket_file(
    *, actor, asset: Asset, symptom: str, photos: list | None = None, confirm: bool = True
) -> Ticket:
    """A school contact reports a problem with a deployed device of its own classroom, and is
    e-mailed its number (`confirm`; an inventory check lists the tickets it opened on its own
    page instead)."""
    ticket_file_require(actor)
    photos = photos or []
    errors: dict[str, list[str]] = {}
    if not symptom.strip():
        errors["symptom"] = [_("Describe what is wrong: what the device does or does not do.")]
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("Send at most %(n)s photos.") % {"n": MAX_PHOTOS}]
    cleaned = []
    for upload in photos[:MAX_PHOTOS]:
        try:
            cleaned.append(clean_photo(upload))
        except ValidationError as error:
            errors.setdefault("photos", []).extend(error.messages)
    allocation = (
        Allocation.objects.active()
        .filter(asset=asset, project__school_id=actor.organisation_id, asset__state=State.DEPLOYED)
        .select_related("project")
        .first()
    )
    if allocation is None:
        errors["asset"] = [
            _(
                "Device %(tag)s is not a deployed device of your classroom: "
                "choose one from the list."
            )
            % {"tag": asset.display_tag}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ticket = Ticket.objects.create(
            project=allocation.project,
            asset=asset,
            symptom=symptom.strip(),
            reported_by=actor,
            language=get_language() or "en",
        )
        TicketPhoto.objects.bulk_create(TicketPhoto(ticket=ticket, image=f) for f in cleaned)
        if confirm:
            transaction.on_commit(lambda: notify_filed(ticket))
    return ticket


def notify_filed(ticket: Ticket) -> bool:
    """E-mail the school contact that the ticket is filed, with its number and page."""
    return send_in_language(
        to=ticket.reported_by.email,
        language=ticket.language,
        subject=lambda: _("Support ticket %(n)s is filed") % {"n": ticket.number},
        template="support/email/filed.txt",
        context={"ticket": ticket},
    )


def _locked_open(ticket: Ticket) -> Ticket:
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.status != Ticket.Status.OPEN:
        raise ValidationError(_("This ticket is already resolved."))
    return locked


def _check_swap_roles(actor) -> None:
    for source, target in SWAP_STEPS:
        t = lifecycle.find(source, target)
        if not permissions.may(actor, t.action):
            raise PermissionDenied(
                _(
                    "A swap takes the old device back and delivers a ready one; your role may "
                    "not do this step: %(label)s. Ask an administrator, or someone with that role."
                )
                % {"label": t.label}
            )


def ticket_swap_check(*, actor, resolution: str) -> None:
    """A page's check before it resolves: a swap this person's roles may not make is refused as
    a ValidationError, so the page says why beside the form instead of refusing the page
    (advice and repair stay open to them)."""
    if resolution == Ticket.Resolution.SWAP:
        try:
            _check_swap_roles(actor)
        except PermissionDenied as refused:
            raise ValidationError(" ".join(map(str, refused.args))) from None


def ticket_resolve(
    *,
    ticket: Ticket,
    actor,
    resolution: str,
    answer: str = "",
    parts: str = "",
    replacement_code: str = "",
) -> Ticket:
    """Resolve an open ticket. Advice needs the advice; a repair its notes (and the parts);
    a swap the tag of a ready device of the same kind: the old device comes back through
    custody (deployed → received) and the new one is allocated to the same classroom and
    deployed, all in one transaction."""
    permissions.require(actor, "resolve_tickets")
    if resolution not in Ticket.Resolution.values:
        raise ValidationError({"resolution": [_("Choose advice, repair or swap.")]})
    answer, parts, replacement_code = answer.strip(), parts.strip(), replacement_code.strip()
    if resolution == Ticket.Resolution.ADVICE and not answer:
        raise ValidationError({"answer": [_("Write the advice the school should follow.")]})
    if resolution == Ticket.Resolution.REPAIR and not answer:
        raise ValidationError({"answer": [_("Write what was repaired.")]})
    if len(parts) > 300:
        raise ValidationError({"parts": [_("List the parts in at most 300 characters.")]})
    if resolution == Ticket.Resolution.SWAP:
        _check_swap_roles(actor)
        if not replacement_code:
            raise ValidationError(
                {"replacement": [_("Scan or type the asset tag of the replacement device.")]}
            )
    with transaction.atomic():
        ticket = _locked_open(ticket)
        if resolution == Ticket.Resolution.SWAP:
            ticket.replacement = _swap(ticket, actor=actor, code=replacement_code, note=answer)
        ticket.status = Ticket.Status.RESOLVED
        ticket.resolution = resolution
        ticket.answer = answer
        ticket.parts = parts
        ticket.resolved_by = actor
        ticket.resolved_at = timezone.now()
        ticket.save(
            update_fields=[
                "status",
                "resolution",
                "answer",
                "parts",
                "replacement",
                "resolved_by",
                "resolved_at",
            ]
        )
    notify_resolved(ticket)
    return ticket


def _swap(ticket: Ticket, *, actor, code: str, note: str) -> Asset:
    project = ticket.project
    found = list(Asset.objects.find(code).select_for_update()[:2])
    if len(found) != 1:
        raise ValidationError(
            {"replacement": [_("%(code)s: no single device has this tag.") % {"code": code}]}
        )
    replacement = found[0]
    if replacement.state != State.READY:
        raise ValidationError(
            {
                "replacement": [
                    _("%(tag)s is %(state)s: choose a device that is ready for a classroom.")
                    % {"tag": replacement.display_tag, "state": replacement.state_label}
                ]
            }
        )
    if not interchangeable(replacement.category, ticket.asset.category):
        raise ValidationError(
            {
                "replacement": [
                    _(
                        "%(tag)s is a %(new)s: replace a %(old)s with a device of the same "
                        "kind (a computer with a computer)."
                    )
                    % {
                        "tag": replacement.display_tag,
                        "new": replacement.category_label,
                        "old": ticket.asset.category_label,
                    }
                ]
            }
        )
    old = (
        Allocation.objects.active()
        .select_for_update()
        .filter(asset=ticket.asset, project=project)
        .first()
    )
    if old is None or ticket.asset.state != State.DEPLOYED:
        raise ValidationError(
            _("%(tag)s is no longer deployed in this classroom: it cannot be swapped.")
            % {"tag": ticket.asset.display_tag}
        )
    why = SystemNote.of(gettext_noop("Swapped under support ticket %(n)s"), n=ticket.number)
    returned = (
        SystemNote.of(
            gettext_noop("Swapped under support ticket %(n)s. %(note)s"),
            n=ticket.number,
            note=note.strip(),
        )
        if note.strip()
        else why
    )
    lifecycle.transition(ticket.asset, State.RECEIVED, actor=actor, note=returned)
    old.released_at = timezone.now()
    old.released_by = actor
    old.save(update_fields=["released_at", "released_by"])
    lifecycle.transition(replacement, State.ALLOCATED, actor=actor, note=why)
    Allocation.objects.create(project=project, asset=replacement, allocated_by=actor)
    lifecycle.transition(
        replacement,
        State.DEPLOYED,
        actor=actor,
        note=why,
        location=project.school.name[:100],
    )
    return replacement


def notify_resolved(ticket: Ticket) -> bool:
    """E-mail the school contact who filed the ticket, in the language they used; a mail server
    that is down is logged and never undoes the resolution."""
    return send_in_language(
        to=ticket.reported_by.email,
        language=ticket.language,
        subject=lambda: _("Support ticket %(n)s is resolved") % {"n": ticket.number},
        template="support/email/resolved.txt",
        context={"ticket": ticket},
    )


# A school's inventory check (greenit.classrooms): broken devices may open a ticket ------


def check_answer(
    *,
    check: InventoryCheck,
    answers: dict[int, dict],
    photos: list | None = None,
    tickets: set[int] = frozenset(),
) -> tuple[InventoryCheck, list[Ticket]]:
    """The school's answer to an inventory check (classrooms.services.check_answer) and, in the
    same transaction, a support ticket for each broken device whose asset id is in `tickets`,
    filed by the school's contact with what the school wrote as the symptom."""
    with transaction.atomic():
        check = classroom_services.check_answer(check=check, answers=answers, photos=photos)
        broken = check.lines.filter(
            answer=InventoryCheckLine.Answer.BROKEN, asset_id__in=tickets
        ).select_related("asset")
        made = [
            ticket_file(
                actor=check.contact,
                asset=line.asset,
                symptom=line.note
                or _("Reported broken in inventory check %(n)s.") % {"n": check.pk},
                confirm=False,
            )
            for line in broken
        ]
    return check, made
