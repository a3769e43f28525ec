"""Bad numbers and unstorable strings are refused on every face, naming the field, and change
nothing: `1e1000000` used to be stored as `inf` on SQLite and then every page showing it (the
public /impact/ included) answered 500; a NUL byte failed on PostgreSQL, a lone surrogate
everywhere; `2**63` overflowed SQLite; `end=9999-12-31` overflowed the period's bounds.

The mechanisms: the API's schemas take their limits from the model fields
(`core/schema_types.py`), one middleware refuses NUL bytes and lone surrogates wherever input
enters, and a pre-save check (`core/storable.py`) refuses what a column cannot hold from any
face (an import, the shell, a task)."""

import uuid
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


def _unbounded(schema: dict, components: dict, where: str) -> list[str]:
    """Where a string has no length, choice or pattern, or an integer no bounds."""
    if "$ref" in schema:
        return _unbounded(components[schema["$ref"].rsplit("/", 1)[1]], components, where)
    found = []
    for option in schema.get("anyOf", []):
        found += _unbounded(option, components, where)
    kind = schema.get("type")
    if kind == "string" and not (
        {"maxLength", "enum", "pattern", "const"} & set(schema) or schema.get("format")
    ):
        found.append(where)
    if kind == "integer" and not {"maximum", "minimum"} <= set(schema):
        found.append(where)
    if kind == "array":
        found += _unbounded(schema.get("items", {}), components, f"{where}[]")
    for name, field in schema.get("properties", {}).items():
        found += _unbounded(field, components, f"{where}.{name}")
    if isinstance(schema.get("additionalProperties"), dict):
        found += _unbounded(schema["additionalProperties"], components, f"{where}{{}}")
    return found


# Their schemas take every limit from the models (finishing issue 13's second finding).
STRICT = ("/api/",)
# Text columns without a length (`TextField`): only the storable check applies.
UNLIMITED_TEXT = {
    ".note",
    ".answer",
    ".errors",
    ".commands[]",
    ".notes",
    ".reason",
    ".message",
    ".guests",
    ".sponsor_representatives",
    ".volunteers",
}


def test_every_input_the_api_reads_has_its_limits():
    """Every body field, query and path parameter: a string has a length, a choice or a
    pattern (unless its column is a text without one); an integer a range (so 2**63 or a
    megabyte of text is refused by the schema)."""
    from greenit.api import api

    spec = api.get_openapi_schema()
    components = spec["components"]["schemas"]
    unbounded = []
    for path, operations in spec["paths"].items():
        if not path.startswith(STRICT):
            continue
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['name']}"
                if parameter["in"] == "path" and parameter["schema"].get("type") == "string":
                    continue  # a code or tag looked up: unknown is 404
                unbounded += _unbounded(parameter["schema"], components, where)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                unbounded += _unbounded(content["schema"], components, f"{method.upper()} {path}")
    assert [w for w in unbounded if not w.endswith(tuple(UNLIMITED_TEXT))] == []


def _record(tag: str, **changes) -> dict:
    """A wipe agent's record as greenit_wipe/record.py builds it, with `changes`."""
    now = timezone.now()
    medium = {
        "serial": "S3Z9NB0K",
        "model": "PM871b",
        "manufacturer": "Samsung",
        "media_type": "sata_ssd",
        "interface": "sata",
        "capacity_bytes": 256_060_514_304,
    }
    medium |= changes.pop("medium", {})
    return {
        "record_id": str(uuid.uuid4()),
        "asset_tag": tag,
        "medium": medium,
        "nist_category": "purge",
        "technique": "ata_sanitize_block_erase",
        "pattern": "",
        "passes": 1,
        "tool": "greenit-wipe",
        "tool_version": "1.0",
        "started_at": (now - timedelta(hours=1)).isoformat(),
        "ended_at": now.isoformat(),
        "bytes_written": 0,
        "verification": "sampled",
        "verification_result": "passed",
        "result": "passed",
        "errors": "",
        "hpa_dco": "none",
        "commands": ["hdparm --yes-i-know-what-i-am-doing --sanitize-block-erase /dev/sda"],
        "station": "wipe-01",
    } | changes


