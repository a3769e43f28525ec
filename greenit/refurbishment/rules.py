"""What a refurbished device needs before it is ready for a classroom (shared by the guard, the
pages and the API)."""

from django.utils.translation import gettext as _

from .models import PASSING_GRADES, Grade

# Computers get a software image; other devices (monitors, projectors…) do not.
COMPUTER_CATEGORIES = frozenset({"laptop", "desktop", "all_in_one", "thin_client"})


def needs_software_kit(asset) -> bool:
    return asset.category in COMPUTER_CATEGORIES


def why_not_ready(asset) -> str | None:
    """Why this device may not be marked ready, or None."""
    from .models import Refurbishment

    record = Refurbishment.objects.filter(asset=asset).first()
    if record is None:
        return _("This device has no refurbishment record: record its test first.")
    back = asset.events.filter(from_state="deployed").order_by("-at", "-pk").first()
    if back is not None and record.tested_at < back.at:
        return _("This device came back from a school: test it again before marking it ready.")
    if record.grade not in PASSING_GRADES:
        return _(
            "This device was graded “%(grade)s”: only grade A, B or C can go to a classroom."
        ) % {"grade": Grade(record.grade).label}
    if needs_software_kit(asset) and record.software_kit_id is None:
        return _("Install a software kit on this computer and record it before marking it ready.")
    return None
