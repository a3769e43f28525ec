"""The printable sticker of a collection box (PDF): QR code to its public page, code, site."""

from django.template.loader import render_to_string

from greenit.core.qr import qr_svg

from .models import CollectionBox


def render_pdf(box: CollectionBox) -> bytes:
    html = render_to_string(
        "collection/sticker.pdf.html", {"box": box, "qr": qr_svg(box.public_url)}
    )
    from weasyprint import HTML  # heavy: loaded on first use, not at start-up

    return HTML(string=html).write_pdf()
