"""Per-device donor report: for every device a donor gave, its own asset number and what became
of it — wiped under which certificate of sanitization, and where it went (a classroom, or a
recycler's batch with its certificate of recycling). Shown on a page, exported as CSV and XLSX
(streamed: one query, rows as they come)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from django.db.models import F, FilteredRelation, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenit.assets.models import Asset, State
from greenit.core import categories, tags
from greenit.sanitization.models import Certificate

COLUMNS = (
    "asset_tag",
    "donor_asset_number",
    "serial",
    "category",
    "donation",
    "state",
    "since",
    "wiped_certificate",
    "went_to",
    "classroom",
    "school",
    "recycler",
    "recycling_batch",
    "recycling_certificate",
)
SHOWN = 200  # rows on the page; the files hold every device


def certificates_by_tag(organisation_id: int) -> dict[str, str]:
    """{display tag: certificate number} from the donor's certificates that stand (a device
    named in several keeps the latest)."""
    found: dict[str, str] = {}
    for number, payload in (
        Certificate.objects.filter(
            donation__donor_organisation_id=organisation_id, revoked_at__isnull=True
        )
        .order_by("issued_at", "pk")
        .values_list("number", "payload")
    ):
        for medium in json.loads(payload).get("media", []):
            if medium.get("asset_tag"):
                found[medium["asset_tag"]] = number
    return found


def _devices(organisation_id: int):
    return (
        Asset.objects.filter(donation__donor_organisation_id=organisation_id)
        .annotate(
            active=FilteredRelation("allocations", condition=Q(allocations__released_at=None)),
            since=TruncDate("state_changed_at", tzinfo=timezone.get_current_timezone()),
        )
        .order_by("pk")
        .values_list(
            "tag",
            "donor_asset_number",
            "serial",
            "category",
            "donation__reference",
            "state",
            "since",
            F("active__project__name"),
            F("active__project__school__name"),
            "recycling_item__batch__recycler__name",
            "recycling_item__batch__number",
            "recycling_item__batch__certificate_number",
        )
    )


def _went_to(state: str, classroom: str | None, batch: str | None) -> str:
    if state in (State.RECYCLING, State.RECYCLED) or batch:
        return "recycler"
    if state in (State.ALLOCATED, State.DEPLOYED):
        return "classroom"
    return "workshop" if state != State.EXPECTED else "expected"


def rows(organisation_id: int, *, limit: int | None = None) -> Iterator[tuple]:
    """One row per device (COLUMNS), oldest first."""
    wiped = certificates_by_tag(organisation_id)
    devices = _devices(organisation_id)
    if limit is not None:
        devices = devices[:limit]
    for (
        tag,
        own_number,
        serial,
        category,
        donation,
        state,
        since,
        classroom,
        school,
        recycler,
        batch,
        recycling_certificate,
    ) in devices:  # one fetch: a server-side cursor is planned for its first rows (slower)
        shown = tags.display(tag)
        yield (
            shown,
            own_number,
            serial,
            category,
            donation,
            state,
            since.isoformat(),
            wiped.get(shown, ""),
            _went_to(state, classroom, batch),
            classroom or "",
            school or "",
            recycler or "",
            batch or "",
            recycling_certificate or "",
        )


def table(organisation_id: int) -> Iterable[Iterable]:
    """The header and every row, for the CSV and XLSX writers."""
    yield COLUMNS
    yield from rows(organisation_id)


WENT_TO = {
    "classroom": _("a classroom"),
    "recycler": _("a recycler"),
    "workshop": _("the workshop (not yet placed)"),
    "expected": _("expected (not yet received)"),
}


def page_rows(organisation_id: int, limit: int = SHOWN) -> list[dict]:
    """The first devices for the page, with labels in the reader's language."""
    found = []
    for row in rows(organisation_id, limit=limit):
        d = dict(zip(COLUMNS, row, strict=True))
        d["category_label"] = categories.category_label(d["category"])
        d["state_label"] = State(d["state"]).label
        d["went_to_label"] = WENT_TO[d["went_to"]]
        found.append(d)
    return found
