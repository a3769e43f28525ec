"""Work done off the request by the task worker (`greenit db_worker`), and the function that
decides between now and later. The work itself lives in reports.py, which does not import
this module."""

from django.conf import settings
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
