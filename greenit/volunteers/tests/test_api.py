"""The volunteers API: public opportunities with places left; rosters and attendance for staff."""

import json

from greenit.volunteers import services

from .conftest import move_to_past


def test_anyone_lists_published_opportunities_with_places_left(shift, sign_up, client):
    sign_up(shift)
    response = client.get("/api/volunteers/opportunities")
    assert response.status_code == 200
    [row] = response.json()
    assert row["title_zh"] == "于都教学日" and row["skills"] == ["coding", "chinese"]
    assert row["shifts"][0]["places_left"] == 1 and row["shifts"][0]["waitlist"] == 0


def test_the_roster_is_for_staff_who_see_rosters(shift, sign_up, client, lena, alice):
    signup = sign_up(shift)
    assert client.get(f"/api/volunteers/shifts/{shift.pk}/roster").status_code == 401
    client.force_login(alice)
    assert client.get(f"/api/volunteers/shifts/{shift.pk}/roster").status_code == 403
    client.force_login(lena)
    rows = client.get(f"/api/volunteers/shifts/{shift.pk}/roster").json()
    assert [(r["id"], r["status"]) for r in rows] == [(signup.pk, "confirmed")]


def test_staff_record_attendance_through_the_api_and_bad_input_is_named(
    shift, sign_up, client, paul
):
    signup = sign_up(shift)
    move_to_past(shift)
    client.force_login(paul)
    url = f"/api/volunteers/signups/{signup.pk}/attendance"
    response = client.post(url, json.dumps({"attendance": "late"}), content_type="application/json")
    assert response.status_code == 422 and "arrived_at" in response.json()["errors"]
    response = client.post(
        url, json.dumps({"attendance": "late", "hours": "1.5"}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["credited_hours"] == "1.50"
    assert str(services.volunteer_hours()) == "1.50"
