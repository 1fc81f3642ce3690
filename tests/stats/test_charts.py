"""The statistics' charts read on a phone (issue 18, point 6): whole labels, text that a
375-px screen shows at 12 px or more, bars and labels on the reader's side."""

from __future__ import annotations

import re

from ati.stats import charts

LONG = "Office national de l’électricité et de l’eau potable"
PHONE_COLUMN = 343  # a 375-px screen less the page's margins


def _texts(svg: str) -> list[str]:
    return [
        re.sub(r"<title>.*?</title>|<[^>]+>", " ", t) for t in re.findall(r"<text.*?</text>", svg)
    ]


def test_a_long_body_name_is_wrapped_whole_not_cut():
    svg = charts.hbar_chart("c", "t", "d", [charts.Bar(LONG, 0.61, "61 %")], max_value=1)
    words = " ".join(" ".join(t.split()) for t in _texts(svg))
    assert LONG in words and "…" not in svg


def test_a_label_longer_than_two_lines_ends_in_an_ellipsis_with_the_whole_name_in_its_title():
    name = " ".join([LONG] * 3)
    lines, shortened = charts.wrap(name)
    assert shortened and len(lines) == charts.LABEL_LINES and lines[-1].endswith("…")
    svg = charts.hbar_chart("c", "t", "d", [charts.Bar(name, 3, "3")])
    assert f"<title>{name}</title>" in svg.replace("&#x27;", "'")


def test_text_is_at_least_12_px_on_a_phone():
    scale = PHONE_COLUMN / charts.WIDTH
    assert charts.FONT_SIZE * scale >= 12
    for svg in (
        charts.hbar_chart("a", "t", "d", [charts.Bar(LONG, 1, "1")]),
        charts.column_chart("b", "t", "d", [charts.Bar("16–20", 3, "3")] * 8),
        charts.line_chart(
            "c", "t", "d", ["janvier\n2026", "février"], [charts.Series("Reçues", [1, 2], "#000")]
        ),
    ):
        assert f'viewBox="0 0 {charts.WIDTH} ' in svg
        assert "font-size" not in svg.split(">", 1)[1]  # no smaller text inside


def test_right_to_left_bars_start_at_the_right_edge():
    svg = charts.hbar_chart("c", "t", "d", [charts.Bar("مكتب", 0.5, "50 %")], max_value=1, rtl=True)
    rect = re.search(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert rect and float(rect.group(1)) + float(rect.group(2)) == charts.WIDTH
    assert f'x="{charts.WIDTH:.1f}"' in svg and 'text-anchor="end"' in svg


def test_crowded_column_labels_take_two_rows():
    svg = charts.column_chart(
        "b", "t", "d", [charts.Bar(f"{5 * i + 1}–{5 * i + 5}", 3, "3") for i in range(8)]
    )
    label_rows = set(re.findall(r'<text x="[\d.]+" y="([\d.]+)" text-anchor="middle">\d+–', svg))
    assert len(label_rows) == 2
