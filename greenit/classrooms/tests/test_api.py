import json

import pytest

from greenit.assets.models import State
from greenit.classrooms import services
from greenit.classrooms.models import ClassroomProject, SchoolApplication


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_the_api_lists_projects_in_the_callers_scope(project, other_project, stella, paul, client):
    client.force_login(stella)
    rows = client.get("/api/classrooms/projects").json()
    assert [r["id"] for r in rows] == [project.pk]
    assert rows[0]["sponsors"][0]["amount"] is None
    assert client.get(f"/api/classrooms/projects/{other_project.pk}").status_code == 404
    client.force_login(paul)
    assert len(client.get("/api/classrooms/projects").json()) == 2


def test_the_api_allocates_unallocates_and_delivers(project, paul, make_ready, client):
    assets = [make_ready() for _ in range(2)]
    client.force_login(paul)
    url = f"/api/classrooms/projects/{project.pk}/allocations"
    response = _post(client, url, {"category": "laptop", "count": 3})
    assert response.status_code == 422 and "count" in response.json()["errors"]
    response = _post(client, url, {"codes": [a.tag for a in assets]})
    assert response.status_code == 201 and len(response.json()) == 2
    first = response.json()[0]["id"]
    assert client.post(f"/api/classrooms/allocations/{first}/unallocate").status_code == 200
    response = _post(
        client,
        f"/api/classrooms/projects/{project.pk}/delivery",
        {"date": "2026-09-01", "received_by": "刘强"},
    )
    assert response.status_code == 201
    assets[1].refresh_from_db()
    assert assets[1].state == State.DEPLOYED


def test_the_api_refuses_contacts_who_allocate(project, stella, make_ready, client):
    asset = make_ready()
    client.force_login(stella)
    response = _post(
        client, f"/api/classrooms/projects/{project.pk}/allocations", {"codes": [asset.tag]}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_api_decides_on_applications_for_staff_only(paul, bob, client):
    application = services.application_submit(
        school_name="瑞金小学",
        school_type="primary",
        province="江西省",
        city="赣州市",
        district="瑞金市",
        students_total=100,
        teachers=8,
        electricity="reliable",
        internet="none",
        contact_name="Li",
        contact_email="li@school.example",
    )
    client.force_login(bob)
    assert client.get("/api/classrooms/applications").status_code == 403
    client.force_login(paul)
    assert client.get("/api/classrooms/applications").json()[0]["id"] == application.pk
    url = f"/api/classrooms/applications/{application.pk}/decision"
    assert _post(client, url, {"decision": "maybe"}).status_code == 422
    response = _post(client, url, {"decision": "approve"})
    assert response.status_code == 200 and response.json()["organisation_id"]
    assert SchoolApplication.objects.get().status == "approved"


def test_the_public_api_lists_opened_classrooms_without_an_account(project, client):
    assert client.get("/api/classrooms/public").json() == []
    ClassroomProject.objects.filter(pk=project.pk).update(status="opened")
    assert client.get("/api/classrooms/public").json()[0]["name"] == project.name


def test_the_api_adds_a_photo_without_its_gps_position_and_refuses_a_non_image(
    project, paul, client, settings, tmp_path
):
    import io

    from PIL import Image

    from greenit.classrooms.tests.test_photos import GPS_IFD, _jpeg_with_gps

    settings.MEDIA_ROOT = tmp_path
    client.force_login(paul)
    url = f"/api/classrooms/projects/{project.pk}/photos"
    upload = io.BytesIO(_jpeg_with_gps())
    upload.name = "gps.jpg"
    response = client.post(url, {"image": upload, "caption": "Opening", "consent": "true"})
    # A photo is published only once the privacy app records a consent for it.
    assert response.status_code == 201 and response.json()["consent"] is False
    stored = project.photos.get()
    assert not Image.open(stored.image.open("rb")).getexif().get_ifd(GPS_IFD)
    text = io.BytesIO(b"hello")
    text.name = "notes.txt"
    response = client.post(url, {"image": text, "caption": "Notes"})
    assert response.status_code == 422
    assert "notes.txt is not a photo we can read" in response.json()["errors"]["image"][0]


def test_the_api_shows_the_checklist_and_moves_the_status(project, paul, client):
    client.force_login(paul)
    row = client.get(f"/api/classrooms/projects/{project.pk}").json()
    assert {"item": "Software kit chosen", "done": True} in row["checklist"]
    response = _post(client, f"/api/classrooms/projects/{project.pk}/status", {"status": "ready"})
    assert response.status_code == 422 and "0 of 3 seats" in response.json()["errors"]["status"][0]
    response = _post(client, f"/api/classrooms/projects/{project.pk}/status", {"status": "closed"})
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_the_api_records_the_opening_event_for_managers_only(project, paul, stella, client):
    url = f"/api/classrooms/projects/{project.pk}/opening"
    body = json.dumps({"date": "2026-09-10", "guests": "Principal Liu"})
    client.force_login(stella)
    assert client.put(url, body, content_type="application/json").status_code == 403
    client.force_login(paul)
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["guests"] == "Principal Liu"
    assert project.opening.date.isoformat() == "2026-09-10"
