import pytest
from django.core.exceptions import ValidationError

from greenit.accounts.models import ApiToken
from greenit.assets.models import State

from .conftest import all_pass


def _auth(user) -> dict:
    _token, key = ApiToken.issue(user=user, name="bench")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_api_records_a_test_and_marks_the_device_ready(client, alice, sanitized_laptop, kit):
    auth = _auth(alice)
    response = client.post(
        f"/api/refurbishment/{sanitized_laptop.tag}",
        {
            "checks": all_pass() | {"touchpad": "na"},
            "grade": "B",
            "software_kit_id": kit.pk,
            "battery_health_percent": 77,
            "parts": [{"part": "Keyboard", "quantity": 1}],
            "mark_ready": True,
        },
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["grade"], body["asset_state"], body["checks"]["touchpad"]) == ("B", "ready", "na")
    got = client.get(f"/api/refurbishment/{sanitized_laptop.tag}", **auth).json()
    assert got["parts"] == [{"part": "Keyboard", "quantity": 1, "note": ""}]


def test_mark_ready_without_a_kit_is_409_and_leaves_nothing_behind(client, alice, sanitized_laptop):
    response = client.post(
        f"/api/refurbishment/{sanitized_laptop.tag}",
        {"checks": all_pass(), "grade": "A", "mark_ready": True},
        content_type="application/json",
        **_auth(alice),
    )
    assert response.status_code == 409
    assert "software kit" in response.json()["detail"]
    sanitized_laptop.refresh_from_db()
    assert sanitized_laptop.state == State.SANITIZED


def test_bad_input_is_422_with_the_field(client, alice, sanitized_laptop):
    response = client.post(
        f"/api/refurbishment/{sanitized_laptop.tag}",
        {"checks": all_pass() | {"wifi": "ok"}, "grade": "A"},
        content_type="application/json",
        **_auth(alice),
    )
    assert response.status_code == 422
    assert "wifi" in response.json()["errors"]


def test_a_donor_contact_may_not_record_or_read_tests(client, bob, alice, sanitized_laptop, kit):
    client.post(
        f"/api/refurbishment/{sanitized_laptop.tag}",
        {"checks": all_pass(), "grade": "A", "software_kit_id": kit.pk},
        content_type="application/json",
        **_auth(alice),
    )
    auth = _auth(bob)  # bob's organisation donated the laptop
    assert client.get(f"/api/refurbishment/{sanitized_laptop.tag}", **auth).status_code == 404
    assert client.get("/api/refurbishment/kits", **auth).json() == []
    response = client.post(
        f"/api/refurbishment/{sanitized_laptop.tag}",
        {"checks": all_pass(), "grade": "A"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 403


def test_the_api_lists_software_kits(client, alice, kit):
    kits = client.get("/api/refurbishment/kits", **_auth(alice)).json()
    assert kits[0]["contents"][-1] == "Rime 中文输入"
    # Both languages, whatever the caller's: the API is not a page.
    assert kits[0]["name_zh"] == "" and kits[0]["contents_zh"] == []


def test_an_unknown_software_kit_is_named_in_the_422(client, alice, sanitized_laptop):
    response = client.post(
        f"/api/refurbishment/{sanitized_laptop.tag}",
        {"checks": all_pass(), "grade": "A", "software_kit_id": 999},
        content_type="application/json",
        **_auth(alice),
    )
    assert response.status_code == 422
    assert "software_kit_id" in response.json()["errors"]


def test_battery_health_is_a_percentage_in_the_api_and_the_model(client, alice, sanitized_laptop):
    from greenit.api import api
    from greenit.refurbishment.models import Refurbishment

    schema = api.get_openapi_schema()["components"]["schemas"]["RefurbishmentIn"]
    assert {"type": "integer", "minimum": 0, "maximum": 100} in (
        schema["properties"]["battery_health_percent"]["anyOf"]
    )
    for percent in (101, 2**15, 2**63):
        response = client.post(
            f"/api/refurbishment/{sanitized_laptop.tag}",
            {"checks": all_pass(), "grade": "A", "battery_health_percent": percent},
            content_type="application/json",
            **_auth(alice),
        )
        assert response.status_code == 422
        assert "battery_health_percent" in response.json()["errors"]
    assert not Refurbishment.objects.exists()
    field = Refurbishment._meta.get_field("battery_health_percent")
    with pytest.raises(ValidationError):
        field.clean(101, None)
