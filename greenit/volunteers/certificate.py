"""The certificate of volunteering hours: a one-page PDF in English and Chinese (WeasyPrint,
Noto Sans CJK embedded), every attended shift with its hours, the total, and a reference
that only the organisation can compute (an HMAC of the volunteer and the hours)."""

from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import SignUp, Volunteer


def reference(volunteer: Volunteer, total: Decimal, count: int) -> str:
    digest = salted_hmac(
        "greenit.volunteers.certificate", f"{volunteer.pk}:{total}:{count}"
    ).hexdigest()
    return f"V{volunteer.pk}-{digest[:12].upper()}"


def context(volunteer: Volunteer) -> dict:
    rows = list(
        volunteer.signups.filter(
            status=SignUp.Status.CONFIRMED, shift__starts_at__lte=timezone.now()
        )
        .select_related("shift__opportunity")
        .with_credited()
        .order_by("shift__starts_at")
    )
    rows = [row for row in rows if row.credited > 0]
    total = sum((row.credited for row in rows), start=Decimal("0.00"))
    for row in rows:
        row.start = timezone.localtime(row.shift.starts_at)
        row.end = timezone.localtime(row.shift.ends_at)
    return {
        "volunteer": volunteer,
        "rows": rows,
        "total": total,
        "organisation": settings.ORGANISATION_NAME,
        "issued": timezone.localdate(),
        "reference": reference(volunteer, total, len(rows)),
    }


def render_pdf(volunteer: Volunteer) -> bytes:
    from weasyprint import HTML  # heavy: loaded on first use

    html = render_to_string("volunteers/certificate.pdf.html", context(volunteer))
    return HTML(string=html).write_pdf()
