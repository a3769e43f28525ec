"""The lifecycle guard: a device becomes ready for a classroom only with a passing
refurbishment record (grade A, B or C), and a computer only with a software kit installed."""

from greenit.assets import lifecycle
from greenit.assets.models import State

from .rules import why_not_ready


@lifecycle.register_guard
def refurbished_before_ready(asset, t) -> str | None:
    if t.source == State.TESTED and t.target == State.READY:
        return why_not_ready(asset)
    return None
