"""API tokens: made on the tokens page, shown once, stored as a hash, revocable, and acting
with exactly the scope and roles of the person who made them."""

import hashlib

import pytest
from django.urls import reverse

from greenit.accounts.models import ApiToken


def _bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_tokens_page_creates_a_token_and_shows_it_once(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:tokens"),
        {"name": "wipe station 2", "scope": "wipe_station", "expires_in_days": "30"},
    )
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key and key.startswith("gi_")
    assert key in response.content.decode()
    token = ApiToken.objects.get(user=alice)
    assert token.name == "wipe station 2"

    again = client.get(reverse("accounts:tokens"))
    assert again.context["new_key"] is None
    assert key not in again.content.decode()
    assert token.prefix in again.content.decode()


def test_only_a_hash_of_the_key_is_stored(alice):
    token, key = ApiToken.issue(user=alice, name="asset export")
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert not [value for value in stored if key in value]


def test_two_tokens_never_share_a_key(alice):
    keys = {ApiToken.issue(user=alice, name=f"t{n}")[1] for n in range(20)}
    assert len(keys) == 20


def test_a_token_opens_the_api_and_records_its_use(client, alice):
    token, key = ApiToken.issue(user=alice, name="wipe station")
    assert token.last_used_at is None
    response = client.get("/api/assets", **_bearer(key))
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("header", ["", "Bearer ", "Bearer gi_not-a-real-key", "Token abc"])
def test_no_key_or_a_wrong_key_is_unauthorised(client, alice, header):
    ApiToken.issue(user=alice, name="real one")
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get("/api/assets", **extra).status_code == 401


def test_a_revoked_token_is_refused(client, alice):
    token, key = ApiToken.issue(user=alice, name="old laptop")
    assert client.get("/api/assets", **_bearer(key)).status_code == 200

    client.force_login(alice)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    client.logout()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/assets", **_bearer(key)).status_code == 401
    assert token.prefix not in client.get(reverse("accounts:tokens")).content.decode()


def test_a_revoked_token_leaves_the_page_list(client, alice):
    token, _key = ApiToken.issue(user=alice, name="old laptop")
    client.force_login(alice)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert list(client.get(reverse("accounts:tokens")).context["tokens"]) == []


def test_nobody_revokes_another_persons_token(client, alice, bob):
    token, key = ApiToken.issue(user=alice, name="wipe station")
    client.force_login(bob)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.logout()
    assert client.get("/api/assets", **_bearer(key)).status_code == 200


def test_the_token_of_a_deactivated_person_is_refused(client, alice):
    _token, key = ApiToken.issue(user=alice, name="wipe station")
    alice.is_active = False
    alice.save()
    assert client.get("/api/assets", **_bearer(key)).status_code == 401


def test_a_donor_contacts_token_sees_only_that_donors_donations(
    client, bob, make_donation, east_auto, pujiang_bank
):
    own = make_donation(east_auto)
    other = make_donation(pujiang_bank)
    _token, key = ApiToken.issue(user=bob, name="our asset system")
    listed = client.get("/api/donations", **_bearer(key))
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json()] == [own.pk]
    assert client.get(f"/api/donations/{own.pk}", **_bearer(key)).status_code == 200
    assert client.get(f"/api/donations/{other.pk}", **_bearer(key)).status_code == 404


def test_a_token_has_its_persons_roles(client, alice, bob, laptop):
    _token, alices = ApiToken.issue(user=alice, name="wipe station")
    _token, bobs = ApiToken.issue(user=bob, name="our asset system")
    move = {"to": "sanitized", "note": "nwipe"}
    url = f"/api/assets/{laptop.tag}/transitions"
    # bob's organisation gave this laptop, so he sees it, but he has no role to move it
    assert client.get(f"/api/assets/{laptop.tag}", **_bearer(bobs)).status_code == 200
    refused = client.post(url, move, content_type="application/json", **_bearer(bobs))
    assert refused.status_code == 403
    laptop.refresh_from_db()
    assert laptop.state == "received"
    moved = client.post(url, move, content_type="application/json", **_bearer(alices))
    assert moved.status_code == 201
    assert moved.json()["actor"] == "alice"
    laptop.refresh_from_db()
    assert laptop.state == "sanitized"


def test_the_api_also_takes_a_browser_session(client, bob, make_donation, east_auto, pujiang_bank):
    own = make_donation(east_auto)
    make_donation(pujiang_bank)
    client.force_login(bob)
    response = client.get("/api/donations")
    assert response.status_code == 200
    assert [d["id"] for d in response.json()] == [own.pk]


def test_the_tokens_page_needs_a_login(client, db):
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
