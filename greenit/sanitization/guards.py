"""The lifecycle guard: a device that can hold data leaves sanitization only when every one of
its storage media is done (a passed record; a failed wipe followed by a witnessed Destroy).
greenit.assets.lifecycle names it in its GUARDS."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from greenit.assets.models import Asset, State

from .status import sanitization_status

GUARDED_TARGETS = {State.SANITIZED, State.ALLOCATED, State.DEPLOYED, State.RECYCLING}


def missing(asset: Asset) -> list[str]:
    """Why this device is not sanitized yet: one sentence per medium that is not done."""
    return sanitization_status([asset])[asset.pk]


def is_sanitized(asset: Asset) -> bool:
    return not missing(asset)


def every_medium_is_sanitized(assets: Sequence[Asset], t) -> dict[int, str]:
    if t.target not in GUARDED_TARGETS:
        return {}
    status = sanitization_status([asset for asset in assets if asset.holds_data])
    return {
        pk: _("Not sanitized: %(reasons)s.") % {"reasons": "; ".join(reasons)}
        for pk, reasons in status.items()
        if reasons
    }
