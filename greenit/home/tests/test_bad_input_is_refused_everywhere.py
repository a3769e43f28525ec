"""Bad numbers and unstorable strings are refused on every face, naming the field, and change
nothing: `1e1000000` used to be stored as `inf` on SQLite and then every page showing it (the
public /impact/ included) answered 500; a NUL byte failed on PostgreSQL, a lone surrogate
everywhere; `2**63` overflowed SQLite; `end=9999-12-31` overflowed the period's bounds.

The mechanisms: the API's schemas take their limits from the model fields
(`core/schema_types.py`), one middleware refuses NUL bytes and lone surrogates wherever input
enters, and a pre-save check (`core/storable.py`) refuses what a column cannot hold from any
face (an import, the shell, a task)."""

from datetime import time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from greenit.accounts.models import ApiToken, Organisation
from greenit.collection.models import BoxEmptying, BoxEmptyingWeight, BoxReport, CollectionBox
from greenit.donations import services as donation_services
from greenit.donations.models import Donation, Pickup
from greenit.recycling import services as recycling_services
from greenit.recycling.models import BatchLooseWeight, RecyclerLicence

pytestmark = pytest.mark.django_db

BAD_NUMBERS = [
    "1e1000000",
    "-1e1000000",
    "Infinity",
    "NaN",
    "12345678901234567890",
    "1.23456",
    1e308,
    2**63,
]
UNSTORABLE = ["a\x00b", "\ud800", "x\udfff"]


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": "Bearer " + ApiToken.issue(user=user, name="t")[1]}


@pytest.fixture
def box(east_auto):
    return CollectionBox.objects.create(code="SH-001", host=east_auto, site="食堂")


@pytest.fixture
def pickup(make_donation, east_auto, lena):
    donation = make_donation(
        east_auto, items=[donation_services.ItemInput(category="laptop", quantity=2)]
    )
    donation.status = Donation.Status.ACCEPTED
    donation.save()
    return donation_services.pickup_schedule(
        donation=donation,
        actor=lena,
        date=timezone.localdate() + timedelta(days=3),
        window_start=time(9),
        window_end=time(11),
        driver=lena,
    )


@pytest.fixture
def batch(alice):
    recycler = Organisation.objects.create(name="绿循环", is_recycler=True)
    RecyclerLicence.objects.create(
        organisation=recycler,
        kind=RecyclerLicence.Kind.WEEE,
        number="GC-1",
        issuer="生态环境局",
        valid_from=timezone.localdate() - timedelta(days=10),
        expires_on=timezone.localdate() + timedelta(days=100),
    )
    return recycling_services.batch_create(recycler=recycler, actor=alice)


def _refused(response, field: str) -> None:
    assert response.status_code == 422, response.content
    assert field in response.content.decode(), response.content


@pytest.mark.parametrize("weight", BAD_NUMBERS)
def test_a_box_emptying_with_a_bad_weight_is_refused_and_impact_still_shows(
    client, lena, box, weight
):
    response = client.post(
        f"/api/boxes/{box.code}/emptyings",
        {"weights": [{"category": "phone", "weight_kg": weight}]},
        content_type="application/json",
        **_bearer(lena),
    )
    _refused(response, "weight_kg")
    assert not BoxEmptying.objects.exists()
    assert client.get("/impact/").status_code == 200


@pytest.mark.parametrize("weight", BAD_NUMBERS)
def test_a_pickup_collection_with_a_bad_weight_is_refused(client, lena, pickup, weight):
    response = client.post(
        f"/api/donations/pickups/{pickup.pk}/collection",
        {"collected": {"laptop": 2}, "handed_over_by": "赵磊", "weight_kg": weight},
        content_type="application/json",
        **_bearer(lena),
    )
    _refused(response, "weight_kg")
    assert Pickup.objects.get().weight_kg is None


@pytest.mark.parametrize("weight", BAD_NUMBERS)
def test_a_bad_loose_weight_is_refused(client, alice, batch, weight):
    response = client.post(
        f"/api/recycling/batches/{batch.number}/loose",
        {"category": "cable", "weight_kg": weight},
        content_type="application/json",
        **_bearer(alice),
    )
    _refused(response, "weight_kg")
    assert not BatchLooseWeight.objects.exists()


