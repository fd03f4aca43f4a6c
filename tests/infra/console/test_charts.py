"""The chart renderer: time across the whole period, values from 0 to a round ceiling, one circle per point."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string

from apps.infra.charts import BOTTOM, LEFT, RIGHT, TOP, line_chart, nice_ceiling
from apps.infra.providers.base import MetricPoint

START = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
END = START + timedelta(hours=1)


def _chart(values: list[tuple[int, float]], **kwargs):
    points = [MetricPoint(START + timedelta(minutes=m), v) for m, v in values]
    options = {"key": "cpu", "title": "CPU", "start": START, "end": END, "zone": ZoneInfo("Europe/Paris")}
    return line_chart(points=points, fmt=lambda v: f"{v:g}", **options | kwargs)


def test_points_span_the_period_and_scale_to_the_ceiling():
    chart = _chart([(0, 0), (30, 50), (60, 100)], ceiling=100)
    assert [(p.x, p.y) for p in chart.points] == [
        (LEFT, BOTTOM),
        ((LEFT + RIGHT) / 2, (TOP + BOTTOM) / 2),
        (RIGHT, TOP),
    ]
    assert chart.points[1].label == "12:30 · 50"  # in the viewer's timezone
    assert [t.label for t in chart.y_ticks] == ["0", "25", "50", "75", "100"]
    assert chart.x_ticks[0].label == "12:00" and chart.x_ticks[-1].label == "13:00"


def test_a_gap_in_the_samples_stays_a_gap_and_points_are_sorted():
    chart = _chart([(50, 1), (10, 3)])
    assert [p.x for p in chart.points] == sorted(p.x for p in chart.points)
    assert chart.points[0].x < LEFT + (RIGHT - LEFT) * 0.2 and chart.points[1].x > LEFT + (RIGHT - LEFT) * 0.8
    assert chart.summary == "latest 1, peak 3"


def test_the_value_axis_rounds_up():
    assert [nice_ceiling(v) for v in (0, 0.7, 3, 7.2, 12, 260, 1000)] == [1, 1, 5, 10, 20, 500, 1000]


def test_the_svg_draws_each_sampled_point_and_no_inline_style():
    chart = _chart([(5, 2), (15, 4), (25, 3)], title="Active runs")
    svg = render_to_string("infra/_chart.html", {"chart": chart})
    assert svg.count('<circle class="chart-point"') == 3
    assert f'<polyline class="chart-line" points="{chart.polyline}"/>' in svg
    assert "<title>12:15 · 4</title>" in svg and "style" not in svg
    empty = render_to_string("infra/_chart.html", {"chart": _chart([])})
    assert "No samples in this period" in empty and "chart-point" not in empty


def test_cost_is_summed_over_the_period():
    chart = _chart([(10, 0.5), (40, 0.25)], total=True)
    assert chart.summary == "0.75 in this period"
