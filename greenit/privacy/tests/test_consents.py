"""Consents are stored with the version of the text shown, can be withdrawn as easily as
given, and a withdrawn consent to publish a photo takes it off the public page and out of
the next report at once."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from greenit.enquiries.models import Enquiry
from greenit.impact import reports
from greenit.impact.models import ImpactReport
from greenit.privacy import services
from greenit.privacy.models import Consent, ConsentText, PrivacyRequest, Purpose
from greenit.volunteers.models import Opportunity, Shift

MESSAGE = {
    "topic": "donate",
    "name": "Zhou Ming",
    "email": "zhou@example.org",
    "message": "Twenty laptops.",
    "consent": "on",
}


def test_a_message_is_kept_with_the_consent_and_the_version_of_its_text(client, db):
    client.post(reverse("contact:contact"), MESSAGE)
    consent = Consent.objects.get()
    assert consent.record == Enquiry.objects.get()
    assert (consent.text.purpose, consent.text.version) == (Purpose.CONTACT, 1)
    assert consent.email == "zhou@example.org" and consent.withdrawn_at is None


def test_the_person_is_sent_a_private_link_that_withdraws_the_consent(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("contact:contact"), MESSAGE, HTTP_ACCEPT_LANGUAGE="zh-hans")
    sent = [m for m in mail.outbox if m.to == ["zhou@example.org"] and "撤回" in m.subject]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    consent = Consent.objects.get()
    link = reverse("privacy:consent", args=[consent.token])
    assert link in sent[0].body and consent.text.text_zh_hans in sent[0].body
    client.post(link)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_a_new_version_of_the_text_is_what_the_form_shows_and_records(client, db):
    client.get(reverse("contact:contact"))
    ConsentText.objects.create(
        purpose=Purpose.CONTACT,
        version=2,
        text_en="Version two: we keep it to answer.",
        text_zh_hans="第二版：我们保存以便回复。",
    )
    assert "Version two" in client.get(reverse("contact:contact")).content.decode()
    client.post(reverse("contact:contact"), MESSAGE)
    assert Consent.objects.get().text.version == 2
    zh = client.get(reverse("contact:contact"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "第二版" in zh.content.decode()


def test_a_volunteer_consents_separately_to_sharing_with_a_sponsor(client, db):
    opportunity = Opportunity.objects.create(
        kind="other", title_en="Day", title_zh="日", published=True
    )
    start = timezone.now() + datetime.timedelta(days=3)
    shift = Shift.objects.create(
        opportunity=opportunity,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=3,
    )
    url = reverse("volunteers:signup", args=[shift.pk])
    data = {"name": "Zhou Ming", "email": "z@example.org", "phone": "", "consent": "on"}
    assert client.post(url, {**data, "consent_share": "on"}).status_code == 302
    given = sorted(Consent.objects.values_list("text__purpose", flat=True))
    assert given == [Purpose.SHARE_WITH_SPONSOR, Purpose.VOLUNTEER]
    Consent.objects.all().delete()
    client.post(url, {**data, "email": "other@example.org"})  # sharing is optional
    assert list(Consent.objects.values_list("text__purpose", flat=True)) == [Purpose.VOLUNTEER]


def test_without_the_needed_consent_nothing_is_kept(client, db):
    response = client.post(reverse("contact:contact"), {**MESSAGE, "consent": ""})
    assert "Tick the box" in response.content.decode()
    assert not Enquiry.objects.exists() and not Consent.objects.exists()


def test_the_private_link_withdraws_at_once_and_twice_is_harmless(client, db):
    client.post(reverse("contact:contact"), MESSAGE)
    consent = Consent.objects.get()
    page = client.get(reverse("privacy:consent", args=[consent.token]))
    assert "keeps my name and contact details" in page.content.decode()
    client.post(reverse("privacy:consent", args=[consent.token]))
    consent.refresh_from_db()
    withdrawn = consent.withdrawn_at
    assert withdrawn is not None
    client.post(reverse("privacy:consent", args=[consent.token]))
    consent.refresh_from_db()
    assert consent.withdrawn_at == withdrawn
    assert client.get(reverse("privacy:consent", args=["not-a-token"])).status_code == 404
    # The details were kept on that consent: the administrators must now erase them.
    erase = PrivacyRequest.objects.get()
    assert (erase.kind, erase.email) == ("erase", "zhou@example.org") and erase.due_on


def _in_report(sponsor) -> list[str]:
    report = ImpactReport(organisation=sponsor, kind=ImpactReport.Kind.SPONSOR)
    return [p["caption"] for p in reports.classrooms(report)[1]]


def test_a_photo_with_recognisable_children_needs_a_guardians_consent(opened, paul):
    _project, _sponsor, photo = opened
    with pytest.raises(ValidationError) as refused:
        services.photo_consent_record(
            photo=photo, actor=paul, children_recognisable=True, by_guardian=False
        )
    assert "guardians" in refused.value.message_dict["by_guardian"][0]
    photo.refresh_from_db()
    assert not photo.consent and not Consent.objects.exists()


def test_a_withdrawn_consent_takes_the_photo_off_the_public_page_and_the_next_report(
    opened, paul, client
):
    project, sponsor, photo = opened
    consent = services.photo_consent_record(
        photo=photo, actor=paul, children_recognisable=True, by_guardian=True
    )
    public = reverse("classrooms:public_detail", args=[project.pk])
    assert reverse("classrooms:photo", args=[photo.pk]) in client.get(public).content.decode()
    assert _in_report(sponsor) == ["Hope classroom: Pupils at work"]

    client.post(reverse("privacy:consent", args=[consent.token]))

    assert reverse("classrooms:photo", args=[photo.pk]) not in client.get(public).content.decode()
    assert client.get(reverse("classrooms:photo", args=[photo.pk])).status_code in (302, 403, 404)
    assert _in_report(sponsor) == []


def test_staff_withdraw_on_the_photo_page_and_go_back_only_to_our_own_pages(opened, paul, client):
    _project, _sponsor, photo = opened
    consent = services.photo_consent_record(
        photo=photo, actor=paul, children_recognisable=False, by_guardian=False
    )
    client.force_login(paul)
    page = reverse("privacy:photo", args=[photo.pk])
    back = client.post(reverse("privacy:withdraw", args=[consent.pk]), {"next": page})
    assert back["Location"] == page
    photo.refresh_from_db()
    assert not photo.consent
    away = client.post(
        reverse("privacy:withdraw", args=[consent.pk]), {"next": "https://evil.example/"}
    )
    assert away["Location"] == reverse("privacy:requests")


def test_only_administrators_withdraw_other_consents_for_someone(client, db, paul, lena):
    client.post(reverse("contact:contact"), MESSAGE)
    consent = Consent.objects.get()
    for who in (paul, lena):
        client.force_login(who)
        assert client.post(reverse("privacy:withdraw", args=[consent.pk])).status_code == 403
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_the_photo_page_records_a_guardians_consent(opened, paul, client):
    _project, _sponsor, photo = opened
    client.force_login(paul)
    url = reverse("privacy:photo", args=[photo.pk])
    refused = client.post(url, {"children_recognisable": "on"})
    assert "guardians" in refused.content.decode()
    client.post(url, {"children_recognisable": "on", "by_guardian": "on"})
    photo.refresh_from_db()
    assert photo.consent and Consent.objects.get().by_guardian
