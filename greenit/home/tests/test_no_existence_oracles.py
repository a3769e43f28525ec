"""No existence oracles (finding 11): every API operation that takes an id — in its path or
its body — answers a donor contact the same (status and body) for another organisation's
id and for an id that does not exist. The walk covers every operation the API has, over the
demo's data, so an operation added later is walked too."""

import io
import re
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from greenit.accounts.models import ApiToken, Organisation, TokenScope, User
from greenit.api import api
from greenit.assets.models import Asset
from greenit.classrooms.models import Allocation, ClassroomProject, SchoolApplication
from greenit.collection.models import CollectionBox
from greenit.donations.models import Donation, DonationReceipt, Pickup
from greenit.evidence.models import Difference, Format, Snapshot, UnmatchedDrive
from greenit.impact.models import ImpactReport
from greenit.imports.models import AssetImport
from greenit.recycling.models import DownstreamVendor, MaterialStream, RecyclingBatch
from greenit.refurbishment.models import SoftwareKit
from greenit.sanitization.models import Certificate
from greenit.support.models import Ticket
from greenit.volunteers.models import Shift, SignUp

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_oracles")]

MISSING_INT = 987_654_321
MISSING_TEXT = "ZZ-0000-MISSING"
# Ids a body may carry (record_id is the caller's own idempotency key, not a lookup).
BODY_IDS = {
    "organisation_id",
    "donor_organisation_id",
    "recycler_id",
    "driver_id",
    "software_kit_id",
    "donation_id",
    "asset_tag",
    "project_id",
    "school_id",
}


def _first(queryset):
    found = queryset.order_by("pk").first()
    assert found is not None, f"the demo has no {queryset.model.__name__} to walk with"
    return found


def _own(queryset):
    found = queryset.order_by("pk").first()
    return found.pk if found else None


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, _session_signing_key, _session_pdf_chain):
    """The demo, as seen by sun.bank (a contact of Pujiang Commercial Bank, donor and
    sponsor): for each kind of id, one of their own (when they have one) and one of another
    organisation's."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            SIGNING_KEY_FILE=_session_signing_key,
            SIGNING_PDF_DIR=_session_pdf_chain,
            SIGNING_PUBLIC_KEYS_DIR=None,
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        ),
        transaction.atomic(),
    ):
        call_command("demo", devices=40, stdout=io.StringIO())
        donor = User.objects.get(username="sun.bank")
        mine = donor.organisation
        other = _first(Organisation.objects.exclude(pk=mine.pk).filter(is_donor=True))
        own_donation = _first(Donation.objects.filter(donor_organisation=mine))
        foreign_donation = _first(Donation.objects.exclude(donor_organisation=mine))
        own_asset = Asset.objects.filter(donation__donor_organisation=mine).first()
        foreign_asset = _first(Asset.objects.exclude(donation__donor_organisation=mine))
        foreign_project = _first(
            ClassroomProject.objects.exclude(
                pk__in=ClassroomProject.objects.visible_to(donor).values("pk")
            )
        )
        if not AssetImport.objects.exclude(donation__donor_organisation=mine).exists():
            AssetImport.objects.create(donation=foreign_donation, created_by=None)
        if not ImpactReport.objects.exclude(organisation=mine).exists():
            ImpactReport.objects.create(
                organisation=other,
                kind="donor",
                start=timezone.localdate() - timedelta(days=30),
                end=timezone.localdate(),
            )
        values = {
            # name: (own value, another organisation's value)
            "donation_id": (own_donation.pk, foreign_donation.pk),
            "pickup_id": (
                _own(Pickup.objects.filter(donation__donor_organisation=mine)),
                _first(Pickup.objects.exclude(donation__donor_organisation=mine)).pk,
            ),
            "tag": (own_asset and own_asset.tag, foreign_asset.tag),
            "asset_tag": (own_asset and own_asset.tag, foreign_asset.tag),
            "code": (None, _first(CollectionBox.objects).code),
            "import_id": (
                None,
                _first(AssetImport.objects.exclude(donation__donor_organisation=mine)).pk,
            ),
            "report_id": (None, _first(ImpactReport.objects.exclude(organisation=mine)).pk),
            "/recycling/batches/{number}": (None, _first(RecyclingBatch.objects).number),
            "/sanitization/certificates/{number}": (
                None,
                _first(Certificate.objects.exclude(donation__donor_organisation=mine)).number,
            ),
            "/classrooms/projects/{pk}": (None, foreign_project.pk),
            "/classrooms/allocations/{pk}": (None, _first(Allocation.objects).pk),
            "/classrooms/applications/{pk}": (None, _first(SchoolApplication.objects).pk),
            "/volunteers/shifts/{pk}": (None, _first(Shift.objects).pk),
            "/volunteers/signups/{pk}": (None, _first(SignUp.objects).pk),
            "ticket_id": (None, _first(Ticket.objects).pk),
            "organisation_id": (mine.pk, other.pk),
            "donor_organisation_id": (mine.pk, other.pk),
            "recycler_id": (None, _first(Organisation.objects.filter(is_recycler=True)).pk),
            "driver_id": (None, User.objects.get(username="li.logistics").pk),
            "software_kit_id": (None, _first(SoftwareKit.objects).pk),
            "project_id": (None, foreign_project.pk),
            "school_id": (None, _first(Organisation.objects.filter(is_school=True)).pk),
            "receipt_id": (
                None,
                _first(DonationReceipt.objects.exclude(donation__donor_organisation=mine)).pk,
            ),
            "vendor_id": (None, _first(DownstreamVendor.objects).pk),
            "stream_id": (None, _first(MaterialStream.objects).pk),
            **_foreign_evidence(foreign_asset, other),
        }
        _token, key = ApiToken.issue(user=donor, name="walk", scope=TokenScope.WRITE)
        yield {"values": values, "key": key}
        transaction.set_rollback(True)


def _foreign_evidence(asset, organisation) -> dict:
    """A snapshot of another organisation's device, with a difference and a drive waiting."""
    snapshot = Snapshot.objects.create(
        uuid=uuid.uuid4(),
        sha256="0" * 64,
        format=Format.values[0],
        body=b"",
        size=0,
        asset=asset,
        organisation=organisation,
        received_by=User.objects.get(username="wang.tech"),
    )
    difference = Difference.objects.create(
        snapshot=snapshot, asset=asset, field="model", entered="T480", read="T490"
    )
    drive = UnmatchedDrive.objects.create(
        snapshot=snapshot, device_name="/dev/sdb", result={}, reason="no serial"
    )
    return {
        "snapshot_id": (None, snapshot.pk),
        "difference_id": (None, difference.pk),
        "unmatched_id": (None, drive.pk),
    }


