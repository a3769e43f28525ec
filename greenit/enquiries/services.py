"""Enquiry workflows: the public form and the staff inbox call these."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import mail_managers
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenit.accounts import permissions
from greenit.core.mail import send_in_language

from .models import Enquiry, EnquiryReply


def enquiry_receive(
    *,
    topic: str,
    name: str,
    email: str,
    message: str,
    phone: str = "",
    organisation_name: str = "",
    language: str = "en",
) -> Enquiry:
    """Keep the enquiry, acknowledge it to the sender in their language and tell the
    managers (ADMINS/MANAGERS settings) that one is waiting."""
    enquiry = Enquiry(
        topic=topic,
        name=name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        organisation_name=organisation_name.strip(),
        message=message.strip(),
        language=language if language in dict(settings.LANGUAGES) else "en",
    )
    enquiry.full_clean()
    enquiry.save()
    transaction.on_commit(lambda: _acknowledge(enquiry))
    return enquiry


def _acknowledge(enquiry: Enquiry) -> None:
    """The sender's acknowledgement is a fixed text with the reference only: anyone can type
    any address into the form, so nothing the sender wrote (message, name, organisation) may
    travel to that address — otherwise the form relays a stranger's text to a victim."""
    send_in_language(
        to=enquiry.email,
        language=enquiry.language,
        subject=lambda: _("We received your message (%(ref)s)") % {"ref": enquiry.reference},
        template="enquiries/email/received.txt",
        context={"enquiry": enquiry},
    )
    if settings.MANAGERS:
        mail_managers(
            f"{enquiry.reference}: {enquiry.get_topic_display()}",
            f"{enquiry.name} <{enquiry.email}>\n\n{enquiry.message}\n\n"
            f"{settings.SITE_URL}/enquiries/{enquiry.pk}/",
            fail_silently=True,
        )


def enquiry_reply(*, enquiry: Enquiry, actor, body: str) -> EnquiryReply:
    """E-mail the sender and keep the reply. The enquiry counts as answered even when the mail
    server is down: the reply is kept and marked as not delivered, to be sent again."""
    permissions.require(actor, "answer_enquiries")
    body = body.strip()
    if not body:
        raise ValidationError({"body": [_("Write the reply before sending it.")]})
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if enquiry.status == Enquiry.Status.CLOSED:
            raise ValidationError(_("This enquiry is closed: reopen it to reply."))
        reply = EnquiryReply.objects.create(enquiry=enquiry, body=body, sent_by=actor)
        enquiry.status = Enquiry.Status.ANSWERED
        enquiry.handled_by = actor
        enquiry.save(update_fields=["status", "handled_by"])
    reply.delivered = send_in_language(
        to=enquiry.email,
        language=enquiry.language,
        subject=lambda: _("Re: your message (%(ref)s)") % {"ref": enquiry.reference},
        template="enquiries/email/reply.txt",
        context={"enquiry": enquiry, "reply": reply},
    )
    reply.save(update_fields=["delivered"])
    return reply


def enquiry_close(*, enquiry: Enquiry, actor, reason: str) -> Enquiry:
    """Close without (another) reply: spam, answered by phone, passed to a colleague…"""
    permissions.require(actor, "answer_enquiries")
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Say why the enquiry is closed, e.g. answered by phone.")]}
        )
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        enquiry.status = Enquiry.Status.CLOSED
        enquiry.closed_at = timezone.now()
        enquiry.close_reason = reason[:300]
        enquiry.handled_by = actor
        enquiry.save(update_fields=["status", "closed_at", "close_reason", "handled_by"])
    return enquiry


def enquiry_reopen(*, enquiry: Enquiry, actor) -> Enquiry:
    permissions.require(actor, "answer_enquiries")
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        enquiry.status = Enquiry.Status.ANSWERED if enquiry.replies.exists() else Enquiry.Status.NEW
        enquiry.closed_at = None
        enquiry.close_reason = ""
        enquiry.save(update_fields=["status", "closed_at", "close_reason"])
    return enquiry
