"""Server-side SVG charts: data in, an accessible inline <svg> string out. Pure Python, no Django.

Every chart has a <title> and <desc> (named by aria-labelledby), axis labels, and every mark is a
link (to the filtered list it counts) with its own <title> as the tooltip and accessible name.
Every label is escaped and stripped of characters XML cannot carry, so imported names are safe.
Colours come from the site's CSS custom properties, with fallbacks that read on light and dark.
"""

import math
import re
from dataclasses import dataclass
from html import escape

WIDTH = 640
ACCENT = "fill: var(--accent, #0072b2)"
# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
SERIES_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00"]
AXIS = 'stroke="currentColor" stroke-opacity="0.35"'

# Characters XML 1.0 cannot represent at all (C0 controls other than tab/newline/CR,
# surrogates, U+FFFE/U+FFFF); a single one makes a whole feed or SVG unparseable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text):
    """`text` as a str with the characters XML 1.0 forbids removed."""
    return _NOT_XML.sub("", str(text))


def esc(text):
    return escape(xml_safe(text), quote=True)


def shorten(text, limit):
    text = " ".join(xml_safe(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def number(value):
    """12345 → "12,345"; 12.5 → "12.5"."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def nice_ticks(maximum, count=5, minimum=0):
    """Round ticks covering minimum..maximum and 0: nice_ticks(87) == [0, 20, 40, 60, 80, 100]."""
    span = max(maximum, 0) - min(minimum, 0)
    if span <= 0:
        return [0, 1]
    raw_step = span / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = max(1, next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step))
    low = math.floor(min(minimum, 0) / step)
    high = math.ceil(max(maximum, 0) / step)
    return [
        int(n * step) if float(n * step).is_integer() else n * step for n in range(low, high + 1)
    ]


@dataclass(frozen=True)
class Mark:
    """One bar, column or histogram bin."""

    label: str
    value: int
    href: str
    tooltip: str = ""  # defaults to "label: value"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    count: int
    href: str
    tooltip: str


def _open(chart_id, kind, title, description, height, width=WIDTH):
    # A wide chart keeps a readable size on a phone (it scrolls sideways in its card).
    style = f' style="min-width: {width * 0.8:g}px"' if width > WIDTH else ""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" id="{esc(chart_id)}"'
        f' viewBox="0 0 {width} {height}" width="100%"{style} role="group"'
        f' aria-labelledby="{esc(chart_id)}-title {esc(chart_id)}-desc"'
        f' font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>',
        f'<desc id="{esc(chart_id)}-desc">{esc(description)}</desc>',
    ]


def _text(x, y, text, *, anchor="start", css_class="", extra=""):
    class_attr = f' class="{css_class}"' if css_class else ""
    return (
        f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" fill="currentColor"{class_attr}'
        f"{extra}>{esc(text)}</text>"
    )


def _vertical_axis_title(x, y, text):
    """An axis title turned to read bottom-to-top, centred on (x, y)."""
    return _text(
        x,
        y,
        text,
        anchor="middle",
        css_class="axis-label",
        extra=f' transform="rotate(-90 {x:g} {y:g})"',
    )


def _link(href, tooltip, inner, count):
    """A linked mark; `data-count` is the number it shows, which the linked list must show too."""
    return (
        f'<a href="{esc(href)}" data-count="{int(count)}"><title>{esc(tooltip)}</title>{inner}</a>'
    )


def _empty(parts, height, width=WIDTH):
    parts.append(_text(width / 2, height / 2, "No data for these filters", anchor="middle"))
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(chart_id, title, description, marks, *, category_label, value_label):
    """Horizontal bars, one row per mark (long labels such as topic or provider names)."""
    row, top, left, right, bottom = 24, 8, 190, 70, 44
    height = top + max(len(marks), 1) * row + bottom
    parts = _open(chart_id, "bar", title, description, height)
    if not marks:
        return _empty(parts, height)
    ticks = nice_ticks(max(mark.value for mark in marks))
    plot_width = WIDTH - left - right
    scale = plot_width / ticks[-1]
    axis_y = top + len(marks) * row
    for tick in ticks:
        x = left + tick * scale
        parts.append(f'<line x1="{x:g}" y1="{top}" x2="{x:g}" y2="{axis_y}" {AXIS}/>')
        parts.append(_text(x, axis_y + 14, number(tick), anchor="middle", css_class="tick"))
    for index, mark in enumerate(marks):
        y = top + index * row
        bar_width = max(mark.value * scale, 1 if mark.value else 0)
        tooltip = mark.tooltip or f"{mark.label}: {number(mark.value)}"
        inner = (
            _text(left - 6, y + row * 0.66, shorten(mark.label, 28), anchor="end")
            + f'<rect class="mark" x="{left}" y="{y + 3}" width="{bar_width:.1f}"'
            f' height="{row - 6}" style="{ACCENT}"/>'
            + _text(left + bar_width + 4, y + row * 0.66, number(mark.value), css_class="value")
        )
        parts.append(_link(mark.href, tooltip, inner, mark.value))
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{axis_y}" {AXIS}/>')
    parts.append(
        _text(
            left + plot_width / 2, height - 8, value_label, anchor="middle", css_class="axis-label"
        )
    )
    parts.append(_vertical_axis_title(12, top + len(marks) * row / 2, category_label))
    parts.append("</svg>")
    return "".join(parts)


class _ColumnFrame:
    """The shared frame of vertical charts: y ticks and grid, x labels, both axis labels."""

    top, left, right, bottom, height = 16, 58, 12, 58, 300
    char_width = 7  # roughly, at font-size 12

    def __init__(self, parts, maximum, labels, x_label, y_label, width=WIDTH):
        self.parts = parts
        self.width = width
        self.ticks = nice_ticks(maximum)
        self.plot_width = width - self.left - self.right
        self.plot_height = self.height - self.top - self.bottom
        self.axis_y = self.top + self.plot_height
        self.slot = self.plot_width / max(len(labels), 1)
        # Label only every n-th column so labels never overlap; the data table has every one.
        widest = max((len(shorten(label, 12)) for label in labels), default=1)
        self.label_every = max(1, math.ceil((widest + 2) * self.char_width / self.slot))
        for tick in self.ticks:
            y = self.y(tick)
            parts.append(
                f'<line x1="{self.left}" y1="{y:.1f}" x2="{width - self.right}" y2="{y:.1f}"'
                f" {AXIS}/>"
            )
            parts.append(_text(self.left - 6, y + 4, number(tick), anchor="end", css_class="tick"))
        parts.append(
            _text(
                self.left + self.plot_width / 2,
                self.height - 6,
                x_label,
                anchor="middle",
                css_class="axis-label",
            )
        )
        mid = self.top + self.plot_height / 2
        parts.append(_vertical_axis_title(14, mid, y_label))

    def y(self, value):
        return self.axis_y - value * self.plot_height / self.ticks[-1]

    def x(self, index):
        return self.left + index * self.slot

    def column_label(self, index, label):
        if index % self.label_every == 0:
            x = self.x(index) + self.slot / 2
            self.parts.append(
                _text(x, self.axis_y + 16, shorten(label, 12), anchor="middle", css_class="tick")
            )

    def close(self):
        self.parts.append(
            f'<line x1="{self.left}" y1="{self.axis_y}" x2="{self.width - self.right}"'
            f' y2="{self.axis_y}" {AXIS}/>'
        )


def column_chart(chart_id, title, description, marks, *, x_label, y_label, gap=0.2, width=WIDTH):
    """Vertical columns, one per mark, in the given order."""
    height = _ColumnFrame.height
    parts = _open(chart_id, "column", title, description, height, width)
    if not marks:
        return _empty(parts, height, width)
    labels = [mark.label for mark in marks]
    frame = _ColumnFrame(parts, max(mark.value for mark in marks), labels, x_label, y_label, width)
    for index, mark in enumerate(marks):
        top = frame.y(mark.value)
        width = frame.slot * (1 - gap)
        tooltip = mark.tooltip or f"{mark.label}: {number(mark.value)}"
        rect = (
            f'<rect class="mark" x="{frame.x(index) + frame.slot * gap / 2:.1f}" y="{top:.1f}"'
            f' width="{width:.1f}" height="{frame.axis_y - top:.1f}" style="{ACCENT}"/>'
        )
        parts.append(_link(mark.href, tooltip, rect, mark.value))
        frame.column_label(index, mark.label)
    frame.close()
    parts.append("</svg>")
    return "".join(parts)


def histogram(chart_id, title, description, marks, *, x_label, y_label):
    """Adjacent bins (marks labelled by their range), no gap between them."""
    return column_chart(
        chart_id, title, description, marks, x_label=x_label, y_label=y_label, gap=0.04
    )


def small_multiples(chart_id, title, description, labels, series, *, x_label, y_label, width=960):
    """One strip of columns per series (name, marks), all on the same scale and the same
    columns (`labels`), so the series compare at a glance; column labels under the last strip."""
    strip, top, left, right, bottom = 78, 4, 58, 12, 40
    height = top + max(len(series), 1) * strip + bottom
    parts = _open(chart_id, "multiples", title, description, height, width)
    if not series or not any(mark.value for _, marks in series for mark in marks):
        return _empty(parts, height, width)
    ticks = nice_ticks(max(mark.value for _, marks in series for mark in marks), count=2)
    plot_width = width - left - right
    slot = plot_width / max(len(labels), 1)
    bar_height = strip - 24
    for row, (name, marks) in enumerate(series):
        base = top + row * strip + 18 + bar_height
        parts.append(_text(left, base - bar_height - 4, shorten(name, 60), css_class="legend"))
        parts.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" {AXIS}/>')
        parts.append(
            _text(
                left - 6, base - bar_height + 8, number(ticks[-1]), anchor="end", css_class="tick"
            )
        )
        colour = SERIES_COLOURS[row % len(SERIES_COLOURS)]
        for index, mark in enumerate(marks):
            bar = mark.value * bar_height / ticks[-1]
            rect = (
                f'<rect class="mark" x="{left + index * slot + slot * 0.1:.1f}"'
                f' y="{base - bar:.1f}" width="{slot * 0.8:.1f}" height="{bar:.1f}"'
                f' fill="{colour}"/>'
            )
            tooltip = mark.tooltip or f"{name}, {mark.label}: {number(mark.value)}"
            parts.append(_link(mark.href, tooltip, rect, mark.value))
    axis_y = top + len(series) * strip
    widest = max((len(shorten(label, 12)) for label in labels), default=1)
    every = max(1, math.ceil((widest + 2) * _ColumnFrame.char_width / slot))
    for index, label in enumerate(labels):
        if index % every == 0:
            x = left + index * slot + slot / 2
            parts.append(
                _text(x, axis_y + 14, shorten(label, 12), anchor="middle", css_class="tick")
            )
    parts.append(
        _text(left + plot_width / 2, height - 6, x_label, anchor="middle", css_class="axis-label")
    )
    parts.append(_vertical_axis_title(14, top + len(series) * strip / 2, y_label))
    parts.append("</svg>")
    return "".join(parts)


def scatter_chart(chart_id, title, description, points, *, x_label, y_label):
    """Dots at (x, y), their area growing with how many items share the spot."""
    top, left, right, bottom, height = 12, 58, 16, 48, 340
    parts = _open(chart_id, "scatter", title, description, height)
    if not points:
        return _empty(parts, height)
    xs, ys = [point.x for point in points], [point.y for point in points]
    x_ticks = nice_ticks(max(xs), minimum=min(xs))
    y_ticks = nice_ticks(max(ys), minimum=min(ys))
    plot_width, plot_height = WIDTH - left - right, height - top - bottom

    def sx(value):
        return left + (value - x_ticks[0]) * plot_width / (x_ticks[-1] - x_ticks[0])

    def sy(value):
        return top + plot_height - (value - y_ticks[0]) * plot_height / (y_ticks[-1] - y_ticks[0])

    for tick in x_ticks:
        parts.append(
            f'<line x1="{sx(tick):.1f}" y1="{top}" x2="{sx(tick):.1f}"'
            f' y2="{top + plot_height}" {AXIS}/>'
        )
        parts.append(
            _text(sx(tick), top + plot_height + 14, number(tick), anchor="middle", css_class="tick")
        )
    for tick in y_ticks:
        parts.append(
            f'<line x1="{left}" y1="{sy(tick):.1f}" x2="{WIDTH - right}"'
            f' y2="{sy(tick):.1f}" {AXIS}/>'
        )
        parts.append(_text(left - 6, sy(tick) + 4, number(tick), anchor="end", css_class="tick"))
    biggest = max(point.count for point in points)
    for point in points:
        radius = 2.5 + 5.5 * math.sqrt(point.count / biggest)
        dot = (
            f'<circle class="mark" cx="{sx(point.x):.1f}" cy="{sy(point.y):.1f}"'
            f' r="{radius:.1f}" style="{ACCENT}" fill-opacity="0.6"/>'
        )
        parts.append(_link(point.href, point.tooltip, dot, point.count))
    parts.append(
        _text(left + plot_width / 2, height - 6, x_label, anchor="middle", css_class="axis-label")
    )
    mid = top + plot_height / 2
    parts.append(_vertical_axis_title(14, mid, y_label))
    parts.append("</svg>")
    return "".join(parts)
