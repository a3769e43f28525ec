"""Work done off the request by the task worker (`greenit db_worker`), and the function that
queues it. The work itself lives in labels.py, which does not import this module."""

from django.db import transaction
from django_tasks import task

from greenit.core import leases

from . import labels
from .models import LabelSheet


@task()
def make_label_sheet(sheet_id: int) -> None:
    """Make a big label PDF off the request; the label sheet page shows its progress."""
    sheet = LabelSheet.objects.select_related("donation").get(pk=sheet_id)
    with leases.heartbeat(sheet):
        labels.make_label_sheet(sheet=sheet)


def label_sheet_request(*, donation, layout: str, actor, start: int = 1) -> LabelSheet:
    """Queue a label PDF for the worker. Asking again while one is on its way returns that
    one instead of making two."""
    with transaction.atomic():
        # Lock the donation so two presses of the button cannot both miss the queued sheet.
        type(donation).objects.select_for_update().get(pk=donation.pk)
        leases.reap(LabelSheet, donation=donation)  # a sheet whose worker died: make anew
        waiting = donation.label_sheets.filter(
            layout=layout,
            start=start,
            status__in=[LabelSheet.Status.QUEUED, LabelSheet.Status.RUNNING],
        ).first()
        if waiting:
            return waiting
        sheet = LabelSheet.objects.create(
            donation=donation,
            layout=layout,
            start=start,
            labels=donation.assets.count(),
            requested_by=actor if actor and actor.is_authenticated else None,
        )
        transaction.on_commit(lambda: make_label_sheet.enqueue(sheet.pk))
    return sheet
