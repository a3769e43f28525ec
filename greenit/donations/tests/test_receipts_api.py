"""The receipts' API: the same services as the pages, scoped like them (a donor's contact
sees its issued receipts only; another organisation's is a 404)."""

import pytest

from greenit.accounts.models import ApiToken
from greenit.donations.models import Donation, DonationReceipt

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user, name='t')[1]}"}


@pytest.fixture
def received(make_donation, east_auto):
    donation = make_donation(east_auto)
    Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.RECEIVED)
    return donation


def test_draft_change_issue_and_withdraw(received, lena, client):
    auth = _auth(lena)
    draft = client.post(f"/api/donations/{received.pk}/receipts", **auth)
    assert draft.status_code == 201, draft.content
    rid = draft.json()["id"]
    bad = client.put(
        f"/api/donations/receipts/{rid}",
        {"donor": "East Auto", "lines": []},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422 and "lines" in bad.text
    good = client.put(
        f"/api/donations/receipts/{rid}",
        {"donor": "East Auto", "project": "P", "lines": [{"quantity": 3, "value": "120.5"}]},
        content_type="application/json",
        **auth,
    )
    assert good.status_code == 200 and good.json()["lines"][0]["value"] == "120.50"
    issued = client.post(f"/api/donations/receipts/{rid}/issue", **auth)
    assert issued.status_code == 200 and issued.json()["number"].startswith("JZ")
    again = client.put(
        f"/api/donations/receipts/{rid}",
        {"donor": "X", "lines": [{"quantity": 1}]},
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 422
    withdrawn = client.post(
        f"/api/donations/receipts/{rid}/withdraw",
        {"reason": "wrong project"},
        content_type="application/json",
        **auth,
    )
    assert withdrawn.json()["status"] == "withdrawn"
    assert DonationReceipt.objects.get(pk=rid).number == issued.json()["number"]


def test_scoped_like_the_pages(received, lena, bob, carol, client):
    rid = client.post(f"/api/donations/{received.pk}/receipts", **_auth(lena)).json()["id"]
    assert client.get(f"/api/donations/receipts/{rid}", **_auth(bob)).status_code == 404
    client.post(f"/api/donations/receipts/{rid}/issue", **_auth(lena))
    assert client.get(f"/api/donations/receipts/{rid}", **_auth(bob)).status_code == 200
    assert client.get(f"/api/donations/receipts/{rid}", **_auth(carol)).status_code == 404
    assert client.get("/api/donations/receipts", **_auth(carol)).json() == []
    assert (
        client.post(
            f"/api/donations/receipts/{rid}/withdraw",
            {"reason": "x"},
            content_type="application/json",
            **_auth(bob),
        ).status_code
        == 403
    )
