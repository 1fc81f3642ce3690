"""Server-side SVG charts: no JavaScript, no CDN, the same markup on pages and in the PDF.

Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>``;
the page puts a table with the same numbers beside it. Coordinates are
absolute (``direction="ltr"`` on the root, so that a right-to-left page does not
flip the text anchors a second time); in a right-to-left language the
horizontal axis is mirrored (bars grow leftwards, months run from
right to left). Labels and numbers arrive already formatted in the reader's
locale. Colours reach at least 4.5:1 against white, and the two lines of the
trend chart also differ by their dash, not only by colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BRAND = "#0b5d3b"  # 7.9:1 on white
NAVY = "#1f4e79"  # 8.6:1
RED = "#a3261b"  # 6.6:1
GRID = "#c3cad1"
TEXT = "#1a1a1a"
FONT = "system-ui, 'Segoe UI', 'DejaVu Sans', 'Amiri', sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str  # the value as the reader reads it ("87 %", "1 204")


def _svg(
    chart_id: str, title: str, desc: str, width: int, height: int, body: str, font: str
) -> SafeString:
    # Safe: every text inside went through escape().
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" direction="ltr" '
        f'font-family="{escape(font)}" font-size="13" '
        f'fill="{TEXT}"><title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def hbar_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    *,
    max_value: float | None = None,
    rtl: bool = False,
    colour: str = BRAND,
    font: str = FONT,
) -> SafeString:
    """Horizontal bars, one per row, ranked as given."""
    width, label_w, row_h, value_w = 680, 250, 28, 70
    bar_area = width - label_w - value_w
    height = max(1, len(bars)) * row_h + 10
    top = max_value if max_value else max((b.value for b in bars), default=0) or 1

    def x(pos: float, w: float = 0) -> float:
        return width - pos - w if rtl else pos

    start, end = ("end", "start") if rtl else ("start", "end")
    parts = []
    for i, bar in enumerate(bars):
        y = 5 + i * row_h
        w = max(0.0, bar.value) / top * bar_area
        label_x = x(label_w - 8)
        parts.append(
            f'<text x="{label_x:.1f}" y="{y + 18}" text-anchor="{end}">'
            f"{escape(_short(bar.label))}</text>"
            f'<rect x="{x(label_w, w):.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{colour}"/>'
            f'<text x="{x(label_w + w + 6):.1f}" y="{y + 18}" text-anchor="{start}">'
            f"{escape(bar.display)}</text>"
        )
    parts.append(
        f'<line x1="{x(label_w):.1f}" y1="2" x2="{x(label_w):.1f}" y2="{height - 3}" '
        f'stroke="{TEXT}"/>'
    )
    return _svg(chart_id, title, desc, width, height, "".join(parts), font)


def column_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    *,
    axis_label: str = "",
    rtl: bool = False,
    colour: str = NAVY,
    highlight_after: int | None = None,
    font: str = FONT,
) -> SafeString:
    """Vertical columns (a histogram): columns after ``highlight_after`` drawn in red."""
    width, height, left, bottom, top_pad = 680, 260, 20, 50, 24
    n = max(1, len(bars))
    slot = (width - 2 * left) / n
    peak = max((b.value for b in bars), default=0) or 1
    plot_h = height - bottom - top_pad

    def x(pos: float, w: float = 0) -> float:
        return width - pos - w if rtl else pos

    parts = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - left}" '
        f'y2="{height - bottom}" stroke="{TEXT}"/>'
    ]
    for i, bar in enumerate(bars):
        h = bar.value / peak * plot_h
        bx = left + i * slot + slot * 0.15
        fill = RED if highlight_after is not None and i > highlight_after else colour
        parts.append(
            f'<rect x="{x(bx, slot * 0.7):.1f}" y="{height - bottom - h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{fill}"/>'
            f'<text x="{x(bx + slot * 0.35):.1f}" y="{height - bottom - h - 6:.1f}" '
            f'text-anchor="middle">{escape(bar.display)}</text>'
            f'<text x="{x(bx + slot * 0.35):.1f}" y="{height - bottom + 18}" '
            f'text-anchor="middle">{escape(bar.label)}</text>'
        )
    if axis_label:
        parts.append(
            f'<text x="{width / 2:.0f}" y="{height - 8}" text-anchor="middle">'
            f"{escape(axis_label)}</text>"
        )
    return _svg(chart_id, title, desc, width, height, "".join(parts), font)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    colour: str
    dash: str = ""


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    value_format: str = "{:.0f}",
    rtl: bool = False,
    font: str = FONT,
) -> SafeString:
    """One line per series over the labels (months), with a legend and three gridlines."""
    width, height, left, right, top_pad, bottom = 680, 280, 50, 20, 40, 50
    n = max(1, len(labels))
    peak = max((v for s in series for v in s.values), default=0) or 1
    plot_w = width - left - right
    plot_h = height - top_pad - bottom

    def x(i: int) -> float:
        pos = left + (plot_w * (i / (n - 1)) if n > 1 else plot_w / 2)
        return width - pos if rtl else pos

    def y(v: float) -> float:
        return height - bottom - v / peak * plot_h

    axis_x = width - left if rtl else left
    anchor = "start" if rtl else "end"
    label_x = axis_x + 6 if rtl else axis_x - 6
    parts = []
    for frac in (0, 0.5, 1):
        gy = y(peak * frac)
        parts.append(
            f'<line x1="{left if not rtl else right}" y1="{gy:.1f}" '
            f'x2="{width - right if not rtl else width - left}" y2="{gy:.1f}" stroke="{GRID}"/>'
            f'<text x="{label_x}" y="{gy + 4:.1f}" text-anchor="{anchor}">'
            f"{escape(value_format.format(peak * frac))}</text>"
        )
    step = max(1, n // 12)
    for i, label in enumerate(labels):
        if i % step == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 18}" '
                f'text-anchor="middle" font-size="11">{escape(label)}</text>'
            )
    for k, s in enumerate(series):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s.values))
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{s.colour}" '
            f'stroke-width="2.5"{dash}/>'
        )
        for i, v in enumerate(s.values):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{s.colour}"/>')
        lx = 20 + k * 220
        lx1, lx2 = (width - lx, width - lx - 30) if rtl else (lx, lx + 30)
        tx = width - lx - 36 if rtl else lx + 36
        parts.append(
            f'<line x1="{lx1}" y1="16" x2="{lx2}" y2="16" stroke="{s.colour}" '
            f'stroke-width="2.5"{dash}/>'
            f'<text x="{tx}" y="20" text-anchor="{"end" if rtl else "start"}">'
            f"{escape(s.name)}</text>"
        )
    return _svg(chart_id, title, desc, width, height, "".join(parts), font)
