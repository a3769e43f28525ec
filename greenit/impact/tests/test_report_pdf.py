"""The CSR report as a reader sees it: a sponsor's report keeps what it funded apart from what
it gave as a donor, says what it contributed, carries the organisation's own name (or logo),
and has no page left with a lone line."""

import subprocess
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from greenit.accounts.models import Organisation
from greenit.assets.models import State
from greenit.classrooms.models import (
    Allocation,
    ClassroomProject,
    ClassroomSponsor,
    OpeningEvent,
)
from greenit.core import branding
from greenit.donations.services import ItemInput
from greenit.impact import reports

from .conftest import set_state

MIN_LINES = 3  # a page with fewer lines of text (its footer aside) is a page wasted


@pytest.fixture
def org_name(settings):
    settings.ORGANISATION_NAME = "Lumen Schools Trust"
    settings.ORGANISATION_LOGO = ""
    return settings.ORGANISATION_NAME


@pytest.fixture
def bank_sponsors_and_donates(
    impact_settings, pujiang_bank, east_auto, make_donation, make_asset
) -> Organisation:
    """Pujiang Bank funds a classroom holding 6 laptops from East Auto and gave 4 laptops of
    its own: 1 reused (in that classroom), 1 recycled, 2 still in the workshop."""
    pujiang_bank.is_sponsor = True
    pujiang_bank.save(update_fields=["is_sponsor"])
    school = Organisation.objects.create(name="瑞金小学", is_school=True, province="江西省")
    project = ClassroomProject.objects.create(
        name="瑞金小学 Classroom", school=school, seats=7, status=ClassroomProject.Status.OPENED
    )
    OpeningEvent.objects.create(project=project, date=date(2026, 6, 1))
    ClassroomSponsor.objects.create(
        project=project, organisation=pujiang_bank, amount=Decimal("100000")
    )
    items = [ItemInput(category="laptop", quantity=6)]
    theirs = [make_asset(make_donation(east_auto, items=items)) for _ in range(6)]
    own = [make_asset(make_donation(pujiang_bank, items=items)) for _ in range(4)]
    set_state(theirs + own[:1], State.DEPLOYED)
    set_state(own[1:2], State.RECYCLED)
    Allocation.objects.bulk_create(Allocation(project=project, asset=a) for a in theirs + own[:1])
    return pujiang_bank


def _pages(data: bytes, *, layout: bool = False) -> list[str]:
    """The text of each page, from pdftotext (form feeds between pages): in the order it was
    written (the document's), or
    laid out as on the page (one line of text per line of the page)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.pdf"
        path.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", *(["-layout"] if layout else ["-raw"]), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return [page for page in text.split("\f") if page.strip()]


def _report(organisation, kind: str, paul, language: str = "en"):
    report = reports.report_request(
        actor=paul, organisation=organisation, kind=kind, language=language
    )
    return reports.generate_report(report=report)


def _lines(page: str) -> int:
    return sum(1 for line in page.splitlines() if line.strip()) - 1  # the footer


def test_a_sponsor_report_keeps_what_it_funded_apart_from_what_it_gave(
    bank_sponsors_and_donates, paul, org_name
):
    report = _report(bank_sponsors_and_donates, "sponsor", paul)

    text = " ".join(" ".join(_pages(report.pdf.read())).split())

    assert "funded 1 classroom with 100,000 CNY" in text
    assert "As a donor, it also gave 4 devices in 4 donations" in text
    funded, gave = text.index("What you funded"), text.index("What you gave as a donor")
    assert funded < gave
    # Funded: the classroom and its 7 devices in use, most of them given by another donor.
    assert "7 devices in use in these classrooms" in text[funded:gave]
    assert "瑞金小学 Classroom" in text[funded:gave]
    # Gave: its own 4 devices, 1 reused and 1 recycled.
    assert "4 devices donated 1 of them reused in classrooms 1 of them recycled" in text[gave:]
    assert "devices received" not in text


def test_a_report_carries_the_organisations_name_not_the_softwares(
    bank_sponsors_and_donates, paul, org_name
):
    for kind in ("sponsor", "donor"):
        pages = _pages(_report(bank_sponsors_and_donates, kind, paul).pdf.read())

        assert pages[0].lstrip().startswith(org_name)
        assert all(org_name in page for page in pages)  # the footer of every page
        assert "greenit" not in " ".join(pages).lower()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_report_page_is_near_blank(bank_sponsors_and_donates, paul, org_name, language):
    for kind in ("sponsor", "donor"):
        data = _report(bank_sponsors_and_donates, kind, paul, language).pdf.read()
        pages = _pages(data, layout=True)

        assert 3 <= len(pages) <= 8, (kind, len(pages))
        thin = [n for n, page in enumerate(pages, start=1) if _lines(page) < MIN_LINES]
        assert not thin, f"{kind} report: pages {thin} have fewer than {MIN_LINES} lines"
        # The figures begin on the first page: no cover page with a title alone.
        assert "Your contribution" in pages[0] or "贵机构的贡献" in pages[0]


def test_the_logo_from_the_settings_heads_the_report(
    bank_sponsors_and_donates, paul, settings, tmp_path
):
    logo = tmp_path / "logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<rect width="40" height="20" fill="#1b6e3a"/></svg>'
    )
    settings.ORGANISATION_LOGO = str(logo)

    html = reports.render_to_string(
        "impact/report.pdf.html",
        reports.pdf_context(_report(bank_sponsors_and_donates, "sponsor", paul)),
    )

    assert '<img src="data:image/svg+xml;base64,' in html


def test_a_logo_that_cannot_be_read_falls_back_to_the_name(settings, tmp_path):
    settings.ORGANISATION_LOGO = str(tmp_path / "missing.png")
    assert branding.logo_uri() == ""
    settings.ORGANISATION_LOGO = str(tmp_path / "logo.gif")
    assert branding.logo_uri() == ""


def test_the_report_page_keeps_the_two_apart_too(client, bank_sponsors_and_donates, paul):
    report = _report(bank_sponsors_and_donates, "sponsor", paul)
    client.force_login(paul)

    html = client.get(reverse("impact:report", args=[report.pk])).content.decode()

    assert "Devices allocated to the classrooms funded" in html
    assert "Devices received" not in html
    assert "What you gave as a donor" in html
