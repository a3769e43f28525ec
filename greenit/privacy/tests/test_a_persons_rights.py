"""PIPL arts. 44–47: staff find everything about a person, export it and erase it, and the
erasure leaves no trace of the person in any text column while devices, custody events and
impact figures stay whole."""

import dataclasses
import json
import subprocess

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from greenit.assets.models import Asset, CustodyEvent
from greenit.impact.calculations import Scope, calculate
from greenit.privacy import services

from .conftest import EMAIL, NAME, PHONE

TRACES = (NAME, EMAIL, PHONE, "Tsao-Verhoeven", "88 Tsao Lane")


def _found(records: dict) -> dict:
    return {label: sorted(row["id"] for row in rows) for label, rows in records.items()}


def _expected(person: dict) -> dict:
    return {label: pks for label, pks in person.items() if not label.startswith("_")}


@pytest.mark.parametrize("query", [EMAIL, EMAIL.upper(), PHONE, NAME])
def test_staff_find_every_record_of_the_person_by_e_mail_phone_or_name(person, ada, query):
    assert _found(services.person_find(actor=ada, query=query)) == _expected(person)


def test_the_export_holds_every_record_machine_readable(person, ada):
    document = json.loads(services.person_export_json(actor=ada, query=EMAIL))
    assert _found(document["records"]) == _expected(person)
    assert document["records"]["donations.Donation"][0]["contact_phone"] == PHONE
    assert "password" not in document["records"]["accounts.User"][0]


def test_the_readable_export_is_a_pdf_in_the_organisations_name(person, ada, settings):
    settings.ORGANISATION_NAME = "Lumen Schools Trust"

    data = services.person_export_pdf(actor=ada, query=EMAIL)

    assert data.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "Personal information held by Lumen Schools Trust" in text
    assert "greenit" not in text.lower()


def test_only_administrators_see_or_erase_a_person(person, paul, lena):
    for who in (paul, lena):
        with pytest.raises(PermissionDenied):
            services.person_find(actor=who, query=EMAIL)
        with pytest.raises(PermissionDenied):
            services.person_erase(actor=who, query=EMAIL, confirmed=True)


def _text_columns_holding(word: str) -> list[str]:
    """Every table and text column in the database (any app's, Django's own too) in which
    `word` occurs, ignoring case."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                kind = connection.introspection.get_field_type(column.type_code, column)
                if kind not in ("CharField", "TextField", "JSONField", "EmailField"):
                    continue
                q = connection.ops.quote_name
                cursor.execute(  # names from the database's own catalogue, quoted
                    f"SELECT COUNT(*) FROM {q(table)} "  # noqa: S608
                    f"WHERE LOWER(CAST({q(column.name)} AS TEXT)) LIKE %s",
                    [f"%{word.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{table}.{column.name}")
    return hits


def _figures() -> dict:
    return dataclasses.asdict(calculate(Scope("organisation")))


def _custody() -> list:
    return list(CustodyEvent.objects.order_by("pk").values_list())


def test_erasure_leaves_no_trace_and_keeps_devices_custody_and_figures(person, ada, laptop):
    assert _text_columns_holding(NAME)  # the search finds what is there
    figures, custody, devices = _figures(), _custody(), Asset.objects.count()
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}

    services.person_erase(actor=ada, query=EMAIL, confirmed=True)

    assert {word: _text_columns_holding(word) for word in TRACES} == {w: [] for w in TRACES}
    assert _figures() == figures
    assert _custody() == custody and custody
    assert Asset.objects.count() == devices
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts
    user = apps.get_model("accounts.User").objects.get(pk=person["accounts.User"][0])
    assert not user.is_active and not user.has_usable_password()


def test_erasure_keeps_what_is_said_around_the_name(person, ada):
    services.person_erase(actor=ada, query=NAME, confirmed=True)
    person["_opening"].refresh_from_db()
    assert person["_opening"].guests == "the mayor; [erased]; parents"


def test_erasing_twice_changes_nothing_more(person, ada):
    services.person_erase(actor=ada, query=EMAIL, confirmed=True)
    assert services.person_find(actor=ada, query=EMAIL) == {}
    assert services.person_erase(actor=ada, query=EMAIL, confirmed=True) == {"scrubbed": 0}


def test_the_person_page_finds_exports_and_erases(person, ada, client):
    client.force_login(ada)
    page = client.get(reverse("privacy:person"), {"q": EMAIL})
    assert page.status_code == 200 and NAME in page.content.decode()
    exported = client.get(reverse("privacy:export_json"), {"q": EMAIL})
    assert exported["Content-Type"] == "application/json" and NAME in exported.content.decode()
    refused = client.post(reverse("privacy:erase"), {"q": EMAIL})  # not confirmed
    assert refused.status_code == 302
    assert services.person_find(actor=ada, query=EMAIL)
    client.post(reverse("privacy:erase"), {"q": EMAIL, "confirm": "on"})
    assert services.person_find(actor=ada, query=EMAIL) == {}


def test_other_staff_get_the_refusal_on_the_person_page(person, paul, client):
    client.force_login(paul)
    assert client.get(reverse("privacy:person"), {"q": EMAIL}).status_code == 403
    assert client.post(reverse("privacy:erase"), {"q": EMAIL, "confirm": "on"}).status_code == 403


def test_the_api_finds_and_erases_for_administrators_only(person, ada, paul, client):
    url = reverse("api:find_person")
    client.force_login(paul)
    assert client.get(url, {"q": EMAIL}).status_code == 403
    client.force_login(ada)
    found = client.get(url, {"q": EMAIL}).json()
    assert _found(found["records"]) == _expected(person)
    erase = reverse("api:erase_person")
    refused = client.post(erase, {"q": EMAIL, "confirm": False}, content_type="application/json")
    assert refused.status_code == 422
    done = client.post(erase, {"q": EMAIL, "confirm": True}, content_type="application/json")
    assert done.status_code == 200 and done.json()["counts"]["donations.Donation"] == 1
    assert client.get(url, {"q": EMAIL}).json()["records"] == {}
