"""Impact: an issued CSR report for East Auto (donor, English) and Pujiang Bank (sponsor,
Chinese), so that their portal pages have a report to show. Made after everything it
reports on."""

from greenit.impact import reports


def impact_reports(orgs, people) -> None:
    pm = people["chen.pm"]
    for org, kind, language in (
        (orgs["auto"], "donor", "en"),
        (orgs["bank"], "sponsor", "zh-hans"),
    ):
        report = reports.report_request(actor=pm, organisation=org, kind=kind, language=language)
        reports.generate_report(report=report)
