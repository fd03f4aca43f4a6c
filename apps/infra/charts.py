"""A cluster's metric charts as inline SVG drawn on the server: no chart library, no script, and nothing the
Content-Security-Policy refuses (geometry in attributes, colours from CSS classes, never a style attribute).

`line_chart` maps a series of `MetricPoint`s onto a fixed viewBox: time along x over the whole period (so a gap in
the samples shows as a gap, not a stretched line), the value along y from 0 to a round ceiling.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apps.infra.providers.base import MetricPoint
from apps.infra.selectors.metrics import ClusterMetrics

WIDTH, HEIGHT = 600, 180
LEFT, RIGHT, TOP, BOTTOM = 56, 588, 12, 150  # the plot area inside the viewBox; labels sit around it
Y_TICKS = 4  # intervals between 0 and the ceiling
X_TICKS = 4

# The periods the cluster page offers (the API takes any from 5m to the retention).
PERIODS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}
DEFAULT_PERIOD = "1h"


@dataclass(frozen=True)
class Tick:
    at: float  # a coordinate in the viewBox (y for the value axis, x for the time axis)
    label: str

    @property
    def baseline(self) -> float:
        """Where a value label's text sits so that it centres on its grid line."""
        return round(self.at + 4, 1)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # "14:05 · 42 %": the point's tooltip and its text for screen readers


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    points: list[Point]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    summary: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def value_label_x(self) -> int:
        return self.left - 6

    @property
    def time_label_y(self) -> int:
        return self.height - 10

    @property
    def middle_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.points)

    @property
    def area(self) -> str:
        """The path under the line, closed along the x axis."""
        if not self.points:
            return ""
        first, last = self.points[0], self.points[-1]
        return f"M{first.x:g},{self.bottom} L{self.polyline.replace(' ', ' L')} L{last.x:g},{self.bottom} Z"


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times 10^k at or above `value` (1 for nothing): a round top for the value axis."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude * (1 + 1e-9):
            return step * magnitude
    raise AssertionError("unreachable: 10 times magnitude exceeds value")


def line_chart(
    *,
    key: str,
    title: str,
    points: Sequence[MetricPoint],
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    fmt: Callable[[float], str],
    ceiling: float | None = None,
    total: bool = False,
) -> Chart:
    """A chart of `points` between `start` and `end`; `ceiling` fixes the value axis (100 for a percentage);
    `total`: the points are amounts accrued (cost), summed up in the summary."""
    top = ceiling or nice_ceiling(max((p.value for p in points), default=0))
    span = (end - start).total_seconds() or 1
    time_format = "%H:%M" if end - start <= timedelta(days=1) else "%a %H:%M"

    def x_of(at: datetime) -> float:
        return round(LEFT + (RIGHT - LEFT) * min(max((at - start).total_seconds() / span, 0), 1), 1)

    def y_of(value: float) -> float:
        return round(BOTTOM - (BOTTOM - TOP) * min(max(value / top, 0), 1), 1)

    drawn = [
        Point(x_of(p.at), y_of(p.value), f"{p.at.astimezone(zone):{time_format}} · {fmt(p.value)}")
        for p in sorted(points, key=lambda p: p.at)
    ]
    y_ticks = [Tick(y_of(top * i / Y_TICKS), fmt(top * i / Y_TICKS)) for i in range(Y_TICKS + 1)]
    x_ticks = [
        Tick(x_of(moment), f"{moment.astimezone(zone):{time_format}}")
        for moment in (start + (end - start) * i / X_TICKS for i in range(X_TICKS + 1))
    ]
    if points and total:
        summary = f"{fmt(sum(p.value for p in points))} in this period"
    elif points:
        latest = max(points, key=lambda p: p.at)
        summary = f"latest {fmt(latest.value)}, peak {fmt(max(p.value for p in points))}"
    else:
        summary = "no samples in this period"
    return Chart(key=key, title=title, points=drawn, y_ticks=y_ticks, x_ticks=x_ticks, summary=summary)


def _percent(value: float) -> str:
    return f"{value:.0f} %"


def _memory(value: float) -> str:
    return f"{value / 1024:.1f} GiB" if value >= 1024 else f"{value:.0f} MiB"


def _count(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _usd(value: float) -> str:
    return f"${value:.2f}" if value >= 1 else f"${value:.4f}"


def cluster_charts(metrics: ClusterMetrics, *, start: datetime, end: datetime, zone: ZoneInfo) -> list[Chart]:
    """CPU, memory, active runs and cost, in the order the cluster page shows them."""
    common = {"start": start, "end": end, "zone": zone}
    return [
        line_chart(key="cpu", title="CPU", points=metrics.cpu, fmt=_percent, ceiling=100, **common),
        line_chart(key="memory", title="Memory", points=metrics.memory, fmt=_memory, **common),
        line_chart(key="runs", title="Active runs", points=metrics.active_runs, fmt=_count, **common),
        line_chart(key="cost", title="Estimated cost", points=metrics.cost, fmt=_usd, total=True, **common),
    ]
