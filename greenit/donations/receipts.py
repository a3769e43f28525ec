"""In-kind donation receipts (捐赠票据-style): drafted from a received donation, issued with a
number that is never reused, withdrawn but kept. Pages, the API and the PDFs call these.

Numbers run per issuing organisation (settings.ORGANISATION_NAME, written on the receipt) and
year, gap-free: the counter row is locked while a receipt is issued and written in the same
transaction, so two people issuing at once get consecutive numbers, and a failed issue takes
its number back with it."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenit.accounts import permissions
from greenit.core import categories

from .models import Donation, DonationReceipt, ReceiptCounter

RECEIVED = (Donation.Status.RECEIVED, Donation.Status.CLOSED)
MAX_VALUE = Decimal("9999999999.99")
NUMBER_PREFIX = "JZ"  # 捐赠 (donation): JZ2026-000001


@dataclass
class LineInput:
    quantity: int
    specification: str = ""
    value: str | Decimal | None = None


def receipt_draft(*, donation: Donation, actor) -> DonationReceipt:
    """A draft receipt for a received donation, its lines the donation's items (no value:
    the donor declares one, or the items named stand for it)."""
    permissions.require(actor, "issue_receipts")
    if donation.status not in RECEIVED:
        raise ValidationError(
            _("Donation %(ref)s is %(status)s: a receipt is issued once it is received.")
            % {"ref": donation.reference, "status": donation.get_status_display()}
        )
    lines = [
        {
            "category": item.category,
            "quantity": item.quantity,
            "specification": item.description,
            "value": None,
        }
        for item in donation.items.order_by("pk")
    ]
    return DonationReceipt.objects.create(
        donation=donation, donor=donation.donor[:200], lines=lines, created_by=actor
    )


def _locked_draft(receipt: DonationReceipt) -> DonationReceipt:
    locked = DonationReceipt.objects.select_for_update().get(pk=receipt.pk)
    if not locked.is_draft:
        raise ValidationError(
            _("Receipt %(number)s has been issued: it can be withdrawn, never changed.")
            % {"number": locked.number}
        )
    return locked


def _clean_value(raw, field: str) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > MAX_VALUE:
        raise ValidationError(
            {field: _("Write the declared value in yuan, like 1200 or 1200.50, or leave it empty.")}
        )
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Write the value to the fen at most, like 1200.50.")})
    return str(value.quantize(Decimal("0.01")))


def _clean_lines(old: list[dict], lines: list[LineInput]) -> list[dict]:
    if len(lines) != len(old):
        raise ValidationError(
            {"lines": _("Give one line per item of the draft (%(n)s).") % {"n": len(old)}}
        )
    errors: dict = {}
    cleaned = []
    for n, (line, new) in enumerate(zip(old, lines, strict=True)):
        spec = (new.specification or "").strip()
        if not isinstance(new.quantity, int) or not 1 <= new.quantity <= 1_000_000:
            errors[f"lines[{n}].quantity"] = _("Enter a whole number of items, at least 1.")
        if len(spec) > 200:
            errors[f"lines[{n}].specification"] = _("Keep the specification to 200 characters.")
        try:
            value = _clean_value(new.value, f"lines[{n}].value")
        except ValidationError as error:
            errors |= error.message_dict
            value = None
        cleaned.append(line | {"quantity": new.quantity, "specification": spec, "value": value})
    if errors:
        raise ValidationError(errors)
    return cleaned


def receipt_update(
    *, receipt: DonationReceipt, actor, donor: str, project: str, lines: list[LineInput]
) -> DonationReceipt:
    """Change a draft: the donor's name as it is to be printed, the project, and per line the
    quantity, specification and declared value. All or nothing."""
    permissions.require(actor, "issue_receipts")
    errors = {}
    if not donor.strip():
        errors["donor"] = _("Name the donor as the receipt should print it.")
    elif len(donor.strip()) > 200:
        errors["donor"] = _("Keep the donor's name to 200 characters.")
    if len(project.strip()) > 200:
        errors["project"] = _("Keep the project to 200 characters.")
    with transaction.atomic():
        locked = _locked_draft(receipt)
        try:
            cleaned = _clean_lines(locked.lines, lines)
        except ValidationError as error:
            errors |= error.message_dict
        if errors:
            raise ValidationError(errors)
        locked.donor, locked.project, locked.lines = donor.strip(), project.strip(), cleaned
        locked.save(update_fields=["donor", "project", "lines"])
    return locked


def _next_number(issuer: str, year: int) -> int:
    """The next sequence number, the counter row locked until the caller's transaction ends."""
    ReceiptCounter.objects.get_or_create(issuer=issuer, year=year)
    counter = ReceiptCounter.objects.select_for_update().get(issuer=issuer, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def receipt_issue(*, receipt: DonationReceipt, actor) -> DonationReceipt:
    """Give a draft its number and freeze it."""
    permissions.require(actor, "issue_receipts")
    with transaction.atomic():
        locked = _locked_draft(receipt)
        if not locked.lines:
            raise ValidationError(_("The receipt names no item: a receipt needs at least one."))
        now = timezone.now()
        year = timezone.localdate(now).year
        issuer = settings.ORGANISATION_NAME
        sequence = _next_number(issuer, year)
        locked.status = DonationReceipt.Status.ISSUED
        locked.issuer, locked.year, locked.sequence = issuer, year, sequence
        locked.number = f"{NUMBER_PREFIX}{year}-{sequence:06d}"
        locked.issued_at, locked.issued_by = now, actor
        locked.save()
    return locked


def receipt_withdraw(*, receipt: DonationReceipt, actor, reason: str) -> DonationReceipt:
    """Withdraw an issued receipt: it is kept, marked withdrawn, and its number not reused."""
    permissions.require(actor, "issue_receipts")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the receipt is withdrawn.")})
    with transaction.atomic():
        locked = DonationReceipt.objects.select_for_update().get(pk=receipt.pk)
        if locked.status != DonationReceipt.Status.ISSUED:
            raise ValidationError(
                _("Only an issued receipt can be withdrawn; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        locked.status = DonationReceipt.Status.WITHDRAWN
        locked.withdrawn_at, locked.withdrawn_by = timezone.now(), actor
        locked.withdrawal_reason = reason.strip()
        locked.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    return locked


def line_rows(receipt: DonationReceipt) -> list[dict]:
    """The lines with their category named in both languages, for pages and PDFs."""
    rows = []
    for line in receipt.lines:
        category = categories.all_categories().get(line["category"])
        rows.append(
            line
            | {
                "zh": category.zh if category else line["category"],
                "en": category.en if category else line["category"],
            }
        )
    return rows


def year_receipts(*, organisation_id: int, year: int, user):
    """A donor organisation's issued receipts of one year (withdrawn ones are left out of
    the batch: they no longer stand)."""
    return (
        DonationReceipt.objects.visible_to(user)
        .filter(
            donation__donor_organisation_id=organisation_id,
            year=year,
            status=DonationReceipt.Status.ISSUED,
        )
        .order_by("sequence")
    )


def render_pdf(receipts: list[DonationReceipt]) -> bytes:
    """One PDF (a page per receipt), Chinese and English side by side as a 票据 is read."""
    from django.template.loader import render_to_string
    from weasyprint import HTML  # heavy: loaded on first use

    html = render_to_string(
        "donations/receipt.pdf.html",
        {"receipts": [(r, line_rows(r)) for r in receipts]},
    )
    return HTML(string=html).write_pdf()
