"""Printable sheets of asset-tag labels (PDF, A4): QR code, tag, category, serial."""

import segno
from django.template.loader import render_to_string

from .forms import LABEL_LAYOUTS
from .models import Asset


def qr_svg(data: str) -> str:
    return segno.make(data, error="m", micro=False).svg_inline(scale=1, border=0, omitsize=True)


def render_pdf(assets: list[Asset], *, layout: str) -> bytes:
    columns, rows, width, height, top, left, gap = LABEL_LAYOUTS[layout]
    per_sheet = columns * rows
    labels = [
        {
            "tag": a.display_tag,
            "category": a.category_label,
            "serial": a.serial,
            "qr": qr_svg(a.tag),
        }
        for a in assets
    ]
    sheets = [labels[i : i + per_sheet] for i in range(0, len(labels), per_sheet)]
    html = render_to_string(
        "assets/labels.pdf.html",
        {
            "sheets": sheets,
            "columns": columns,
            "width": width,
            "height": height,
            "top": top,
            "left": left,
            "gap": gap,
            "small": height < 30,
        },
    )
    from weasyprint import HTML  # heavy: loaded on first use, not at start-up

    return HTML(string=html).write_pdf()
