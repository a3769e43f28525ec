import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from greenit.accounts.models import User
from greenit.classrooms import services
from greenit.classrooms.models import SchoolApplication
from greenit.core import mail as greenit_mail

FORM = {
    "school_name": "瑞金市沙洲坝小学",
    "school_type": "primary",
    "province": "江西省",
    "city": "赣州市",
    "district": "瑞金市",
    "street": "沙洲坝镇 1 号",
    "students_total": "320",
    "students_by_grade": "Grade 1: 60\nGrade 2: 55",
    "teachers": "18",
    "visually_impaired_students": "4",
    "electricity": "cuts",
    "internet": "mobile",
    "has_room": "on",
    "existing_computers": "2",
    "contact_name": "Li Hua",
    "contact_phone": "13900000000",
    "contact_email": "lihua@school.example",
}


def _fields(**extra):
    data = {k: v for k, v in FORM.items() if k != "has_room"}
    data.update(
        students_total=320,
        teachers=18,
        visually_impaired_students=4,
        existing_computers=2,
        has_room=True,
    )
    data.update(extra)
    return data


@pytest.fixture
def application(db):
    return services.application_submit(**_fields())


@pytest.mark.django_db
def test_a_school_applies_without_an_account_and_gets_an_e_mail_in_its_language(client):
    client.cookies["django_language"] = "zh-hans"
    response = client.post(reverse("classrooms:apply"), {**FORM, "consent": "on"})
    assert response.status_code == 302
    application = SchoolApplication.objects.get()
    assert application.status == SchoolApplication.Status.PENDING
    assert application.visually_impaired_students == 4
    assert application.language == "zh-hans"
    assert mail.outbox[0].to == ["lihua@school.example"]


