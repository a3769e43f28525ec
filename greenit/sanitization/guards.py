"""The lifecycle guard: a device that can hold data leaves sanitization only when every one of
its storage media is done (a passed record; a failed wipe followed by a witnessed Destroy)."""

from django.utils.translation import gettext as _

from greenit.assets import lifecycle
from greenit.assets.models import State

from .rules import medium_status

GUARDED_TARGETS = {State.SANITIZED, State.ALLOCATED, State.DEPLOYED, State.RECYCLING}


def missing(asset) -> list[str]:
    """Why this device is not sanitized yet: one sentence per medium that is not done."""
    media = list(asset.media.prefetch_related("records"))
    if not media:
        return [_("no storage medium is recorded for this device: register its drives first")]
    reasons = []
    for medium in media:
        done, why = medium_status(medium.records.all())
        label = medium.serial or medium.get_media_type_display()
        if done:
            continue
        if why == "no_record":
            reasons.append(_("medium %(m)s has no passed record") % {"m": label})
        else:
            reasons.append(
                _("medium %(m)s failed its wipe: destroy it (Destroy record with a witness) first")
                % {"m": label}
            )
    return reasons


def is_sanitized(asset) -> bool:
    return not missing(asset)


@lifecycle.register_guard
def every_medium_is_sanitized(asset, t) -> str | None:
    if not asset.holds_data or t.target not in GUARDED_TARGETS:
        return None
    reasons = missing(asset)
    if reasons:
        return _("Not sanitized: %(reasons)s.") % {"reasons": "; ".join(reasons)}
    return None
