"""API token scopes, expiry and the 401s (finding 10): a token does no more than its scope
allows, decided in one place (greenit/api_auth.py); a bad, revoked or expired bearer token is
a 401 with `WWW-Authenticate: Bearer`, never a CSRF 403."""

from datetime import timedelta

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from greenit.accounts.models import ApiToken, TokenScope
from greenit.api import api
from greenit.api_auth import WIPE_STATION_OPERATIONS, scope_allows
from greenit.sanitization.tests.test_records import _agent_body

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _key(user, scope, **extra) -> str:
    return ApiToken.issue(user=user, name=f"{scope} token", scope=scope, **extra)[1]


@pytest.fixture
def fresh_laptop(make_asset, donation):
    return make_asset(donation, serial="LP-SCOPE-1")


def _call(client, method, path, key, body=None):
    send = getattr(client, method.lower())
    if method == "GET":
        return send(path, **_bearer(key))
    return send(path, body or {}, content_type="application/json", **_bearer(key))


def _refused_by_scope(response) -> bool:
    return response.status_code == 403 and "insufficient_scope" in response.get(
        "WWW-Authenticate", ""
    )


# A sample of every kind of call: what a stolen wipe-station key must not do.
NOT_FOR_A_WIPE_STATION = [
    ("POST", "/api/assets/{tag}/transitions"),  # move devices
    ("POST", "/api/recycling/batches/RB-1/ship"),  # upload documents
    ("POST", "/api/imports"),  # import for a donation
    ("GET", "/api/donations"),  # read donors' contacts
    ("GET", "/api/donations/pickups"),
    ("GET", "/api/assets"),
    ("POST", "/api/donations"),
    ("POST", "/api/assets/intake"),
    ("POST", "/api/refurbishment/{tag}"),
    ("GET", "/api/support/tickets"),
    ("POST", "/api/impact/reports"),
]


@pytest.mark.parametrize(("method", "path"), NOT_FOR_A_WIPE_STATION)
def test_a_wipe_station_token_does_nothing_but_wipe_records(
    client, alice, fresh_laptop, method, path
):
    key = _key(alice, TokenScope.WIPE_STATION)
    response = _call(client, method, path.format(tag=fresh_laptop.tag), key)
    assert _refused_by_scope(response), (response.status_code, response.content)
    fresh_laptop.refresh_from_db()
    assert fresh_laptop.state == "received"


def test_a_wipe_station_token_posts_records_and_reads_the_devices_media(
    client, alice, fresh_laptop
):
    key = _key(alice, TokenScope.WIPE_STATION)
    response = _call(client, "POST", "/api/sanitization/records", key, _agent_body(fresh_laptop))
    assert response.status_code == 201, response.content
    response = _call(client, "GET", f"/api/sanitization/assets/{fresh_laptop.tag}/media", key)
    assert response.status_code == 200
    assert response.json()[0]["serial"] == "S3Z9NB0K123456"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/assets/{tag}/transitions"),
        ("POST", "/api/sanitization/records"),
        ("POST", "/api/imports"),
        ("POST", "/api/donations"),
        ("POST", "/api/support/tickets"),
    ],
)
def test_a_read_token_changes_nothing(client, alice, fresh_laptop, method, path):
    key = _key(alice, TokenScope.READ)
    response = _call(client, method, path.format(tag=fresh_laptop.tag), key)
    assert _refused_by_scope(response), (response.status_code, response.content)


@pytest.mark.parametrize(
    "path", ["/api/assets", "/api/assets/{tag}", "/api/donations", "/api/assets/{tag}/history"]
)
def test_a_read_token_reads_what_its_person_may_see(client, alice, fresh_laptop, path):
    key = _key(alice, TokenScope.READ)
    assert _call(client, "GET", path.format(tag=fresh_laptop.tag), key).status_code == 200


def test_a_write_token_acts_with_its_persons_roles(client, alice, fresh_laptop):
    key = _key(alice, TokenScope.WRITE)
    response = _call(client, "POST", "/api/sanitization/records", key, _agent_body(fresh_laptop))
    assert response.status_code == 201
    response = _call(
        client,
        "POST",
        f"/api/assets/{fresh_laptop.tag}/transitions",
        key,
        {"to": "recycling", "note": "cracked"},
    )
    assert not _refused_by_scope(response)


def _operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, f"/api{prefix}{path}"


def test_every_operation_is_closed_to_a_wipe_station_unless_named_and_to_read_unless_get():
    """Default deny: the table names routes; an operation added later is closed to a
    wipe-station token and, when it writes, to a read token."""
    seen = set()
    for method, path in _operations():
        route = resolve(
            path.replace("{", "").replace("}", "").replace("pk", "1").replace("_id", "1")
        ).route
        key = (method, route)
        seen.add(key)
        assert scope_allows("read", method, route) == (method == "GET")
        assert scope_allows("write", method, route)
        assert scope_allows("wipe_station", method, route) == (key in WIPE_STATION_OPERATIONS)
        assert not scope_allows("anything else", method, route)
    assert WIPE_STATION_OPERATIONS <= seen  # the table names real operations


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("case", ["wrong", "revoked", "expired", "inactive", "not bearer"])
def test_a_bad_bearer_token_is_a_401_with_a_bearer_challenge(client, alice, method, case):
    key = _key(alice, TokenScope.WRITE, expires_at=timezone.now() + timedelta(days=1))
    if case == "wrong":
        key = "gi_not-a-real-key"
    elif case == "revoked":
        ApiToken.objects.get().revoke()
    elif case == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "inactive":
        alice.is_active = False
        alice.save()
    headers = _bearer(key) if case != "not bearer" else {"HTTP_AUTHORIZATION": f"Token {key}"}
    client.cookies.load({"csrftoken": "x"})  # a browser's cookie changes nothing
    if method == "GET":
        response = client.get("/api/assets", **headers)
    else:
        response = client.post(
            "/api/donations/1/accept", {}, content_type="application/json", **headers
        )
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert "CSRF" not in response.content.decode()


def test_no_credentials_is_a_401_naming_the_scheme(client, db):
    response = client.post("/api/donations/1/accept", {}, content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_logged_in_browser_still_needs_the_csrf_token_to_write(alice):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post("/api/sanitization/records", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_token_that_has_not_expired_yet_works(client, alice):
    key = _key(alice, TokenScope.READ, expires_at=timezone.now() + timedelta(minutes=5))
    assert client.get("/api/assets", **_bearer(key)).status_code == 200


def test_the_tokens_page_shows_scope_expiry_and_last_use(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:tokens"),
        {"name": "wipe-01", "scope": "wipe_station", "expires_in_days": "30"},
    )
    token = ApiToken.objects.get(name="wipe-01")
    assert token.scope == "wipe_station"
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    key = response.context["new_key"]
    client.get(f"/api/sanitization/assets/{'X' * 3}/media", **_bearer(key))
    page = client.get(reverse("accounts:tokens")).content.decode()
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M") in page
    assert "wipe station" in page
    assert timezone.localtime(token.expires_at).strftime("%Y-%m-%d") in page


def test_a_token_without_a_scope_choice_is_refused_with_the_field_named(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:tokens"), {"name": "x", "scope": "admin"})
    assert "scope" in response.context["form"].errors
    assert not ApiToken.objects.exists()
