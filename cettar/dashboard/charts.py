"""Chart geometry for server-rendered SVG (templates/staff/charts.html draws it): no script, no
CDN, so the pages keep their ``'self'`` CSP and work on a phone. Every chart's numbers are also
in a table beside it, and each mark carries a ``<title>`` for screen readers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28


def nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover


@dataclass
class Mark:
    x: float
    y: float
    label: str
    value: float | None
    width: float = 0.0
    height: float = 0.0
    x2: float = 0.0
    value2: float | None = None  # the p90, on the spread chart


@dataclass
class Chart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    marks: list[Mark] = field(default_factory=list)
    path: str = ""
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y or x, label)
    labels: list[tuple[float, str]] = field(default_factory=list)  # axis labels along the other axis
    unit: str = ""


def _ticks(top: float, to_position: object, unit: str) -> list[tuple[float, str]]:
    return [(to_position(top * i / 4), f"{top * i / 4:g}{unit}") for i in range(5)]  # type: ignore[operator]


def line(title: str, points: Sequence[tuple[str, float | None]], *, unit: str = "", top: float | None = None) -> Chart:
    """A line over time; a point without a value (an empty week) breaks the line."""
    chart = Chart(title, unit=unit)
    values = [v for _, v in points if v is not None]
    top = top or nice_max(max(values, default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(1, len(points) - 1)

    def y_of(v: float) -> float:
        return round(TOP + inner_h - inner_h * v / top, 1)

    segments, pen_down = [], False
    for i, (label, value) in enumerate(points):
        x = round(LEFT + i * step, 1)
        if value is None:
            pen_down = False
            continue
        y = y_of(value)
        segments.append(f"{'L' if pen_down else 'M'}{x},{y}")
        pen_down = True
        chart.marks.append(Mark(x, y, label, value))
    chart.path = " ".join(segments)
    chart.ticks = _ticks(top, y_of, unit)
    every = max(1, math.ceil(len(points) / 8))
    chart.labels = [(round(LEFT + i * step, 1), label) for i, (label, _) in enumerate(points) if i % every == 0]
    return chart


def bars(title: str, items: list[tuple[str, float]], *, unit: str = "") -> Chart:
    """Vertical bars, one per item (the backlog by age)."""
    chart = Chart(title, unit=unit)
    top = nice_max(max((v for _, v in items), default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / max(1, len(items))
    for i, (label, value) in enumerate(items):
        height = round(inner_h * value / top, 1)
        chart.marks.append(Mark(round(LEFT + i * slot + slot * 0.15, 1), round(TOP + inner_h - height, 1), label, value,
                                width=round(slot * 0.7, 1), height=height))
        chart.labels.append((round(LEFT + i * slot + slot / 2, 1), label))
    chart.ticks = _ticks(top, lambda v: round(TOP + inner_h - inner_h * v / top, 1), unit)
    return chart


ROW = 22


def spread(title: str, rows: list[tuple[str, float | None, float | None]], *, unit: str = "") -> Chart:
    """One row per agency: a bar from 0 to its p90 and a dot at its median (hours)."""
    shown = [(label, median, p90) for label, median, p90 in rows if median is not None and p90 is not None]
    top = nice_max(max((p90 for _, _, p90 in shown if p90 is not None), default=0))
    left = 120
    height = TOP + BOTTOM + ROW * max(1, len(shown))
    chart = Chart(title, height=height, unit=unit)
    inner_w = WIDTH - left - RIGHT

    def x_of(v: float) -> float:
        return round(left + inner_w * v / top, 1)

    for i, (label, median, p90) in enumerate(shown):
        assert median is not None and p90 is not None
        y = TOP + i * ROW + ROW / 2
        chart.marks.append(Mark(x_of(median), y, label, median, x2=x_of(p90), value2=p90))
    chart.ticks = [(x_of(top * i / 4), f"{top * i / 4:g}{unit}") for i in range(5)]
    return chart
