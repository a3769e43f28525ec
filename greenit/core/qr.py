"""QR codes (segno) for labels, stickers and certificates."""

import segno


def qr_svg(data: str) -> str:
    """Inline SVG: sharp at any size; right for one or a few codes on a page."""
    return segno.make(data, error="m", micro=False).svg_inline(scale=1, border=0, omitsize=True)


def qr_png(data: str) -> str:
    """A PNG data URI. For sheets of hundreds of codes: WeasyPrint lays out small images far
    faster than vector paths, and whole-pixel modules stay sharp in print."""
    return segno.make(data, error="m", micro=False).png_data_uri(scale=8, border=0)
