import io

from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import _person
from greenit.accounts.models import ApiToken, Role
from greenit.assets.models import State
from greenit.support import services
from greenit.support.models import Ticket


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(out, format="PNG")
    return SimpleUploadedFile("fault.png", out.getvalue(), content_type="image/png")


def test_the_school_sees_its_classroom_devices_and_tickets(client, deployed, sam, project):
    client.force_login(sam)
    page = client.get(reverse("support:home")).content.decode()
    assert project.name in page
    assert all(a.display_tag in page for a in deployed)


def test_the_school_files_a_ticket_on_the_page(client, deployed, sam):
    client.force_login(sam)
    form = client.get(reverse("support:new"))
    assert deployed[0].display_tag in form.content.decode()
    response = client.post(
        reverse("support:new"),
        {"asset": deployed[0].pk, "symptom": "The screen flickers", "photos": [_png()]},
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("support:ticket", args=[ticket.pk])
    photo = ticket.photos.get()
    assert client.get(reverse("support:photo", args=[photo.pk])).status_code == 200


def test_filing_a_ticket_sends_the_e_mail_the_page_promises(
    client, deployed, sam, django_capture_on_commit_callbacks
):
    client.force_login(sam)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("support:new"), {"asset": deployed[0].pk, "symptom": "No sound"}, follow=True
        )
    ticket = Ticket.objects.get()
    assert "we e-mailed you its number" in response.content.decode()
    [sent] = mail.outbox
    assert sent.to == ["sam@school.example"]
    assert ticket.number in sent.subject and deployed[0].display_tag in sent.body
    assert reverse("support:ticket", args=[ticket.pk]) in sent.body


def test_a_contact_without_e_mail_address_is_promised_no_e_mail(client, deployed, sam):
    sam.email = ""
    sam.save()
    client.force_login(sam)
    page = client.post(
        reverse("support:new"), {"asset": deployed[0].pk, "symptom": "No sound"}, follow=True
    ).content.decode()
    assert "We have no e-mail address for you: the answer will be on this page." in page
    assert "e-mailed you" not in page


def test_a_refused_photo_is_named_on_the_form(client, deployed, sam):
    client.force_login(sam)
    bad = SimpleUploadedFile("notes.txt", b"just text")
    response = client.post(
        reverse("support:new"), {"asset": deployed[0].pk, "symptom": "x", "photos": [bad]}
    )
    assert response.status_code == 400
    assert "notes.txt is not a photo we can read" in response.content.decode()
    assert not Ticket.objects.exists()


def test_another_school_and_a_sponsor_see_nothing(client, deployed, sam, stella, other_project):
    ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="x", photos=[_png()])
    other = _person("olga", organisation=other_project.school)
    for person in (other, stella):
        client.force_login(person)
        assert client.get(reverse("support:ticket", args=[ticket.pk])).status_code == 404
        photo = ticket.photos.get()
        assert client.get(reverse("support:photo", args=[photo.pk])).status_code == 404
    client.force_login(other)
    page = client.get(reverse("support:home")).content.decode()
    assert deployed[0].display_tag not in page
    client.force_login(stella)
    assert client.get(reverse("support:home")).status_code == 403
    assert client.get(reverse("support:new")).status_code == 403


def test_staff_see_the_queue_and_resolve_by_swap(client, deployed, sam, ada, make_ready):
    ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="Dead battery")
    new = make_ready()
    client.force_login(ada)
    assert ticket.number in client.get(reverse("support:home")).content.decode()
    page = client.get(reverse("support:ticket", args=[ticket.pk])).content.decode()
    assert 'name="resolution"' in page
    response = client.post(
        reverse("support:resolve", args=[ticket.pk]),
        {"resolution": "swap", "replacement": new.tag, "answer": "New laptop brought"},
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.state == State.DEPLOYED


def test_a_bad_resolution_names_the_field(client, deployed, sam, alice):
    ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="x")
    client.force_login(alice)
    response = client.post(reverse("support:resolve", args=[ticket.pk]), {"resolution": "advice"})
    assert response.status_code == 400
    assert "Write the advice" in response.content.decode()
    response = client.post(
        reverse("support:resolve", args=[ticket.pk]), {"resolution": "swap", "replacement": "X"}
    )
    assert response.status_code == 400
    assert "your role may not do this step" in response.content.decode()


def test_the_api_files_lists_and_resolves_tickets(client, deployed, sam, alice, stella):
    _t, key = ApiToken.issue(user=sam, name="school")
    school = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.post(
        "/api/support/tickets",
        {"asset_tag": deployed[1].tag, "symptom": "Touchpad dead", "photos": [_png()]},
        **school,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["asset_tag"], body["photos"]) == (deployed[1].tag, 1)
    assert [t["id"] for t in client.get("/api/support/tickets", **school).json()] == [body["id"]]
    _t, staff_key = ApiToken.issue(user=alice, name="workshop")
    staff = {"HTTP_AUTHORIZATION": f"Bearer {staff_key}"}
    resolved = client.post(
        f"/api/support/tickets/{body['id']}/resolve",
        {"resolution": "repair", "answer": "Replaced the touchpad cable", "parts": "cable"},
        content_type="application/json",
        **staff,
    )
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    _t, sponsor_key = ApiToken.issue(user=stella, name="sponsor")
    sponsor = {"HTTP_AUTHORIZATION": f"Bearer {sponsor_key}"}
    assert client.get(f"/api/support/tickets/{body['id']}", **sponsor).status_code == 404
    assert client.get("/api/support/tickets", **sponsor).json() == []
    refused = client.post(
        "/api/support/tickets", {"asset_tag": deployed[1].tag, "symptom": "x"}, **sponsor
    )
    assert refused.status_code == 403


def test_the_api_refuses_a_device_that_is_not_the_schools(client, deployed, sam, make_ready):
    _t, key = ApiToken.issue(user=sam, name="school")
    ready = make_ready()
    response = client.post(
        "/api/support/tickets",
        {"asset_tag": ready.tag, "symptom": "x"},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 404


def test_a_technician_who_is_also_a_manager_may_swap(client, deployed, sam, alice, make_ready):
    alice.groups.add(Group.objects.get_or_create(name=Role.PROGRAMME_MANAGER)[0])
    ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="x")
    new = make_ready()
    client.force_login(alice)
    client.post(
        reverse("support:resolve", args=[ticket.pk]),
        {"resolution": "swap", "replacement": new.tag},
    )
    ticket.refresh_from_db()
    assert ticket.replacement == new


def test_a_resolved_ticket_says_resolved_and_when_in_chinese(client, deployed, sam, alice):
    """ "Resolved" is a status and a time: one word in English, two in Chinese."""
    ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="屏幕不亮")
    services.ticket_resolve(ticket=ticket, actor=alice, resolution="advice", answer="重新插电源")
    client.force_login(alice)
    page = client.get(
        reverse("support:ticket", args=[ticket.pk]), headers={"accept-language": "zh-hans"}
    ).content.decode()
    assert "<dt>解决时间</dt>" in page and "已解决" in page
    assert "处理时间" not in page
