"""The disclosure, mass-balance and per-device pages and their downloads: who sees what, and
what careless or hostile input gets."""

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook


def test_a_donor_contact_sees_its_own_datapoints_and_downloads_them(
    client, bob, disclosure_example
):
    client.force_login(bob)
    page = client.get(reverse("impact:disclosure"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "GRI-306-4-b-ii" in html and "70.90" in html and "2012/19/EU" in html
    data = json.loads(client.get(reverse("impact:disclosure") + "?format=json").content)
    points = {d["id"]: d for d in data["datapoints"]}
    assert points["ESRS-E5-37-a"]["value"] == "128.16"
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("impact:disclosure") + "?format=csv").content.decode("utf-8-sig")
            )
        )
    )
    assert rows[0][0] == "datapoint_id" and any(r[0] == "GRI-306-3-a" for r in rows)
    book = load_workbook(
        io.BytesIO(client.get(reverse("impact:disclosure") + "?format=xlsx").content)
    )
    assert book.sheetnames == ["datapoints", "composition"]


def test_a_contact_cannot_ask_for_another_organisation(
    client, bob, pujiang_bank, disclosure_example
):
    client.force_login(bob)
    page = client.get(
        reverse("impact:disclosure"), {"organisation": pujiang_bank.pk, "format": "json"}
    )
    assert page.status_code == 200  # the form refuses it: no file, the page names the field
    assert "organisation" in page.content.decode() and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-13-45"},
        {"start": "2026-05-01", "end": "2026-04-01"},
        {"organisation": "' OR 1=1 --"},
        {"kind": "recycler"},
        {"start": "9" * 300},
        {"organisation": "99999999999999999999999"},
        {"organisation": "-1"},
    ],
)
def test_bad_input_gets_a_message_and_no_file(client, paul, query):
    client.force_login(paul)
    page = client.get(reverse("impact:disclosure"), query | {"format": "csv"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")


def test_staff_see_the_whole_organisation(client, lena, disclosure_example):
    client.force_login(lena)
    page = client.get(reverse("impact:disclosure"))
    assert page.status_code == 200 and "128.16" in page.content.decode()


def test_the_mass_balance_is_for_staff(client, bob, lena, disclosure_example):
    client.force_login(bob)
    assert client.get(reverse("impact:mass_balance")).status_code == 403
    client.force_login(lena)
    page = client.get(reverse("impact:mass_balance"))
    assert page.status_code == 200
    assert client.get(reverse("impact:mass_balance"), {"end": "nonsense"}).status_code == 200
    # a NUL byte is refused before any view (400, the project's middleware), never a 500
    assert client.get(reverse("impact:mass_balance"), {"start": "\x00"}).status_code == 400
    assert client.get(reverse("impact:disclosure"), {"start": "\x00"}).status_code == 400


def test_the_donor_sees_each_device_and_what_became_of_it(client, bob, carol, disclosure_example):
    client.force_login(bob)
    page = client.get(reverse("impact:donor_devices"))
    assert page.status_code == 200
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("impact:donor_devices") + "?format=csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[0][:2] == ["asset_tag", "donor_asset_number"]
    assert len(rows) == 1 + 20  # every device of the example
    went = [r[8] for r in rows[1:]]
    assert (went.count("classroom"), went.count("recycler"), went.count("workshop")) == (9, 9, 2)
    staff = client.get(reverse("impact:donor_devices"), {"organisation": "99999999999999999999"})
    assert staff.status_code in (200, 404)
    client.force_login(carol)  # another donor: its own devices only (none)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("impact:donor_devices") + "?format=csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(rows) == 1


def test_the_api_gives_the_datapoints_to_their_own_and_to_staff(
    client, bob, carol, lena, pujiang_bank, disclosure_example
):
    client.force_login(bob)
    own = client.get(f"/api/impact/disclosure?scope=donor&organisation_id={bob.organisation_id}")
    assert own.status_code == 200
    points = {d["id"]: d for d in own.json()["datapoints"]}
    assert points["ESRS-E5-39-hazardous"]["value"] == "80.60"
    # another organisation's, or one that does not exist: the same refusal, before any lookup
    other = client.get(f"/api/impact/disclosure?scope=donor&organisation_id={pujiang_bank.pk}")
    missing = client.get("/api/impact/disclosure?scope=donor&organisation_id=999999")
    assert other.status_code == missing.status_code == 403
    assert client.get("/api/impact/disclosure").status_code == 403
    client.force_login(lena)
    assert client.get("/api/impact/disclosure").json()["datapoints"][0]["value"] == "128.16"
    assert (
        client.get("/api/impact/disclosure?scope=donor&organisation_id=999999").status_code == 404
    )
    wrong_kind = client.get(
        f"/api/impact/disclosure?scope=sponsor&organisation_id={bob.organisation_id}"
    )
    assert wrong_kind.status_code == 422 and "scope" in wrong_kind.content.decode()
    no_org = client.get("/api/impact/disclosure?scope=donor")
    assert no_org.status_code == 422 and "organisation_id" in no_org.content.decode()
