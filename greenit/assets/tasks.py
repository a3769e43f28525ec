from django_tasks import task

from .models import LabelSheet


@task()
def make_label_sheet(sheet_id: int) -> None:
    """Make a big label PDF off the request; the label sheet page shows its progress."""
    from . import labels

    labels.label_sheet_make(sheet=LabelSheet.objects.select_related("donation").get(pk=sheet_id))
