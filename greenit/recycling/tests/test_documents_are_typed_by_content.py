"""Stored XSS through documents (issue 13, finding 1): an upload's type is decided by its
content against the field's allow-list, it is stored under a name we choose, and served with
that type, `nosniff`, and as an attachment unless it is an image we re-encoded."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from greenit.accounts.models import ApiToken, Organisation
from greenit.core import files
from greenit.recycling import services
from greenit.recycling.models import RecyclerLicence, RecyclingBatch

pytestmark = pytest.mark.django_db
PDF = files.blank_pdf()
SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, format="JPEG")
    return out.getvalue()


REFUSED = {
    "html-named-pdf-starting-with-%PDF.html": b"%PDF-1.4\n" + SCRIPT,
    "ticket.pdf": SCRIPT,  # an HTML file named .pdf
    "ticket.png": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "ticket.gif": b"GIF89a/*\x00\x00*/=1;alert(1)//" + SCRIPT,  # a GIF/JS polyglot
    "ticket.jpg": b"\xff\xd8\xff\xe0" + SCRIPT,  # a JPEG header and nothing of a picture
    "ticket.exe": b"MZ\x90\x00" + b"\x00" * 64,
}
ACCEPTED = {
    # name given, content, (detected extension, type served, inline?)
    "ticket.html": (PDF, ("pdf", "application/pdf", False)),
    "polyglot.html": (PDF + SCRIPT, ("pdf", "application/pdf", False)),  # HTML after %%EOF
    "scan.html": (_jpeg() + SCRIPT, ("jpg", "image/jpeg", True)),  # re-encoded: script gone
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shipping(alice, laptop):
    org = Organisation.objects.create(name="绿循环", is_recycler=True)
    today = timezone.localdate()
    RecyclerLicence.objects.create(
        organisation=org,
        kind=RecyclerLicence.Kind.WEEE,
        number="L-1",
        issuer="上海市生态环境局",
        valid_from=today.replace(year=today.year - 1),
        expires_on=today.replace(year=today.year + 1),
    )
    batch = services.batch_create(recycler=org, actor=alice)
    services.batch_add_device(batch=batch, code=laptop.tag, actor=alice)
    _token, key = ApiToken.issue(user=alice, name="workshop")
    return batch, {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _ship(client, batch, auth, name, data):
    return client.post(
        f"/api/recycling/batches/{batch.number}/ship",
        {
            "shipped_on": timezone.localdate().isoformat(),
            "transporter": "顺达物流",
            "weight_ticket_kg": "40",
            "weight_ticket": SimpleUploadedFile(name, data, content_type="application/pdf"),
        },
        **auth,
    )


@pytest.mark.parametrize("name", REFUSED)
def test_a_document_whose_content_is_not_an_allowed_type_is_refused(client, shipping, name):
    batch, auth = shipping
    response = _ship(client, batch, auth, name, REFUSED[name])
    assert response.status_code == 422, response.content
    message = response.json()["errors"]["weight_ticket"][0]
    assert "PDF, JPEG, PNG" in message
    batch.refresh_from_db()
    assert batch.status == RecyclingBatch.Status.OPEN and not batch.weight_ticket


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_document_is_stored_under_our_name_and_served_with_its_content_type(
    client, shipping, alice, name
):
    batch, auth = shipping
    data, (extension, mime, inline) = ACCEPTED[name]
    assert _ship(client, batch, auth, name, data).status_code == 200
    batch.refresh_from_db()
    stored = batch.weight_ticket.name.rsplit("/", 1)[-1]
    assert stored.endswith(f".{extension}") and "ticket" not in stored and "html" not in stored
    client.force_login(alice)
    response = client.get(reverse("recycling:document", args=[batch.number, "weight-ticket"]))
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == mime
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline" if inline else "attachment")
    assert ".html" not in response["Content-Disposition"]
    if inline:
        assert b"<script" not in body


def test_a_file_stored_before_the_rule_is_served_by_its_content_not_its_name(alice, client):
    """Files kept under the name someone chose (before this rule) are no exception."""
    org = Organisation.objects.create(name="回收", is_recycler=True)
    batch = RecyclingBatch.objects.create(number="RB2026-0009", recycler=org, created_by=alice)
    batch.weight_ticket.save("ticket.html", ContentFile(b"%PDF-1.4\n" + SCRIPT))
    client.force_login(alice)
    response = client.get(reverse("recycling:document", args=[batch.number, "weight-ticket"]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    batch.weight_ticket.save("page.html", ContentFile(SCRIPT))
    response = client.get(reverse("recycling:document", args=[batch.number, "weight-ticket"]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["licence.html", "licence.pdf"])
def test_a_licence_document_goes_the_same_way(alice, name):
    org = Organisation.objects.create(name="回收", is_recycler=True)
    today = timezone.localdate()
    fields = {
        "organisation": org,
        "kind": RecyclerLicence.Kind.WEEE,
        "number": "L-2",
        "issuer": "x",
        "valid_from": today,
        "expires_on": today,
    }
    with pytest.raises(Exception, match="PDF, JPEG, PNG"):
        services.licence_record(actor=alice, document=SimpleUploadedFile(name, SCRIPT), **fields)
    licence = services.licence_record(actor=alice, document=SimpleUploadedFile(name, PDF), **fields)
    stored = licence.document.name.rsplit("/", 1)[-1]
    assert stored.endswith(".pdf") and "licence" not in stored


def test_photos_are_served_inline_as_images_with_nosniff(client, db):
    """Every photo is re-encoded on the way in; the views serve them through files.serve."""
    from greenit.core.images import clean_photo

    photo = clean_photo(SimpleUploadedFile("x.html", _jpeg() + SCRIPT))
    assert photo.name.endswith(".jpg") and SCRIPT not in photo.read()
