"""The public contact form (no account, honeypot, rate limit, acknowledgement in the sender's
language) and the staff inbox that answers, closes and reopens enquiries."""

import smtplib

import pytest
from django.urls import reverse

from greenit.enquiries import services
from greenit.enquiries.models import Enquiry

pytestmark = pytest.mark.django_db


def _message(**changes) -> dict:
    data = {
        "topic": "volunteer",
        "name": "周婷",
        "email": "zhou.ting@example.com",
        "phone": "",
        "organisation_name": "浦江银行",
        "message": "我们公司有二十名员工想参加教室开班活动。",
        "consent": "on",
        "website": "",
    }
    return {**data, **changes}


@pytest.fixture
def enquiry():
    return Enquiry.objects.create(
        topic="press", name="Mia Chen", email="mia@example.com", message="An interview?"
    )


def test_anyone_sends_a_message_and_gets_a_copy_in_their_language(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contact:contact"), _message())
    assert response.url == reverse("contact:thanks")
    enquiry = Enquiry.objects.get()
    assert (enquiry.topic, enquiry.status, enquiry.language) == ("volunteer", "new", "zh-hans")
    mail, consents = mailoutbox  # the copy, then the consent with its withdrawal link
    assert mail.to == consents.to == ["zhou.ting@example.com"]
    assert "撤回" in consents.subject
    assert enquiry.reference in mail.subject
    assert "我们已收到" in mail.subject
    assert enquiry.reference in mail.body


@pytest.mark.parametrize(
    "field,text",
    [
        ("message", "Your account is suspended: log in at http://evil.example/reset"),
        ("name", "Bank security team: call +1 555 0100 now"),
        ("organisation_name", "Visit http://evil.example to claim your prize"),
        ("phone", "+1 555 0199 wire the money"),
    ],
)
def test_the_senders_copy_carries_none_of_their_text_to_the_address_they_typed(
    client, mailoutbox, django_capture_on_commit_callbacks, field, text
):
    """Anyone can type a victim's address: the copy that goes there is a fixed acknowledgement
    with the reference, so the form cannot relay a stranger's words (finding 9)."""
    phone = text[:30] if field == "phone" else ""
    data = _message(email="victim@example.com", phone=phone)
    if field != "phone":
        data[field] = text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("contact:contact"), data)
    enquiry = Enquiry.objects.get()
    mail, consents = mailoutbox  # the copy, then the consent with its withdrawal link
    assert mail.to == consents.to == ["victim@example.com"]
    sent = "".join(m.subject + m.body + "".join(str(a) for a in m.alternatives) for m in mailoutbox)
    for value in (enquiry.message, enquiry.name, enquiry.organisation_name, enquiry.phone):
        if value:
            assert value not in sent
    assert "evil.example" not in sent and "555" not in sent
    assert enquiry.reference in mail.body


def test_the_managers_hear_of_every_new_enquiry_when_named(
    client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.MANAGERS = [("", "office@greenit.example")]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("contact:contact"), _message())
    assert sorted(m.to[0] for m in mailoutbox) == [
        "office@greenit.example",
        "zhou.ting@example.com",  # the copy
        "zhou.ting@example.com",  # the consent with its withdrawal link
    ]


def test_a_link_can_choose_the_topic(client):
    form = client.get(reverse("contact:contact"), {"topic": "press"}).context["form"]
    assert form.initial == {"topic": "press"}
    form = client.get(reverse("contact:contact"), {"topic": "nonsense"}).context["form"]
    assert form.initial == {}


def test_missing_fields_are_named_with_the_fix_and_nothing_is_kept(client, mailoutbox):
    response = client.post(
        reverse("contact:contact"),
        _message(topic="", name="", email="not-an-address", message="", consent=""),
    )
    errors = response.context["form"].errors
    assert errors["topic"] == ["Choose what your message is about."]
    assert errors["name"] == ["Tell us your name."]
    assert errors["email"] == ["Write the e-mail address as name@example.com."]
    assert errors["message"] == ["Write your message."]
    assert errors["consent"] == ["Tick the box so that we may keep your details to answer."]
    assert not Enquiry.objects.exists()
    assert not mailoutbox


def test_a_bot_that_fills_the_honeypot_is_thanked_and_nothing_is_kept(client, mailoutbox):
    response = client.post(reverse("contact:contact"), _message(website="http://spam.example"))
    assert response.url == reverse("contact:thanks")
    assert not Enquiry.objects.exists()
    assert not mailoutbox


