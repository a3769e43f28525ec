"""Who may do what: the one table of staff roles and the actions they allow.

Every check of a role anywhere in greenit reads this table: page decorators
(`permission_required`), the API and the services (`require`), templates' menus (`may`, from
the context processor) and the lifecycle's transitions (each names its action here). An
administrator holds every role (`User.roles`), so administrator-only actions name just that
role. External contacts (donors, sponsors, schools) have no role: what they may see is decided
by their organisation (`visible_to`), not here.

Refusals are written once, beside the action, and translated.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Role, User

R = Role
ALL_STAFF = frozenset(Role)


@dataclass(frozen=True)
class Permission:
    roles: frozenset[Role]
    refusal: Promise | None = None
    move: Promise | None = None  # the lifecycle move's label, for moves
    # Also the contact of a school (answering an inventory check of its own classroom: the
    # service that calls this checks the devices are that school's).
    schools: bool = False

    def refusal_text(self) -> str:
        if self.move is not None:
            return _("Your role may not do this: %(label)s.") % {"label": self.move}
        return str(self.refusal)

    def allows(self, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        if user.is_staff_member:
            return bool(user.roles & self.roles)
        return bool(self.schools and user.organisation_id and user.organisation.is_school)


def _p(refusal: Promise, *roles: Role) -> Permission:
    return Permission(frozenset(roles), refusal)


def _move(label: Promise, *roles: Role, schools: bool = False) -> Permission:
    """A lifecycle move: refused in the lifecycle's words, naming the move."""
    return Permission(frozenset(roles), move=label, schools=schools)


PERMISSIONS: dict[str, Permission] = {
    # Any member of staff: the back office's lists and pages.
    "use_back_office": _p(gettext_lazy("This page is for staff with another role."), *ALL_STAFF),
    # Donations and logistics
    "record_donation": _p(
        gettext_lazy("Only logistics staff, technicians and donor contacts record donations."),
        R.LOGISTICS,
        R.TECHNICIAN,
    ),
    "handle_offers": _p(
        gettext_lazy("Only logistics staff accept offers and arrange pickups."), R.LOGISTICS
    ),
    "issue_receipts": _p(
        gettext_lazy("Only logistics staff draft, issue and withdraw donation receipts."),
        R.LOGISTICS,
    ),
    "empty_boxes": _p(
        gettext_lazy("Only logistics staff schedule and record box emptyings."), R.LOGISTICS
    ),
    # Devices
    "edit_devices": _p(
        gettext_lazy("Only logistics staff and technicians edit a device's details."),
        R.LOGISTICS,
        R.TECHNICIAN,
    ),
    "record_intake": _p(
        gettext_lazy("Only logistics staff and technicians record intake."),
        R.LOGISTICS,
        R.TECHNICIAN,
    ),
    "sanitize": _p(
        gettext_lazy("Only technicians and administrators record sanitization."), R.TECHNICIAN
    ),
    # Independent verification of a sampled wipe (R2v3 Appendix B); the services also refuse
    # the person who did the wipe.
    "verify_sanitization": _p(
        gettext_lazy("Only technicians and administrators verify sanitized media."),
        R.TECHNICIAN,
    ),
    "refurbish": _p(gettext_lazy("Only technicians record refurbishment tests."), R.TECHNICIAN),
    "recycle": _p(gettext_lazy("Only technicians handle recycling batches."), R.TECHNICIAN),
    # Classrooms, schools, volunteers
    "manage_classrooms": _p(
        gettext_lazy("Only programme managers manage classrooms."), R.PROGRAMME_MANAGER
    ),
    "decide_applications": _p(
        gettext_lazy("Only programme managers decide on applications."), R.PROGRAMME_MANAGER
    ),
    "deliver_to_schools": _p(
        gettext_lazy("Only programme managers and logistics staff deliver classrooms."),
        R.PROGRAMME_MANAGER,
        R.LOGISTICS,
    ),
    "answer_inventory_checks": Permission(
        frozenset({R.PROGRAMME_MANAGER}),
        gettext_lazy(
            "Only the school's contact or a programme manager answers an inventory check."
        ),
        schools=True,
    ),
    "override_allocation_block": _p(
        gettext_lazy("Only programme managers let a blocked school receive new devices."),
        R.PROGRAMME_MANAGER,
    ),
    "see_collection_boxes": _p(gettext_lazy("Collection boxes are for staff."), *ALL_STAFF),
    "answer_enquiries": _p(gettext_lazy("Only staff answer enquiries."), *ALL_STAFF),
    "resolve_tickets": _p(gettext_lazy("Only staff resolve support tickets."), *ALL_STAFF),
    "manage_volunteers": _p(
        gettext_lazy("Only programme managers manage volunteers."), R.PROGRAMME_MANAGER
    ),
    "see_rosters": _p(
        gettext_lazy("Only programme managers and logistics staff see rosters."),
        R.PROGRAMME_MANAGER,
        R.LOGISTICS,
    ),
    # Impact
    "report_on_anyone": _p(
        gettext_lazy("You may ask for your own organisation's reports only."),
        R.PROGRAMME_MANAGER,
    ),
    "see_any_figures": _p(
        gettext_lazy("You may see your own organisation's figures only."), *ALL_STAFF
    ),
    "refresh_dashboard": _p(
        gettext_lazy("Only administrators refresh the dashboard's figures."), R.ADMINISTRATOR
    ),
    "override_factors": _p(
        gettext_lazy("Only administrators change impact factors."), R.ADMINISTRATOR
    ),
    "edit_import_vocabulary": _p(
        gettext_lazy("Only administrators teach imports new column and category spellings."),
        R.ADMINISTRATOR,
    ),
    # Personal information (PIPL): finding, exporting, erasing; consents for photos.
    "handle_personal_data": _p(
        gettext_lazy("Only administrators handle requests about personal information."),
        R.ADMINISTRATOR,
    ),
    "record_photo_consent": _p(
        gettext_lazy("Only programme managers record consent to publish a photo."),
        R.PROGRAMME_MANAGER,
    ),
    # The lifecycle's moves (assets/lifecycle.py names one of these on each transition).
    "receive_device": _move(gettext_lazy("Receive"), R.LOGISTICS, R.TECHNICIAN),
    "mark_sanitized": _move(gettext_lazy("Mark sanitized"), R.TECHNICIAN),
    "record_test": _move(gettext_lazy("Record test"), R.TECHNICIAN),
    "mark_ready": _move(gettext_lazy("Mark ready for a classroom"), R.TECHNICIAN),
    "allocate_device": _move(gettext_lazy("Allocate to a classroom"), R.PROGRAMME_MANAGER),
    "unallocate_device": _move(gettext_lazy("Unallocate"), R.PROGRAMME_MANAGER),
    "deliver_device": _move(
        gettext_lazy("Deliver to the school"), R.PROGRAMME_MANAGER, R.LOGISTICS
    ),
    "take_back_device": _move(gettext_lazy("Take back from the school"), R.LOGISTICS, R.TECHNICIAN),
    "send_to_recycling": _move(gettext_lazy("Send to recycling"), R.TECHNICIAN),
    "take_out_of_recycling": _move(gettext_lazy("Take out of recycling"), R.TECHNICIAN),
    "confirm_recycled": _move(gettext_lazy("Confirm recycled"), R.TECHNICIAN),
    "report_lost": _move(gettext_lazy("Report lost"), R.PROGRAMME_MANAGER, schools=True),
    "report_stolen": _move(gettext_lazy("Report stolen"), R.PROGRAMME_MANAGER, schools=True),
    "report_found": _move(gettext_lazy("Found at the school"), R.PROGRAMME_MANAGER, schools=True),
}


