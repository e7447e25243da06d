"""Server-rendered bar charts: the geometry of an SVG the template draws, with the numbers
behind it kept for the table that goes with every chart (readable without the picture).

The SVG holds only the bars and grid lines and stretches to any width; the axis labels are
HTML around it (at the top, middle and bottom of the plot), so text never stretches with it."""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 200


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    # A second series drawn inside the bar (reads inside views), in the same scale.
    inner_y: float = 0
    inner_height: float = 0
    inner_value: int | None = None


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    ticks: list[Tick]
    first_label: str
    last_label: str
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)

    @property
    def inner_total(self) -> int:
        return sum(bar.inner_value or 0 for bar in self.bars)


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 x 10^n at or above `value` (so the axis has round numbers)."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def bar_chart(points: list[tuple[str, int]], inner: list[int] | None = None) -> BarChart:
    """`points`: (label, value) oldest first, e.g. ("2 Dec", 14); `inner`: a second series, one
    value per point, drawn inside the bars (reads within views)."""
    values = [value for _, value in points] + list(inner or [])
    top = _nice_ceiling(max(values, default=0))
    slot = WIDTH / max(len(points), 1)
    gap = min(2.0, slot * 0.2)
    bars = []
    for index, (label, value) in enumerate(points):
        height = HEIGHT * value / top
        inner_value = inner[index] if inner is not None else None
        inner_height = HEIGHT * (inner_value or 0) / top
        bars.append(
            Bar(
                x=round(index * slot + gap / 2, 2),
                y=round(HEIGHT - height, 2),
                width=round(max(slot - gap, 0.5), 2),
                height=round(height, 2),
                label=label,
                value=value,
                inner_y=round(HEIGHT - inner_height, 2),
                inner_height=round(inner_height, 2),
                inner_value=inner_value,
            )
        )
    # Bottom, middle and top of the plot (the middle only when it is a whole number): the
    # template spaces their labels evenly.
    shares = (0, 0.5, 1) if top % 2 == 0 else (0, 1)
    ticks = [
        Tick(y=round(HEIGHT - HEIGHT * share, 2), value=round(top * share)) for share in shares
    ]
    return BarChart(
        bars=bars,
        ticks=ticks,
        first_label=points[0][0] if points else "",
        last_label=points[-1][0] if points else "",
    )
