"""Does every figure tell one story? The devices that break it: counted as reused but in no
classroom (so in no province, for no sponsor), reused in a classroom that never opened,
recycled with no recycler's record or no weight, or counted both in a classroom and as
recycled. `greenit impact_check` lists them; the demo has none.

A handful of queries, each returning only the devices that break the story."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from greenit.assets.models import Asset, State
from greenit.classrooms.models import Allocation
from greenit.core import tags
from greenit.recycling.models import RecyclingBatch, RecyclingBatchItem

from . import factors

NOT_IN_CLASSROOM = "not_in_classroom"
CLASSROOM_NOT_OPENED = "classroom_not_opened"
RECYCLED_WITHOUT_RECORD = "recycled_without_record"
RECYCLED_WITHOUT_WEIGHT = "recycled_without_weight"
COUNTED_TWICE = "counted_twice"
KINDS = (
    NOT_IN_CLASSROOM,
    CLASSROOM_NOT_OPENED,
    RECYCLED_WITHOUT_RECORD,
    RECYCLED_WITHOUT_WEIGHT,
    COUNTED_TWICE,
)


@dataclass(frozen=True)
class Break:
    kind: str
    tag: str  # as printed on the device's label
    message: str


def breaks() -> list[Break]:
    """Every device that breaks the story, by kind, then by tag."""
    found = [
        *_not_in_classroom(),
        *_classroom_not_opened(),
        *_recycled_without_record(),
        *_recycled_without_weight(),
        *_counted_twice(),
    ]
    return sorted(found, key=lambda b: (KINDS.index(b.kind), b.tag))


def _not_in_classroom() -> list[Break]:
    rows = (
        Asset.objects.filter(state__in=[State.ALLOCATED, State.DEPLOYED])
        .exclude(pk__in=Allocation.objects.active().values("asset_id"))
        .order_by("tag")
        .values_list("tag", "state")
    )
    return [
        Break(
            NOT_IN_CLASSROOM,
            tags.display(tag),
            _(
                "%(tag)s is %(state)s but allocated to no classroom project: it counts as "
                "reused in no province and for no sponsor. Allocate it to the project it went "
                "to, or move it back to the workshop."
            )
            % {"tag": tags.display(tag), "state": State(state).label},
        )
        for tag, state in rows
    ]


def _classroom_not_opened() -> list[Break]:
    rows = (
        Allocation.objects.active()
        .filter(asset__state=State.DEPLOYED, project__opening__isnull=True)
        .order_by("asset__tag")
        .values_list("asset__tag", "project__name")
    )
    return [
        Break(
            CLASSROOM_NOT_OPENED,
            tags.display(tag),
            _(
                "%(tag)s is deployed in %(project)s, which has no opening recorded: it counts "
                "as reused in a classroom that is not counted as opened. Record the opening "
                "of the classroom."
            )
            % {"tag": tags.display(tag), "project": project},
        )
        for tag, project in rows
    ]


def _recycled_without_record() -> list[Break]:
    confirmed = RecyclingBatchItem.objects.filter(batch__status=RecyclingBatch.Status.CLOSED)
    rows = (
        Asset.objects.filter(state=State.RECYCLED)
        .exclude(pk__in=confirmed.values("asset_id"))
        .order_by("tag")
        .values_list("tag", flat=True)
    )
    return [
        Break(
            RECYCLED_WITHOUT_RECORD,
            tags.display(tag),
            _(
                "%(tag)s is recycled but in no closed recycling batch: no recycler's "
                "certificate or weight ticket stands behind it. Add it to the batch it left "
                "in, or move it back to waiting for recycling."
            )
            % {"tag": tags.display(tag)},
        )
        for tag in rows
    ]


def _recycled_without_weight() -> list[Break]:
    table = factors.Table(factors.current())
    rows = (
        Asset.objects.filter(state=State.RECYCLED, weight_kg__isnull=True)
        .order_by("tag")
        .values_list("tag", "category")
    )
    return [
        Break(
            RECYCLED_WITHOUT_WEIGHT,
            tags.display(tag),
            _(
                "%(tag)s is recycled but has no weight and its category has no typical "
                "weight: it adds nothing to the kilograms diverted. Weigh it, or give the "
                "category a typical weight in the impact factors."
            )
            % {"tag": tags.display(tag)},
        )
        for tag, category in rows
        if table.weight(category) is None
    ]


def _counted_twice() -> list[Break]:
    in_classroom = (
        Allocation.objects.active()
        .filter(asset__state__in=[State.RECYCLING, State.RECYCLED])
        .order_by("asset__tag")
        .values_list("asset__tag", "asset__state", "project__name")
    )
    in_batch = (
        RecyclingBatchItem.objects.filter(asset__state=State.DEPLOYED)
        .order_by("asset__tag")
        .values_list("asset__tag", "batch__number")
    )
    return [
        *(
            Break(
                COUNTED_TWICE,
                tags.display(tag),
                _(
                    "%(tag)s is %(state)s and still allocated to %(project)s: it counts for "
                    "that classroom and as recycled. Release its allocation."
                )
                % {"tag": tags.display(tag), "state": State(state).label, "project": project},
            )
            for tag, state, project in in_classroom
        ),
        *(
            Break(
                COUNTED_TWICE,
                tags.display(tag),
                _(
                    "%(tag)s is deployed in a classroom and also in recycling batch %(batch)s: "
                    "it counts as reused and in the recycler's weight. Take it out of the batch."
                )
                % {"tag": tags.display(tag), "batch": batch},
            )
            for tag, batch in in_batch
        ),
    ]
