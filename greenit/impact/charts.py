"""Hand-written SVG bar charts that read as images with a title and a description (role="img",
aria-labelledby); every chart stands beside a data table with the same numbers."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

from greenit.core.templatetags.languages import lang_attr

# Fills with at least 3:1 contrast against white (WCAG 1.4.11 non-text contrast).
FILLS = ("#1b6e3a", "#8a4b08", "#1f4e8c")
WIDTH, LABEL_W, VALUE_W, BAR_H, GAP = 640, 200, 70, 14, 10
LABEL_CHARS = 26  # longer labels are cut with “…” (the table beside has them whole)


@dataclass
class Series:
    name: str
    values: list


def _number(value) -> str:
    value = Decimal(str(value or 0))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _cut(label: str) -> str:
    """At most LABEL_CHARS columns, a Chinese character counting two."""
    out, used = [], 0
    for ch in label:
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > LABEL_CHARS:
            return "".join(out).rstrip() + "…"
        out.append(ch)
    return label


def bars(*, chart_id: str, title: str, desc: str, labels: list[str], series: list[Series]):
    """Horizontal grouped bars: one row per label, one bar per series, the value at its end."""
    biggest = max([Decimal(str(v or 0)) for s in series for v in s.values] + [Decimal(1)])
    row_h = BAR_H * len(series) + GAP
    legend_h = 22 if len(series) > 1 else 0
    height = legend_h + row_h * len(labels) + GAP
    span = WIDTH - LABEL_W - VALUE_W
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    if legend_h:
        x = LABEL_W
        for k, s in enumerate(series):
            parts.append(
                f'<rect x="{x}" y="4" width="12" height="12" fill="{FILLS[k % len(FILLS)]}"/>'
                f'<text x="{x + 16}" y="15" font-size="12" fill="#1a1a1a">{escape(s.name)}</text>'
            )
            x += 24 + 8 * len(s.name) + 24
    for row, label in enumerate(labels):
        label = _cut(str(label))
        top = legend_h + GAP + row * row_h
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{top + row_h / 2}" font-size="12" text-anchor="end" '
            f'dominant-baseline="middle" fill="#1a1a1a"{lang_attr(label)}>{escape(label)}</text>'
        )
        for k, s in enumerate(series):
            value = Decimal(str(s.values[row] or 0))
            w = float(value / biggest * span)
            y = top + k * BAR_H
            parts.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H - 2}" '
                f'fill="{FILLS[k % len(FILLS)]}"/>'
                f'<text x="{LABEL_W + w + 4:.1f}" y="{y + BAR_H / 2}" font-size="11" '
                f'dominant-baseline="middle" fill="#1a1a1a">{_number(value)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
