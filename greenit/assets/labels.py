"""Printable sheets of asset-tag labels (PDF, A4): QR code, tag, category, serial.

A donation of a few hundred devices gets its PDF in the request; a bigger one is made by the
task worker (tasks.label_sheet_request queues tasks.make_label_sheet, which runs
make_label_sheet here) while the page shows its progress."""

from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from greenit.core.qr import qr_png

from .forms import LABEL_LAYOUTS
from .models import Asset, LabelSheet

# Sheets laid out per WeasyPrint document: small enough to report progress often, big enough
# that joining the documents costs nothing.
SHEETS_PER_RENDER = 10


def render_pdf(
    assets: list[Asset], *, layout: str, progress: Callable[[int], None] | None = None
) -> bytes:
    from weasyprint import HTML  # heavy: loaded on first use, not at start-up

    columns, rows, width, height, top, left, gap = LABEL_LAYOUTS[layout]
    per_sheet = columns * rows
    per_render = per_sheet * SHEETS_PER_RENDER
    documents = []
    for start in range(0, len(assets), per_render):
        chunk = assets[start : start + per_render]
        labels = []
        for n, a in enumerate(chunk):
            row, column = divmod(n % per_sheet, columns)
            labels.append(
                {
                    "tag": a.display_tag,
                    "category": a.category_label,
                    "serial": a.serial,
                    "qr": qr_png(a.tag),
                    # Absolute positions: far quicker for WeasyPrint to lay out than a grid.
                    "x": round(left + column * (width + gap), 2),
                    "y": round(top + row * height, 2),
                }
            )
        sheets = [labels[i : i + per_sheet] for i in range(0, len(labels), per_sheet)]
        html = render_to_string(
            "assets/labels.pdf.html",
            {"sheets": sheets, "width": width, "height": height, "small": height < 30},
        )
        documents.append(HTML(string=html).render())
        if progress:
            progress(start + len(chunk))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def assets_for_labels(donation) -> list[Asset]:
    return list(donation.assets.order_by("pk").only("tag", "category", "serial"))


def make_label_sheet(*, sheet: LabelSheet) -> LabelSheet:
    """Make the PDF of a queued sheet, with its progress saved as it goes."""
    LabelSheet.objects.filter(pk=sheet.pk).update(status=LabelSheet.Status.RUNNING)
    try:
        assets = assets_for_labels(sheet.donation)
        LabelSheet.objects.filter(pk=sheet.pk).update(labels=len(assets))

        def progress(done: int) -> None:
            LabelSheet.objects.filter(pk=sheet.pk).update(labels_done=done)

        pdf = render_pdf(assets, layout=sheet.layout, progress=progress)
        sheet.refresh_from_db()
        sheet.file.save(f"labels-{sheet.donation.reference}.pdf", ContentFile(pdf), save=False)
        sheet.status = LabelSheet.Status.DONE
        sheet.finished_at = timezone.now()
        sheet.save(update_fields=["file", "status", "finished_at"])
    except Exception:
        LabelSheet.objects.filter(pk=sheet.pk).update(
            status=LabelSheet.Status.FAILED, finished_at=timezone.now()
        )
        raise
    return sheet


def made_in_request(count: int) -> bool:
    return count <= settings.LABELS_INLINE_MAX
