"""The CSR report carries the waste disclosures: frozen with its figures, an annex table in the
PDF, two sheets in the XLSX, and the link to the per-device report."""

import io

from openpyxl import load_workbook

from greenit.impact import reports

from .test_reports import _pdf_text


def test_the_report_freezes_the_datapoints_and_shows_them_in_an_annex(
    disclosure_example, east_auto, paul
):
    report = reports.report_request(actor=paul, organisation=east_auto, kind="donor")
    reports.generate_report(report=report)
    report.refresh_from_db()
    points = {d["id"]: d for d in report.figures["disclosure"]["datapoints"]}
    assert points["GRI-306-3-a"]["value"] == "128.16"
    with report.pdf.open("rb") as f:
        text = _pdf_text(f.read())
    assert "GRI-306-4-b-ii" in text and "70.90" in text
    assert "2012/19/EU" in text and "/impact/donor-devices/" in text
    with report.xlsx.open("rb") as f:
        book = load_workbook(io.BytesIO(f.read()))
    assert {"disclosure", "composition"} <= set(book.sheetnames)
    ids = [row[0].value for row in book["disclosure"].iter_rows(min_row=2)]
    assert "ESRS-E5-37-d-percent" in ids


def test_a_chinese_report_labels_the_datapoints_in_chinese(disclosure_example, east_auto, paul):
    report = reports.report_request(
        actor=paul, organisation=east_auto, kind="donor", language="zh-hans"
    )
    reports.generate_report(report=report)
    with report.pdf.open("rb") as f:
        text = _pdf_text(f.read())
    assert "产生的废物总重量" in text and "微型计算机" in text