@pytest.mark.django_db
def test_a_bad_application_names_the_field_and_saves_nothing(client):
    response = client.post(
        reverse("classrooms:apply"),
        {**FORM, "contact_email": "not-mail", "teachers": "", "consent": "on"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"contact_email", "teachers"}
    assert not SchoolApplication.objects.exists()


@pytest.mark.django_db
def test_the_honeypot_keeps_bots_out(client):
    response = client.post(reverse("classrooms:apply"), {**FORM, "website": "http://spam"})
    assert response.status_code == 302
    assert not SchoolApplication.objects.exists()


@pytest.mark.django_db
def test_too_many_applications_from_one_address_are_refused(client, settings):
    settings.OFFER_RATE = "2/h"
    for _ in range(2):
        client.post(reverse("classrooms:apply"), {**FORM, "consent": "on"})
    response = client.post(reverse("classrooms:apply"), {**FORM, "consent": "on"})
    assert response.status_code == 429
    assert SchoolApplication.objects.count() == 2


def test_approving_creates_the_school_and_a_contact_who_chooses_a_password(
    application, paul, client
):
    mail.outbox.clear()
    services.application_approve(application=application, actor=paul, notes="Visited in May")
    application.refresh_from_db()
    school = application.organisation
    assert application.status == SchoolApplication.Status.APPROVED
    assert school.is_school and school.province == "江西省"
    contact = User.objects.get(organisation=school)
    assert contact.email == "lihua@school.example" and not contact.has_usable_password()
    link = re.search(r"http\S+/set-password/\S+/", mail.outbox[0].body).group(0)
    path = link.split("8000", 1)[-1]
    response = client.get(path, follow=True)
    assert response.status_code == 200 and response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Jiangxi-Classroom-9", "new_password2": "Jiangxi-Classroom-9"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.check_password("Jiangxi-Classroom-9")


def test_approving_when_the_e_mail_has_an_account_changes_nothing(application, paul, bob):
    bob.email = "lihua@school.example"
    bob.save()
    with pytest.raises(ValidationError) as error:
        services.application_approve(application=application, actor=paul)
    assert "contact_email" in error.value.message_dict
    application.refresh_from_db()
    assert application.status == SchoolApplication.Status.PENDING
    assert application.organisation is None


def test_declining_needs_a_reason_and_e_mails_it(application, paul):
    with pytest.raises(ValidationError):
        services.application_decline(application=application, actor=paul, reason=" ")
    mail.outbox.clear()
    services.application_decline(application=application, actor=paul, reason="Too far from a road")
    application.refresh_from_db()
    assert application.status == SchoolApplication.Status.DECLINED
    assert "Too far from a road" in mail.outbox[0].body


def test_asking_for_information_keeps_the_application_open(application, paul):
    mail.outbox.clear()
    services.application_ask_for_information(
        application=application, actor=paul, question="Send a photo of the room"
    )
    application.refresh_from_db()
    assert application.status == SchoolApplication.Status.MORE_INFO and application.is_open
    assert "Send a photo of the room" in mail.outbox[0].body
    services.application_approve(application=application, actor=paul)


def test_a_decided_application_cannot_be_decided_again(application, paul):
    services.application_decline(application=application, actor=paul, reason="No room")
    with pytest.raises(ValidationError):
        services.application_approve(application=application, actor=paul)


def test_only_programme_managers_decide(application, alice, client):
    with pytest.raises(PermissionDenied):
        services.application_approve(application=application, actor=alice)
    client.force_login(alice)
    url = reverse("classrooms:application", args=[application.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "approve"}).status_code == 403


def test_the_review_page_approves_and_shows_the_result(application, paul, client):
    client.force_login(paul)
    assert (
        application.school_name in client.get(reverse("classrooms:applications")).content.decode()
    )
    url = reverse("classrooms:application", args=[application.pk])
    response = client.post(url, {"decision": "decline", "message": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["message"]
    response = client.post(url, {"decision": "approve", "notes": "ok"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == SchoolApplication.Status.APPROVED


def test_the_message_typed_with_an_approval_reaches_the_school(application, paul, client):
    client.force_login(paul)
    mail.outbox.clear()
    typed = "Please keep the room free on 12 March: we bring the devices then."
    response = client.post(
        reverse("classrooms:application", args=[application.pk]),
        {"decision": "approve", "message": typed},
    )
    assert response.status_code == 302
    [sent] = mail.outbox
    assert sent.to == ["lihua@school.example"] and typed in sent.body
    application.refresh_from_db()
    assert application.decision_message == typed


def test_donor_contacts_and_visitors_never_see_the_applications(application, bob, client):
    url = reverse("classrooms:application", args=[application.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(bob)
    assert client.get(url).status_code == 403


def test_a_project_for_an_approved_school_starts_from_its_application(application, paul, client):
    services.application_approve(application=application, actor=paul)
    application.refresh_from_db()
    client.force_login(paul)
    page = client.get(reverse("classrooms:application", args=[application.pk])).content.decode()
    url = reverse("classrooms:project_new") + f"?application={application.pk}"
    assert url.replace("&", "&amp;") in page or url in page
    form = client.get(url).context["form"]
    assert form.initial["needs_accessibility_kit"] is True
    data = {"name": "Shazhouba classroom", "school": application.organisation_id, "seats": "30"}
    response = client.post(url, data)
    assert "visually impaired" in str(response.context["form"].errors["needs_accessibility_kit"])
    response = client.post(url, {**data, "needs_accessibility_kit": "on"})
    assert response.status_code == 302
    project = application.projects.get()
    assert project.school == application.organisation and project.needs_accessibility_kit


def test_staff_see_the_photos_sent_with_an_application_and_nobody_else(
    paul, bob, client, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="PNG")
    application = services.application_submit(
        photos=[SimpleUploadedFile("room.png", out.getvalue())], **_fields()
    )
    photo = application.photos.get()
    url = reverse("classrooms:application_photo", args=[application.pk, photo.pk])
    client.force_login(paul)
    assert client.get(url).status_code == 200
    client.force_login(bob)
    assert client.get(url).status_code == 403


def test_the_decision_e_mail_is_written_in_the_language_the_school_used(paul, client, monkeypatch):
    client.post(
        reverse("classrooms:apply"), {**FORM, "consent": "on"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    application = SchoolApplication.objects.get()
    rendered_in = []
    real_render = greenit_mail.render_to_string

    def spy(*args, **kwargs):
        from django.utils import translation

        rendered_in.append(translation.get_language())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(greenit_mail, "render_to_string", spy)
    services.application_decline(application=application, actor=paul, reason="没有合适的房间")
    assert rendered_in == ["zh-hans"]
