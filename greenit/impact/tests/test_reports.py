import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from greenit.accounts.models import Organisation
from greenit.impact import reports
from greenit.impact.models import ImpactReport


@pytest.fixture
def issued(worked_example, east_auto, paul):
    report = reports.report_request(actor=paul, organisation=east_auto, kind="donor")
    reports.generate_report(report=report)
    return report


def _pdf_text(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def test_a_report_has_a_pdf_a_csv_and_an_xlsx_with_frozen_figures(issued):
    assert issued.status == ImpactReport.Status.DONE
    assert issued.figures["co2e_total_kg"] == "1103.18"
    assert issued.factor_set_version == 1
    text = _pdf_text(issued.pdf.read())
    assert "1103.18" in text and "Methodology and sources" in text
    rows = issued.csv.read().decode("utf-8-sig").splitlines()
    assert rows[0].startswith("asset_tag,category,fate")
    assert len(rows) == 1 + 20
    assert sum(",reused," in r for r in rows) == 12
    assert any(",recycled," in r and ",20.500,yes," in r for r in rows)


def test_a_chinese_report_renders_chinese_text(worked_example, east_auto, paul):
    report = reports.report_request(
        actor=paul, organisation=east_auto, kind="donor", language="zh-hans"
    )
    reports.generate_report(report=report)

    text = _pdf_text(report.pdf.read())

    assert "捐赠方影响报告" in text
    assert "笔记本电脑" in text


def test_a_donor_contact_generates_their_own_report_from_the_portal(client, bob, worked_example):
    client.force_login(bob)

    response = client.post(
        reverse("impact:reports"),
        {"organisation": bob.organisation_id, "kind": "donor", "language": "en"},
    )

    report = ImpactReport.objects.get()
    assert response.status_code == 302
    assert (report.organisation_id, report.status) == (bob.organisation_id, "done")
    assert client.get(reverse("impact:file", args=[report.pk, "pdf"])).status_code == 200


def test_a_contact_cannot_ask_for_or_see_another_organisations_report(client, carol, issued):
    client.force_login(carol)

    assert client.get(reverse("impact:report", args=[issued.pk])).status_code == 404
    assert client.get(reverse("impact:file", args=[issued.pk, "pdf"])).status_code == 404
    response = client.post(
        reverse("impact:reports"),
        {"organisation": issued.organisation_id, "kind": "donor", "language": "en"},
    )
    assert response.status_code == 200
    assert ImpactReport.objects.count() == 1


def test_a_school_contact_has_no_report_pages(client, db):
    from greenit.accounts.models import User

    school = Organisation.objects.create(name="瑞金小学", is_school=True)
    user = User.objects.create_user(username="liu", password="x", organisation=school)
    client.force_login(user)

    assert client.get(reverse("impact:reports")).status_code == 404


def test_a_sponsor_report_counts_the_classrooms_it_funds(paul, pujiang_bank, worked_example):
    from greenit.classrooms.models import (
        Allocation,
        ClassroomProject,
        ClassroomSponsor,
        OpeningEvent,
    )

    pujiang_bank.is_sponsor = True
    pujiang_bank.save()
    school = Organisation.objects.create(name="瑞金小学", is_school=True, province="江西省")
    project = ClassroomProject.objects.create(
        name="Ruijin 1", school=school, seats=24, status=ClassroomProject.Status.OPENED
    )
    ClassroomSponsor.objects.create(project=project, organisation=pujiang_bank, amount=80000)
    OpeningEvent.objects.create(project=project, date="2026-06-20")
    for laptop in worked_example["laptops"]:
        Allocation.objects.create(project=project, asset=laptop)

    report = reports.report_request(actor=paul, organisation=pujiang_bank, kind="sponsor")
    reports.generate_report(report=report)

    assert report.figures["devices_reused"] == 10
    assert report.figures["co2e_reuse_kg"] == "830.00"
    assert (report.figures["classrooms_opened"], report.figures["students_reached"]) == (1, 24)
    assert "Ruijin 1" in _pdf_text(report.pdf.read())


def test_a_report_period_that_ends_before_it_starts_is_refused(client, paul, east_auto):
    client.force_login(paul)

    response = client.post(
        reverse("impact:reports"),
        {
            "organisation": east_auto.pk,
            "kind": "donor",
            "start": "2026-06-01",
            "end": "2026-01-01",
            "language": "en",
        },
    )

    assert "swap the dates" in response.content.decode()
    assert not ImpactReport.objects.exists()


def test_a_big_report_is_queued_and_its_page_shows_progress(
    client, paul, worked_example, east_auto, settings
):
    settings.IMPACT_INLINE_DEVICES = 5
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(paul)

    client.post(
        reverse("impact:reports"), {"organisation": east_auto.pk, "kind": "donor", "language": "en"}
    )

    report = ImpactReport.objects.get()
    assert report.status == ImpactReport.Status.QUEUED
    html = client.get(reverse("impact:report", args=[report.pk])).content.decode()
    assert 'hx-get="' + reverse("impact:progress", args=[report.pk]) in html


def test_the_csv_and_xlsx_never_hold_a_live_formula(issued, monkeypatch):
    import csv
    import io

    from openpyxl import load_workbook

    hostile = ('=HYPERLINK("http://evil.example")', "+1", "-1+1", "@A1", "\t=1", "\r=1")
    monkeypatch.setattr(reports, "device_rows", lambda report: [hostile])
    rows = list(csv.reader(io.StringIO(reports.render_csv(issued).decode("utf-8-sig"))))
    assert rows[1] == ["'" + text for text in hostile]
    book = load_workbook(io.BytesIO(reports.render_xlsx(issued)))
    cells = next(book["devices"].iter_rows(min_row=2))[: len(hostile)]
    # XML keeps a carriage return as a line feed
    assert [c.value for c in cells] == ["'" + text.replace("\r", "\n") for text in hostile]
    assert all(c.data_type == "s" for c in cells)
    assert all(c.data_type != "f" for row in book["figures"].iter_rows() for c in row)
