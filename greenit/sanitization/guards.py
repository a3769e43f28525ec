"""The lifecycle guard: a device that can hold data leaves sanitization only when every one of
its storage media is done (a passed record; a failed wipe followed by a witnessed Destroy)."""

from django.utils.translation import gettext as _

from greenit.assets import lifecycle
from greenit.assets.models import State

from .rules import medium_status

GUARDED_TARGETS = {State.SANITIZED, State.ALLOCATED, State.DEPLOYED, State.RECYCLING}


def counts_since(asset):
    """Records older than this do not count: a device that was at a school (deployed) carries
    the school's data, so it is sanitized again after it comes back (or before it goes to a
    recycler straight from the school)."""
    events = asset.events.order_by("-at", "-pk")
    if asset.state == State.DEPLOYED:
        event = events.filter(to_state=State.DEPLOYED).first()
    else:
        event = events.filter(from_state=State.DEPLOYED).first()
    return event.at if event else None


def missing(asset) -> list[str]:
    """Why this device is not sanitized yet: one sentence per medium that is not done."""
    media = list(asset.media.prefetch_related("records"))
    if not media:
        return [_("no storage medium is recorded for this device: register its drives first")]
    since = counts_since(asset)
    reasons = []
    for medium in media:
        records = [r for r in medium.records.all() if since is None or r.ended_at >= since]
        done, why = medium_status(records)
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