@pytest.fixture
def received(make_asset, donation):
    return make_asset(donation, serial="PF1XYZ")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"technique": "wipe_everything"}, "technique"),
        ({"nist_category": "scrub"}, "nist_category"),
        ({"verification": "glance"}, "verification"),
        ({"result": "ok"}, "result"),
        ({"medium": {"media_type": "floppy"}}, "media_type"),
        ({"medium": {"serial": "S" * 101}}, "serial"),
        ({"medium": {"capacity_bytes": 2**64}}, "capacity_bytes"),
        ({"medium": {"capacity_bytes": -1}}, "capacity_bytes"),
        ({"passes": 2**31}, "passes"),
        ({"bytes_written": 2**63}, "bytes_written"),
        ({"pattern": "z" * 61}, "pattern"),
        ({"tool_version": "1" * 41}, "tool_version"),
        ({"station": "w" * 101}, "station"),
        ({"hpa_dco": "h" * 201}, "hpa_dco"),
        ({"commands": ["hdparm\x00"]}, "commands"),
        ({"asset_tag": "A" * 101}, "asset_tag"),
    ],
)
def test_a_bad_sanitization_record_is_refused_naming_the_field(
    client, alice, received, changes, field
):
    from greenit.sanitization.models import SanitizationRecord, StorageMedium

    response = client.post(
        "/api/sanitization/records",
        _record(received.tag, **changes),
        content_type="application/json",
        **_bearer(alice),
    )
    _refused(response, field)
    assert not StorageMedium.objects.exists()
    assert not SanitizationRecord.objects.exists()


def test_the_wipe_agents_record_is_still_taken(client, alice, received):
    response = client.post(
        "/api/sanitization/records",
        _record(received.tag),
        content_type="application/json",
        **_bearer(alice),
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"make": "m" * 101}, "make"),
        ({"serial": "s" * 101}, "serial"),
        ({"location": "l" * 101}, "location"),
        ({"category": "c" * 31}, "category"),
        ({"category": ""}, "category"),
        ({"donation_id": 2**63}, "donation_id"),
        ({"model": "a\x00b"}, "model"),
    ],
)
def test_a_bad_intake_is_refused_naming_the_field(client, lena, donation, changes, field):
    from greenit.assets.models import Asset

    body = {"donation_id": donation.pk, "category": "laptop", "serial": "PF1"} | changes
    response = client.post(
        "/api/assets/intake", body, content_type="application/json", **_bearer(lena)
    )
    _refused(response, field)
    assert not Asset.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"location": "l" * 101}, "location"), ({"to": "teleported"}, "to")],
)
def test_a_bad_transition_is_refused_and_the_device_stays(client, alice, laptop, changes, field):
    body = {"to": "sanitized"} | changes
    response = client.post(
        f"/api/assets/{laptop.tag}/transitions",
        body,
        content_type="application/json",
        **_bearer(alice),
    )
    _refused(response, field)
    laptop.refresh_from_db()
    assert (laptop.state, laptop.location, laptop.events.count()) == ("received", "", 1)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 2**63}, "limit"),
        ({"before_id": 2**63}, "before_id"),
        ({"donation_id": 0}, "donation_id"),
        ({"state": "vanished"}, "state"),
        ({"q": "q" * 101}, "q"),
    ],
)
def test_bad_asset_queries_are_refused_naming_the_parameter(client, lena, query, field):
    _refused(client.get("/api/assets", query, **_bearer(lena)), field)


@pytest.mark.parametrize(
    ("form", "field"),
    [({"donation_id": 2**63}, "donation_id"), ({"mapping": "{" + " " * 10_000 + "}"}, "mapping")],
)
def test_a_bad_import_is_refused_naming_the_field(client, lena, donation, form, field):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from greenit.imports.models import AssetImport

    upload = SimpleUploadedFile("list.csv", b"serial,category\nPF1,laptop\n", "text/csv")
    response = client.post(
        "/api/imports", {"file": upload, "donation_id": donation.pk} | form, **_bearer(lena)
    )
    _refused(response, field)
    assert not AssetImport.objects.exists()


@pytest.mark.parametrize(
    ("query", "field"), [({"limit": 2**63}, "limit"), ({"status": "closed"}, "status")]
)
def test_bad_ticket_queries_are_refused_naming_the_parameter(client, ada, query, field):
    _refused(client.get("/api/support/tickets", query, **_bearer(ada)), field)
