"""What public forms call, through `greenit.core.personal.ConsentFields`, to label a consent
with the current version of its text and to record the consents a person ticked."""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from greenit.core.mail import send_in_language

from .models import Consent, ConsentText, Purpose

# Version 1 of every consent text, in both languages, written to the database the first time
# it is needed. A changed text is a new row with the next version (in the admin), never an
# edit: each consent points at the version that was shown.
TEXTS = {
    "offer": (
        "I agree that greenit stores these contact details and the pickup address to arrange "
        "the pickup and to tell me what became of the donation, and for nothing else.",
        "我同意 greenit 保存上述联系方式和取件地址，仅用于安排上门取件并告知我捐赠物品的去向，"
        "不作其他用途。",
    ),
    "contact": (
        "I agree that greenit keeps my name and contact details to answer this message.",
        "我同意 greenit 保存我的姓名和联系方式，以便回复此留言。",
    ),
    "application": (
        "I agree that greenit keeps the contact person's name and details to decide on this "
        "application and to keep in touch about the classroom.",
        "我同意 greenit 保存联系人的姓名和联系方式，用于审核本申请并就教室事宜保持联系。",
    ),
    "volunteer": (
        "I agree that greenit keeps my name and contact details to organise my shifts, count "
        "my hours and issue my certificate.",
        "我同意 greenit 保存我的姓名和联系方式，用于安排我的服务班次、统计服务时长并出具证明。",
    ),
    "share_sponsor": (
        "I agree that greenit shows my name and hours to the company that sponsors the "
        "classroom (optional).",
        "我同意 greenit 向资助该教室的企业提供我的姓名和服务时长（选填）。",
    ),
    "publish_photo": (
        "The school and the parents or guardians of every child shown agreed that greenit "
        "publishes this photo on its public pages and in reports to sponsors.",
        "学校及照片中每个孩子的家长或监护人均同意 greenit 在公开页面和给资助方的报告中发布此照片。",
    ),
}

# Without these the form cannot be sent: greenit needs the details to do what was asked.
REQUIRED = frozenset({Purpose.OFFER, Purpose.CONTACT, Purpose.APPLICATION, Purpose.VOLUNTEER})


def current(purpose: str) -> ConsentText:
    text = ConsentText.objects.filter(purpose=purpose).order_by("-version").first()
    if text is None:
        en, zh = TEXTS[purpose]
        text, _made = ConsentText.objects.get_or_create(
            purpose=purpose, version=1, defaults={"text_en": en, "text_zh_hans": zh}
        )
    return text


def current_text(purpose: str) -> str:
    return current(purpose).text()


def current_version(purpose: str) -> int:
    return current(purpose).version


def refusal(purpose: str) -> str:
    """What a form says when a required consent is not ticked."""
    refusals = {
        Purpose.OFFER: _(
            "Tick the box to agree that we may store these details to arrange the pickup."
        ),
        Purpose.CONTACT: _("Tick the box so that we may keep your details to answer."),
        Purpose.APPLICATION: _(
            "Tick the box so that we may keep the contact's details to decide on the application."
        ),
        Purpose.VOLUNTEER: _(
            "Tick the box so that we may keep your details to organise the shift."
        ),
    }
    return refusals.get(purpose, _("Tick the box to agree."))


def consented(model: type[models.Model], pks: set[int], purpose: str) -> set[int]:
    given = Consent.objects.in_force().filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=pks,
        text__purpose=purpose,
    )
    return set(given.values_list("object_id", flat=True))


def record(*, record: models.Model, email: str, ticked: list[tuple[str, int]]) -> list[Consent]:
    """Store each ticked (purpose, version) for `record`: the version the person was shown.
    The person is sent what they agreed to with a private link to withdraw each consent, so
    that withdrawing is as easy as giving (PIPL art. 15)."""
    content_type = ContentType.objects.get_for_model(record)
    texts = {
        (t.purpose, t.version): t
        for t in ConsentText.objects.filter(purpose__in=[p for p, _v in ticked])
    }
    with transaction.atomic():
        given = Consent.objects.bulk_create(
            Consent(
                text=texts[(purpose, version)],
                content_type=content_type,
                object_id=record.pk,
                email=email,
            )
            for purpose, version in ticked
        )
        if email and given:
            language = get_language() or "en"
            transaction.on_commit(lambda: send_withdrawal_links(given, email, language))
    return given


def send_withdrawal_links(given: list[Consent], email: str, language: str) -> bool:
    return send_in_language(
        to=email,
        language=language,
        subject=lambda: _("What you agreed to, and how to withdraw it"),
        template="privacy/email/consents.txt",
        context={"consents": given},
    )
