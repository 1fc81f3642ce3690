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

import math
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


#: The charts' own width and text size. A phone's page (375 px, less its margins) shows
#: a chart at about 343 px: 400 units at 15 px become about 13 px, never under 12
#: (issue 18: the old 680-unit charts came down to 6 px). A desktop shows them at 400 px.
WIDTH = 400
FONT_SIZE = 15
LINE = 19  # the height of one line of text
#: Characters per line of a wrapped label, and its lines; past them it ends in "…" and the
#: whole label is the text's <title> (shown on hover, read by assistive technology).
LABEL_CHARS = 44
LABEL_LINES = 2


def _svg(
    chart_id: str, title: str, desc: str, width: int, height: int, body: str, font: str
) -> SafeString:
    # Safe: every text inside went through escape().
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" direction="ltr" '
        f'font-family="{escape(font)}" font-size="{FONT_SIZE}" '
        f'fill="{TEXT}"><title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def wrap(label: str, chars: int = LABEL_CHARS, lines: int = LABEL_LINES) -> tuple[list[str], bool]:
    """The label in lines of at most `chars` characters, cut between words; whether it was
    shortened (then its last line ends in "…")."""
    out: list[str] = []
    current = ""
    for word in label.split():
        if current and len(current) + 1 + len(word) > chars:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        out.append(current)
    out = [line if len(line) <= chars else line[: chars - 1] + "…" for line in out] or [""]
    if len(out) <= lines:
        return out, any(line.endswith("…") for line in out)
    last = out[lines - 1]
    return [*out[: lines - 1], (last if len(last) < chars else last[: chars - 1]) + "…"], True


def _label(x: float, y: float, anchor: str, label: str) -> tuple[str, int]:
    """A wrapped label as one <text> (a <tspan> per line); its markup and its lines."""
    lines, shortened = wrap(label)
    tip = f"<title>{escape(label)}</title>" if shortened else ""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{tip}{spans}</text>', len(lines)


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
    """Horizontal bars ranked as given, each under its label (wrapped, never cut short
    unless it is longer than two lines): a narrow screen keeps the whole width for both."""
    width, bar_h, value_w, gap = WIDTH, 16, 64, 8
    bar_area = width - value_w
    top = max_value if max_value else max((b.value for b in bars), default=0) or 1
    # Absolute coordinates: in a right-to-left page the labels and bars start at the right.
    edge, anchor, value_anchor = (width, "end", "end") if rtl else (0, "start", "start")
    parts = []
    y = 0.0
    for bar in bars:
        label, lines = _label(edge, y + FONT_SIZE, anchor, bar.label)
        y += lines * LINE + 4
        w = max(0.0, bar.value) / top * bar_area
        bx = width - w if rtl else 0
        vx = width - w - 6 if rtl else w + 6
        parts.append(
            f"{label}"
            f'<rect x="{bx:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{vx:.1f}" y="{y + bar_h - 2:.1f}" text-anchor="{value_anchor}">'
            f"{escape(bar.display)}</text>"
        )
        y += bar_h + gap + 6
    height = max(1, round(y))
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
    width, left, top_pad = WIDTH, 8, 24
    n = max(1, len(bars))
    slot = (width - 2 * left) / n
    # Labels wider than their column ("16–20" is ~45 units) alternate between two rows.
    longest = max((len(b.label) for b in bars), default=1)
    rows = 2 if longest * FONT_SIZE * 0.6 + 6 > slot else 1
    bottom = 50 + LINE * (rows - 1)
    height = 226 + bottom
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
            f'<text x="{x(bx + slot * 0.35):.1f}" y="{height - bottom + 19 + LINE * (i % rows)}" '
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
    width, height, left, right, top_pad, bottom = WIDTH, 300, 44, 16, 30 + LINE * len(series), 50
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
    # Whole labels, as many as fit side by side (the table beside the chart gives every
    # month); a label's "\n" starts a second line (the year, under its first month).
    longest = max((len(line) for label in labels for line in label.split("\n")), default=1)
    step = max(1, math.ceil(n / max(1, plot_w // (longest * FONT_SIZE * 0.6 + 12))))
    for i, label in enumerate(labels):
        if i % step:
            continue
        tick_anchor = "middle"
        if i == 0 and n > 1:
            tick_anchor = "end" if rtl else "start"
        elif i == n - 1 and n > 1:
            tick_anchor = "start" if rtl else "end"
        spans = "".join(
            f'<tspan x="{x(i):.1f}" dy="{0 if k == 0 else LINE}">{escape(line)}</tspan>'
            for k, line in enumerate(label.split("\n"))
        )
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - bottom + 20}" '
            f'text-anchor="{tick_anchor}">{spans}</text>'
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
        # The legend: one series a line, so that long names never run into each other.
        ly = 14 + k * LINE
        lx1, lx2 = (width - 4, width - 34) if rtl else (4, 34)
        tx = width - 40 if rtl else 40
        parts.append(
            f'<line x1="{lx1}" y1="{ly}" x2="{lx2}" y2="{ly}" stroke="{s.colour}" '
            f'stroke-width="2.5"{dash}/>'
            f'<text x="{tx}" y="{ly + 5}" text-anchor="{"end" if rtl else "start"}">'
            f"{escape(s.name)}</text>"
        )
    return _svg(chart_id, title, desc, width, height, "".join(parts), font)
