from django_tasks import task


@task()
def generate_report(report_id: int) -> None:
    """Generate a big CSR report off the request; the report page shows its progress."""
    from . import reports
    from .models import ImpactReport

    reports.report_generate(report=ImpactReport.objects.get(pk=report_id))
