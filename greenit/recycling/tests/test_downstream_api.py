"""The downstream due diligence API: vendors, licences, streams, tiers, shipments and the
flow report; technicians record, a recycler's contact sees only its own streams."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from greenit.accounts.models import ApiToken, Organisation, User

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user, name='t')[1]}"}


def _post(client, url, body, auth):
    return client.post(url, body, content_type="application/json", **auth)


def test_a_stream_recorded_through_the_api_reaches_its_final_disposition(alice, client):
    auth = _auth(alice)
    recycler = Organisation.objects.create(name="绿循环", is_recycler=True)
    other = Organisation.objects.create(name="别家", is_recycler=True)
    vendor = _post(client, "/api/recycling/vendors", {"name": "冶炼厂"}, auth)
    assert vendor.status_code == 201
    vid = vendor.json()["id"]
    lic = _post(
        client,
        f"/api/recycling/vendors/{vid}/licences",
        {
            "kind": "hw_permit",
            "number": "HW-1",
            "issuer": "生态环境厅",
            "valid_until": str(timezone.localdate() - timedelta(days=1)),
        },
        auth,
    )
    assert lic.json()["licences"][0]["expired"] is True
    stream = _post(
        client,
        "/api/recycling/streams",
        {"recycler_id": recycler.pk, "name": "Batteries", "focus_material": "batteries"},
        auth,
    )
    sid = stream.json()["id"]
    _post(client, "/api/recycling/streams", {"recycler_id": other.pk, "name": "Other"}, auth)
    tier = _post(
        client,
        f"/api/recycling/streams/{sid}/tiers",
        {
            "tier": 2,
            "vendor_id": vid,
            "process": "smelting",
            "final_disposition": "material_recovery",
        },
        auth,
    )
    assert tier.status_code == 201
    ship = _post(
        client,
        f"/api/recycling/streams/{sid}/shipments",
        {"shipped_on": str(timezone.localdate()), "weight_kg": "12.5", "bill_of_lading": "B-1"},
        auth,
    )
    assert ship.status_code == 201
    bad = _post(
        client,
        f"/api/recycling/streams/{sid}/shipments",
        {"shipped_on": str(timezone.localdate()), "weight_kg": "1", "bill_of_lading": " "},
        auth,
    )
    assert bad.status_code == 422
    flows = {f["stream"]["name"]: f for f in client.get("/api/recycling/streams", **auth).json()}
    assert flows["Batteries"]["final_disposition"] == "material_recovery"
    assert Decimal(flows["Batteries"]["shipped_kg"]) == Decimal("12.5")
    assert "expired" in flows["Batteries"]["problems"][0]
    contact = User.objects.create_user(username="rc", password="x", organisation=recycler)
    seen = client.get("/api/recycling/streams", **_auth(contact)).json()
    assert [f["stream"]["name"] for f in seen] == ["Batteries"]
    assert (
        _post(
            client,
            f"/api/recycling/streams/{sid}/shipments",
            {"shipped_on": str(timezone.localdate()), "weight_kg": "1", "bill_of_lading": "X"},
            _auth(contact),
        ).status_code
        == 403
    )


def test_only_technicians_record_vendors(lena, client):
    assert _post(client, "/api/recycling/vendors", {"name": "V"}, _auth(lena)).status_code == 403