def _permission(action: str) -> Permission:
    try:
        return PERMISSIONS[action]
    except KeyError:
        # A typo in an action name must fail loudly, never grant or refuse silently.
        raise LookupError(f"No such action in the permissions table: {action!r}") from None


def may(user, action: str) -> bool:
    """May this user do `action`? Anonymous users and external contacts may do no staff action."""
    return _permission(action).allows(user)


def refusal(action: str) -> str:
    """The translated sentence that says why `action` is refused."""
    return _permission(action).refusal_text()


def roles(action: str) -> frozenset[Role]:
    """The roles that may do `action`, administrator included (it holds every role)."""
    return _permission(action).roles | {Role.ADMINISTRATOR}


def staff_who_may(action: str) -> QuerySet[User]:
    """Active staff members who may do `action` (e.g. the drivers a pickup may be given to)."""
    return (
        User.objects.filter(is_active=True, organisation__isnull=True)
        .filter(groups__name__in=roles(action))
        .distinct()
    )


def require(user, action: str) -> None:
    """Refuse with the action's own message unless this user may do it."""
    if not may(user, action):
        raise PermissionDenied(refusal(action))


def find_for(user, queryset: QuerySet, *, action: str | None = None, **lookup):
    """The object a caller names by an id (in a path or a body), found so that a foreign id
    and a missing one get the same answer (no existence oracle):

    - with `action`, the action is required first: whoever may not do it gets its 403 for any
      id, existing or not;
    - then the id is looked up in what the caller may see (`visible_to(user)` when the
      queryset has it): another organisation's id and an unknown one are both a 404."""
    if action is not None:
        require(user, action)
    if hasattr(queryset, "visible_to"):
        queryset = queryset.visible_to(user)
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def permission_required(action: str) -> Callable:
    """A view for logged-in staff who may do `action`; others get 403 with its refusal."""
    _permission(action)

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require(request.user, action)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = permission_required("use_back_office")


class Abilities:
    """What a template may ask: `{% if may.record_intake %}`. Unknown names raise, so a typo in
    a template fails its test instead of hiding a menu."""

    def __init__(self, user) -> None:
        self._user = user

    def __getitem__(self, action: str) -> bool:
        return may(self._user, action)


def abilities(user) -> Abilities:
    return Abilities(user)


def describe() -> list[tuple[str, list[str], str]]:
    """The table for documentation and the admin: (action, role labels, refusal)."""
    return [
        (name, sorted(str(Role(r).label) for r in p.roles), p.refusal_text())
        for name, p in PERMISSIONS.items()
    ]


__all__ = [
    "PERMISSIONS",
    "abilities",
    "find_for",
    "may",
    "permission_required",
    "refusal",
    "require",
    "roles",
    "staff_required",
    "staff_who_may",
]
