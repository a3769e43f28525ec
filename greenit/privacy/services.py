"""Rules about personal information: a person's rights (find, export, erase), consents and
their withdrawal, photos of children, and requests with their due date."""

import datetime
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from greenit.accounts import permissions
from greenit.classrooms.models import ClassroomPhoto

from . import consents, people
from .models import Consent, PrivacyRequest, Purpose

# Requests are answered within 15 working days: the limit China's regulators apply to apps'
# handling of requests to access, correct or delete personal information (《App违法违规收集
# 使用个人信息行为认定方法》, 国信办秘字〔2019〕191号, item 6.3). PIPL art. 50 sets no number.
ANSWER_WITHIN_WORKING_DAYS = 15


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """`n` working days after `day`, Monday to Friday (public holidays not counted out)."""
    while n:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def person_find(*, actor, query: str) -> dict[str, list[dict]]:
    permissions.require(actor, "handle_personal_data")
    return people.as_data(people.find(query))


def person_export_json(*, actor, query: str) -> bytes:
    """Machine-readable: every record about the person, every field, by model (PIPL art. 45)."""
    permissions.require(actor, "handle_personal_data")
    document = {
        "subject": query.strip(),
        "exported_at": timezone.now(),
        "records": people.as_data(people.find(query)),
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def person_export_pdf(*, actor, query: str) -> bytes:
    """The same records, readable: one table per kind of record."""
    from weasyprint import HTML  # heavy: loaded on first use

    permissions.require(actor, "handle_personal_data")
    records = people.as_data(people.find(query))
    html = render_to_string(
        "privacy/export.pdf.html",
        {
            "subject": query.strip(),
            "records": records,
            "exported_at": timezone.now(),
            "issuer": settings.ORGANISATION_NAME,
        },
    )
    return HTML(string=html).write_pdf()


def person_erase(*, actor, query: str, confirmed: bool) -> dict[str, int]:
    """Anonymise the person everywhere (PIPL art. 47): their declared fields are blanked or
    replaced, and their names, e-mails and phones are cut out of declared free text. Rows
    stay, so donations, devices, custody events, certificates and figures stay whole."""
    permissions.require(actor, "handle_personal_data")
    if not query.strip():
        raise ValidationError({"q": _("Type the person's e-mail, phone or name.")})
    if not confirmed:
        raise ValidationError({"confirm": _("Tick the box to confirm the erasure.")})
    with transaction.atomic():
        matched = people.find(query)
        words = people.identifiers(matched) | {query.strip()}
        counts = {}
        decls = people.declarations()
        for model, pks in matched.items():
            rows = model.objects.select_for_update().filter(pk__in=pks).order_by("pk")
            counts[model._meta.label] = people.erase_rows(model, decls[model], rows)
        counts["scrubbed"] = people.scrub_everywhere(words)
    return counts


def consent_withdraw(*, consent: Consent, actor=None) -> Consent:
    """Effective at once: a photo whose publishing consent is withdrawn is internal again, so
    it leaves the public page and every report made after. Without a consent greenit needed
    to keep the details, they must go (PIPL art. 47(1)(3)): a request to erase them is opened
    for the administrators, with its due date."""
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            return consent
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        _unpublish(consent)
        if consent.text.purpose in consents.REQUIRED and consent.email:
            privacy_request_receive(
                kind=PrivacyRequest.Kind.ERASE,
                name=consent.email,
                email=consent.email,
                details=f"{consent.text} ({consent.text.purpose} #{consent.object_id})",
            )
    return consent


def consent_withdraw_for(*, consent: Consent, actor) -> Consent:
    """Staff withdraw on someone's behalf: a photo's consent whoever records photo consents,
    any other consent an administrator."""
    is_photo = consent.content_type.model_class() is ClassroomPhoto
    permissions.require(actor, "record_photo_consent" if is_photo else "handle_personal_data")
    return consent_withdraw(consent=consent, actor=actor)


def _unpublish(consent: Consent) -> None:
    record = consent.record
    d = people.declarations().get(type(record))
    if record is None or d is None or not d.consent_field:
        return
    others = Consent.objects.about(record).in_force().filter(text__purpose=consent.text.purpose)
    if not others.exists():
        type(record).objects.filter(pk=record.pk).update(**{d.consent_field: False})


def photo_consent_record(
    *, photo: ClassroomPhoto, actor, children_recognisable: bool, by_guardian: bool
) -> Consent:
    """Consent to publish a classroom photo. Children under 14 are sensitive (PIPL arts. 28,
    31): where a child can be recognised, only a guardian's consent for this photo lets it
    out; without one the photo stays internal."""
    permissions.require(actor, "record_photo_consent")
    if children_recognisable and not by_guardian:
        raise ValidationError(
            {
                "by_guardian": _(
                    "Children can be recognised in this photo: record the consent of their "
                    "parents or guardians, or the photo stays internal."
                )
            }
        )
    with transaction.atomic():
        photo = ClassroomPhoto.objects.select_for_update().get(pk=photo.pk)
        consent = Consent.objects.create(
            text=consents.current(Purpose.PUBLISH_PHOTO),
            record=photo,
            by_guardian=by_guardian,
            recorded_by=actor,
        )
        photo.consent = True
        photo.save(update_fields=["consent"])
    return consent


def privacy_request_receive(
    *, kind: str, name: str, email: str, phone: str = "", details: str = "", language: str = "en"
) -> PrivacyRequest:
    today = timezone.localdate()
    return PrivacyRequest.objects.create(
        kind=kind,
        name=name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        details=details.strip(),
        language=language,
        due_on=add_working_days(today, ANSWER_WITHIN_WORKING_DAYS),
    )


def privacy_request_close(*, request: PrivacyRequest, actor, outcome: str) -> PrivacyRequest:
    permissions.require(actor, "handle_personal_data")
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say what was done, e.g. exported and sent.")})
    with transaction.atomic():
        request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
        if request.done_at is None:
            request.done_at, request.done_by = timezone.now(), actor
            request.outcome = outcome.strip()
            request.save(update_fields=["done_at", "done_by", "outcome"])
    return request


def consents_about(record: models.Model) -> models.QuerySet[Consent]:
    return Consent.objects.about(record).select_related("text")
