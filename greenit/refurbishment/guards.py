"""The lifecycle guard: a device becomes ready for a classroom only with a passing
refurbishment record (grade A, B or C), and a computer only with a software kit installed.
greenit.assets.lifecycle names it in its GUARDS."""

from collections.abc import Sequence

from greenit.assets.models import Asset, State

from .rules import why_not_ready


def refurbished_before_ready(assets: Sequence[Asset], t) -> dict[int, str]:
    if not (t.source == State.TESTED and t.target == State.READY):
        return {}
    return {asset.pk: reason for asset in assets if (reason := why_not_ready(asset))}