# Example bodies from the OpenAPI description ------------------------------------------------


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _example(schema: dict, spec: dict):
    schema = _resolve(schema, spec)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, spec).get("type") != "null"]
            return _example(options[0], spec)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            name: _example(prop, spec)
            for name, prop in schema.get("properties", {}).items()
            if name in schema.get("required", []) or name in BODY_IDS
        }
    if kind == "array":
        return [_example(schema.get("items", {}), spec)]
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return float(max(schema.get("minimum", 1), 1))
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    return {
        "date": timezone.localdate().isoformat(),
        "date-time": timezone.now().isoformat(),
        "time": "09:00:00",
        "binary": b"a,b\n1,2\n",
    }.get(fmt, "x")


def _operations():
    spec = api.get_openapi_schema()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            body, content_type = None, None
            if request_body := operation.get("requestBody"):
                content_type, content = next(iter(request_body["content"].items()))
                body = _example(content["schema"], spec)
            ids = params + [n for n in (body or {}) if n in BODY_IDS]
            if ids:
                yield method.upper(), path.removeprefix("/api"), params, body, content_type, ids


OPERATIONS = list(_operations())


def _value(values: dict, path: str, name: str, which: int):
    """A path's own entry ("/classrooms/projects/{pk}") first, then the parameter's name."""
    for key, pair in values.items():
        if key.startswith("/") and path.startswith(key) and key.endswith("{" + name + "}"):
            return pair[which]
    return values[name][which]


def _call(world, method, path, params, body, content_type, *, name, which):
    values = world["values"]

    def pick(param):
        if param == name:
            if which == "missing":
                foreign = _value(values, path, param, 1)
                return MISSING_INT if isinstance(foreign, int) else MISSING_TEXT
            return _value(values, path, param, 1)
        own = _value(values, path, param, 0)
        return own if own is not None else _value(values, path, param, 1)

    url = "/api" + path
    for param in params:
        url = url.replace("{" + param + "}", str(pick(param)))
    data = dict(body or {})
    for key in data:
        if key in BODY_IDS:
            data[key] = pick(key)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world['key']}")
    if method == "GET":
        return client.get(url)
    if content_type == "multipart/form-data":
        files = {k: io.BytesIO(v) for k, v in data.items() if isinstance(v, bytes)}
        for k, f in files.items():
            f.name = f"{k}.csv"
        form = {k: v for k, v in data.items() if not isinstance(v, bytes)}
        return getattr(client, method.lower())(url, {**form, **files})
    return getattr(client, method.lower())(url, data, content_type="application/json")


# Public by design: a collection box's code is printed on the box (its QR code) so that anyone
# standing there can report it full or damaged; knowing that a code exists reveals nothing.
PUBLIC_BY_DESIGN = {("POST", "/boxes/{code}/reports", "code")}

CASES = [
    pytest.param(op, name, id=f"{op[0]} {op[1]} [{name}]")
    for op in OPERATIONS
    for name in op[5]
    if (op[0], op[1], name) not in PUBLIC_BY_DESIGN
]


@pytest.mark.parametrize(("operation", "name"), CASES)
def test_a_foreign_id_and_a_missing_one_get_the_same_answer(world, operation, name):
    method, path, params, body, content_type, _ids = operation
    foreign = _call(world, method, path, params, body, content_type, name=name, which="foreign")
    missing = _call(world, method, path, params, body, content_type, name=name, which="missing")
    assert foreign.status_code < 500 and missing.status_code < 500
    assert (foreign.status_code, _normalised(foreign)) == (
        missing.status_code,
        _normalised(missing),
    ), f"{method} {path}: {name} foreign vs missing"


def _normalised(response) -> str:
    """The body, with the id itself taken out (an echo of the id sent is no oracle)."""
    text = response.content.decode()
    for value in (str(MISSING_INT), MISSING_TEXT):
        text = text.replace(value, "<id>")
    return re.sub(r"\b\d{3,}\b", "<n>", text)


def test_the_walk_covers_the_five_write_endpoints_of_the_audit():
    walked = {(op[0], op[1], name) for op in OPERATIONS for name in op[5]}
    assert {
        ("POST", "/impact/reports", "organisation_id"),
        ("POST", "/recycling/batches", "recycler_id"),
        ("POST", "/boxes/{code}/emptyings", "code"),
        ("POST", "/donations/{donation_id}/pickups", "driver_id"),
        ("POST", "/refurbishment/{tag}", "software_kit_id"),
    } <= walked
