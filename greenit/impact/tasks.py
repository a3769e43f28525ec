"""Work done off the request by the task worker (`greenit db_worker`), and the function that
decides between now and later. The work itself lives in reports.py, which does not import
this module."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_tasks import task

from greenit.core import leases

from . import calculations, reports
from .models import ImpactReport


@task()
def generate_report(report_id: int) -> None:
    """Generate a big CSR report off the request; the report page shows its progress."""
    report = ImpactReport.objects.get(pk=report_id)
    with leases.heartbeat(report):
        reports.generate_report(report=report)


def report_start(*, report: ImpactReport) -> bool:
    """Generate a small report now, queue a big one for the task worker. True when it ran now."""
    fate_assets, _reuse = calculations.scope_assets(reports.scope_of(report))
    if fate_assets.count() <= settings.IMPACT_INLINE_DEVICES:
        reports.generate_report(report=report)
        return True
    generate_report.enqueue(report.pk)
    return False


def report_retry(*, report: ImpactReport) -> None:
    """Generate a failed report again (its figures, if frozen, stay as they were) by the
    worker. Refused while its worker is alive (core/leases.py) or when it is not failed."""
    leases.reap(ImpactReport, pk=report.pk)
    report.refresh_from_db()
    if report.status != ImpactReport.Status.FAILED:
        raise ValidationError(_("This report is being generated or is ready: nothing to retry."))
    ImpactReport.objects.filter(pk=report.pk).update(
        status=ImpactReport.Status.QUEUED, progress=0, error="", interrupted_at=None
    )
    generate_report.enqueue(report.pk)