def test_messages_are_rate_limited_per_client_address(client, settings):
    settings.ENQUIRY_RATE = "2/h"
    for _ in range(2):
        assert client.post(reverse("contact:contact"), _message()).status_code == 302
    response = client.post(reverse("contact:contact"), _message())
    assert response.status_code == 429
    assert Enquiry.objects.count() == 2
    assert (
        client.post(reverse("contact:contact"), _message(), REMOTE_ADDR="10.1.1.1").status_code
        == 302
    )


def test_the_inbox_is_for_staff_only(client, bob, enquiry):
    assert client.get(reverse("enquiries:inbox")).status_code == 302  # to the login page
    client.force_login(bob)
    assert client.get(reverse("enquiries:inbox")).status_code == 403
    assert client.get(reverse("enquiries:detail", args=[enquiry.pk])).status_code == 403


def test_staff_answer_by_e_mail_and_the_reply_is_kept(client, paul, enquiry, mailoutbox):
    client.force_login(paul)
    page = client.get(reverse("enquiries:inbox")).content.decode()
    assert enquiry.reference in page and "1 new enquiry waiting" in page
    response = client.post(
        reverse("enquiries:detail", args=[enquiry.pk]),
        {"action": "reply", "body": "Of course: call us on Monday."},
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.handled_by) == ("answered", paul)
    (mail,) = mailoutbox
    assert mail.to == ["mia@example.com"]
    assert "Of course: call us on Monday." in mail.body
    assert "An interview?" in mail.body  # the question travels with the answer
    page = client.get(reverse("enquiries:detail", args=[enquiry.pk])).content.decode()
    assert "Of course: call us on Monday." in page


def test_an_empty_reply_is_refused(client, paul, enquiry, mailoutbox):
    client.force_login(paul)
    response = client.post(
        reverse("enquiries:detail", args=[enquiry.pk]), {"action": "reply", "body": "  "}
    )
    assert response.context["reply_form"].errors["body"] == ["Write the reply before sending it."]
    assert not enquiry.replies.exists() and not mailoutbox


def test_a_reply_is_kept_when_the_mail_server_is_down(client, paul, enquiry, monkeypatch):
    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("greenit.core.mail.send_mail", down)
    client.force_login(paul)
    response = client.post(
        reverse("enquiries:detail", args=[enquiry.pk]),
        {"action": "reply", "body": "Yes."},
        follow=True,
    )
    assert "did not take it" in response.content.decode()
    (reply,) = enquiry.replies.all()
    assert reply.delivered is False


def test_closing_needs_a_reason_and_reopening_brings_it_back(client, paul, enquiry):
    client.force_login(paul)
    url = reverse("enquiries:detail", args=[enquiry.pk])
    response = client.post(url, {"action": "close", "reason": ""})
    assert "reason" in response.context["close_form"].errors
    client.post(url, {"action": "close", "reason": "Answered by phone"})
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.close_reason) == ("closed", "Answered by phone")
    assert enquiry.reference not in client.get(reverse("enquiries:inbox")).content.decode()
    closed = client.get(reverse("enquiries:inbox"), {"status": "closed"}).content.decode()
    assert enquiry.reference in closed
    client.post(url, {"action": "reopen"})
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.close_reason) == ("new", "")


def test_a_closed_enquiry_takes_no_reply_until_reopened(paul, enquiry):
    services.enquiry_close(enquiry=enquiry, actor=paul, reason="spam")
    with pytest.raises(Exception, match="reopen"):
        services.enquiry_reply(enquiry=enquiry, actor=paul, body="Hello")
    assert not enquiry.replies.exists()


def test_the_staff_home_counts_the_new_enquiries_its_link_lists(client, paul, enquiry):
    Enquiry.objects.create(
        topic="press",
        name="Li Wen",
        email="li@example.com",
        message="Answered already",
        status=Enquiry.Status.ANSWERED,
    )
    client.force_login(paul)
    inbox = reverse("enquiries:inbox")
    assert f'href="{inbox}?status=new">1 enquiry waits' in client.get("/").content.decode()
    listed = client.get(inbox, {"status": "new"}).context["page"].rows
    assert [e.name for e in listed] == ["Mia Chen"]
