from django.urls import reverse

from greenit.impact.models import ImpactReport


def test_the_public_dashboard_figures_need_no_login(client, worked_example):
    response = client.get("/api/impact/dashboard")

    assert response.status_code == 200
    assert response.json()["figures"]["kg_diverted"] == "132.85"


def test_a_donor_contact_gets_their_own_figures_and_nobody_elses(client, bob, worked_example):
    client.force_login(bob)

    own = client.get(f"/api/impact/figures?scope=donor&organisation_id={bob.organisation_id}")
    whole = client.get("/api/impact/figures")

    assert own.status_code == 200 and own.json()["co2e_total_kg"] == "1103.18"
    assert whole.status_code == 403


def test_staff_ask_for_a_report_through_the_api(client, paul, worked_example, east_auto):
    client.force_login(paul)

    response = client.post(
        "/api/impact/reports",
        {"organisation_id": east_auto.pk, "kind": "donor"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["figures"]["devices_reused"] == 12
    report = ImpactReport.objects.get()
    assert client.get(reverse("impact:file", args=[report.pk, "csv"])).status_code == 200


def test_a_bad_scope_is_a_422_naming_the_field(client, paul):
    client.force_login(paul)

    response = client.get("/api/impact/figures?scope=galaxy")

    assert response.status_code == 422
    assert "scope" in response.content.decode()
