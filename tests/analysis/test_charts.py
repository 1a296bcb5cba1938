"""Geometry of the SVG bar charts (app/analysis/charts.py): everything inside the picture, drawn
at about the size it is shown on a phone, mirrored for right-to-left pages."""
from __future__ import annotations

from app.analysis import charts

ROWS = [("Online", 1234), ("Workshop", 3), ("Papier", 0), ("Stellungnahme", 617)]


def test_bars_and_values_stay_inside_the_picture():
    chart = charts.bar_chart("c", "Titel", "Beschreibung", ROWS)
    assert chart.width == charts.WIDTH and chart.height == len(ROWS) * charts.ROW
    widest = max(b.width for b in chart.bars)
    for bar in chart.bars:
        assert 0 <= bar.x and bar.x + bar.width <= chart.width
        assert bar.label_x == charts.PADDING and chart.anchor == "start"
        # The value is written after the bar's end, with room for it before the right edge.
        assert bar.value_x > bar.x + bar.width - 1e-6
        assert chart.width - bar.value_x >= charts.VALUE_ROOM - 6 - 1e-6
    assert widest == max(b.width for b in chart.bars if b.value == 1234)
    # Proportional, and a zero stays zero while a small value stays visible.
    by_label = {b.label: b for b in chart.bars}
    assert abs(by_label["Stellungnahme"].width / by_label["Online"].width - 617 / 1234) < 0.01
    assert by_label["Papier"].width == 0 and by_label["Workshop"].width >= 2
    assert charts.bar_chart("c", "t", "d", []) is None


def test_right_to_left_mirrors_the_geometry():
    ltr = charts.bar_chart("c", "t", "d", ROWS)
    rtl = charts.bar_chart("c", "t", "d", ROWS, rtl=True)
    assert rtl.anchor == "end" and rtl.direction == "rtl"
    for left, right in zip(ltr.bars, rtl.bars):
        assert right.width == left.width
        assert abs((right.x + right.width) - (charts.WIDTH - charts.PADDING)) < 0.11  # bars grow from the right
        assert right.label_x == charts.WIDTH - charts.PADDING
        assert right.value_x < right.x + 1e-6 and right.value_x >= charts.VALUE_ROOM - 6 - 1e-6

