"""Printable sheets of asset-tag labels (PDF, A4): QR code, tag, category, serial."""

from django.template.loader import render_to_string

from greenit.core.qr import qr_png

from .forms import LABEL_LAYOUTS
from .models import Asset


def render_pdf(assets: list[Asset], *, layout: str) -> bytes:
    columns, rows, width, height, top, left, gap = LABEL_LAYOUTS[layout]
    per_sheet = columns * rows
    labels = []
    for n, a in enumerate(assets):
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
    from weasyprint import HTML  # heavy: loaded on first use, not at start-up

    return HTML(string=html).write_pdf()
