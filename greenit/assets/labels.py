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
    assets: list[Asset],
    *,
    layout: str,
    start: int = 1,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The labels of `assets` in order; on the first sheet the positions before `start` are
    left empty (a part-used sheet goes through the printer again)."""
    from weasyprint import HTML  # heavy: loaded on first use, not at start-up

    sheet = LABEL_LAYOUTS[layout]
    per_render = sheet.per_page * SHEETS_PER_RENDER
    skipped = [None] * (min(max(start, 1), sheet.per_page) - 1)
    positions = skipped + list(assets)
    documents = []
    for first in range(0, len(positions), per_render):
        chunk = positions[first : first + per_render]
        labels = []
        for n, a in enumerate(chunk):
            row, column = divmod(n % sheet.per_page, sheet.columns)
            labels.append(
                a
                and {
                    "tag": a.display_tag,
                    "category": a.category_label,
                    "serial": a.serial,
                    "qr": qr_png(a.tag),
                    # Absolute positions: far quicker for WeasyPrint to lay out than a grid.
                    "x": round(sheet.left + column * (sheet.width + sheet.gap), 2),
                    "y": round(sheet.top + row * sheet.height, 2),
                }
            )
        pages = [labels[i : i + sheet.per_page] for i in range(0, len(labels), sheet.per_page)]
        html = render_to_string(
            "assets/labels.pdf.html",
            {
                "sheets": pages,
                "layout": sheet,
                "small": sheet.height < 30,
                # On a roll the code fills the label's height: a thermal print at 203 dpi
                # needs modules of several dots to scan.
                "qr_mm": sheet.height - 5 if sheet.is_roll else (16 if sheet.height < 30 else 28),
            },
        )
        documents.append(HTML(string=html).render())
        if progress:
            progress(max(first + len(chunk) - len(skipped), 0))
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

        pdf = render_pdf(assets, layout=sheet.layout, start=sheet.start, progress=progress)
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