@pytest.mark.parametrize("text", UNSTORABLE)
def test_unstorable_strings_are_refused_in_json_naming_the_field(client, box, text):
    response = client.post(
        f"/api/boxes/{box.code}/reports",
        {"kind": "full", "note": text},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "note" in response.json()["errors"]
    assert not BoxReport.objects.exists()


@pytest.mark.parametrize("text", ["a\x00b", "\x00"])
def test_nul_bytes_are_refused_in_queries_paths_and_forms(client, lena, box, text):
    client.force_login(lena)
    assert client.get("/api/donations", {"status": text}).status_code == 422
    assert client.get(f"/api/boxes/{box.code}{text}/reports").status_code in (404, 422)
    response = client.post(
        f"/boxes/{box.code}/",
        urlencode({"kind": "full", "note": text}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert b"note" in response.content
    # A multipart form is read by its view: Django's form fields refuse NUL beside the field.
    response = client.post(f"/boxes/{box.code}/", {"kind": "full", "note": text})
    assert response.status_code < 500
    assert "note" in response.context["form"].errors
    assert not BoxReport.objects.exists()


@pytest.mark.parametrize("number", [2**63, 2**64, -(2**63) - 1, 2**31])
def test_huge_integers_are_refused_not_overflowed(client, lena, number):
    client.force_login(lena)
    assert client.get("/api/donations", {"before_id": number}).status_code in (200, 422)
    response = client.post(
        "/api/donations",
        {
            "contact_name": "赵磊",
            "donor_organisation_id": number,
            "items": [{"category": "laptop", "quantity": number}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Donation.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0001-01-01", "9999-12-31"),
        (None, "9999-12-31"),
        ("0001-01-01", None),
        ("9999-12-31", "9999-12-31"),
        ("0001-01-01", "0001-01-01"),
    ],
)
def test_periods_at_the_calendars_ends_work(client, ada, start, end):
    client.force_login(ada)
    query = {k: v for k, v in {"start": start, "end": end}.items() if v}
    assert client.get("/api/impact/figures", query).status_code == 200


def test_no_face_can_save_what_a_column_cannot_hold(box, lena):
    """The third face: an import, the shell or a task saving a model directly."""
    emptying = BoxEmptying.objects.create(box=box, done_by=lena)
    for weight in [Decimal("Infinity"), Decimal("NaN"), Decimal("1e20"), float("inf")]:
        with pytest.raises(ValidationError) as refused:
            BoxEmptyingWeight.objects.create(emptying=emptying, category="phone", weight_kg=weight)
        assert "weight_kg" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        CollectionBox.objects.create(code="SH-2", host=box.host, site="x" * 201)
    assert "site" in refused.value.message_dict
    for text in UNSTORABLE:
        with pytest.raises(ValidationError) as refused:
            BoxReport.objects.create(box=box, kind="full", note=text)
        assert "note" in refused.value.message_dict
    assert not BoxEmptyingWeight.objects.exists()


def test_the_api_schema_takes_its_limits_from_the_models():
    from greenit.api import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    weight = schemas["WeightIn"]["properties"]["weight_kg"]["anyOf"]
    assert {"type": "number", "exclusiveMinimum": 0, "maximum": 9999999.99} in weight
    assert {"type": "string", "pattern": r"^\d{1,7}(\.\d{1,2})?$"} in weight
    assert schemas["BoxReportIn"]["properties"]["note"]["maxLength"] == (
        BoxReport._meta.get_field("note").max_length
    )
    assert schemas["StatusIn"]["properties"]["status"]["enum"] == [
        "planned",
        "equipping",
        "ready",
        "opened",
        "closed",
    ]
    assert schemas["AttendanceIn"]["properties"]["attendance"]["enum"] == [
        "present",
        "late",
        "absent",
    ]


@pytest.mark.parametrize("number", [2**63, 2**64, -(2**63) - 1])
@pytest.mark.parametrize(
    "path",
    [
        "/api/donations/{n}",
        "/api/donations/pickups/{n}",
        "/api/impact/reports/{n}",
        "/api/classrooms/projects/{n}",
        "/api/support/tickets/{n}",
        "/api/imports/{n}",
        "/donations/{n}/",
        "/donations/pickups/{n}/",
    ],
)
def test_huge_ids_in_paths_are_not_found_not_overflowed(client, ada, path, number):
    client.force_login(ada)
    assert client.get(path.format(n=number)).status_code in (404, 422)


@pytest.mark.parametrize("weight", [*map(str, BAD_NUMBERS), "1e100", "-1e100", "1e30kg"])
def test_an_import_names_a_bad_weight_cell(weight):
    from greenit.imports.checking import check_weight

    value, errors = check_weight(weight, 2)
    assert value is None or (value.is_finite() and not errors)
    assert value is not None or errors[0]["field"] == "weight_kg"
