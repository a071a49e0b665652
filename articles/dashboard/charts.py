"""The dashboard's chart cards: its figures drawn as SVG (articles/charts.py), with a caption and
a data table whose cells link where the marks do."""

from django.utils.safestring import mark_safe

from .. import charts
from .figures import QUALITY_BIN, QUALITY_BINS, SCATTER_POINTS


def cell(text, href="", count=None):
    """A data-table cell; a linked one carries the count its list shows (`data-count`)."""
    return {"text": text, "href": href, "count": count}


def chart(chart_id, title, description, svg, headers, rows):
    """What the template shows for a chart: the SVG, its caption and its data table."""
    return {
        "id": chart_id,
        "title": title,
        "description": description,
        # Safe: the chart builders escape every label and URL they are given.
        "svg": mark_safe(svg),  # noqa: S308
        "headers": headers,
        "rows": rows,
    }


# The time axis's title per bucket unit; runs of years ("20 years") are "Years".
AXIS_TITLES = {"day": "Day", "week": "Week starting", "month": "Month", "quarter": "Quarter"}


def per_unit(unit):
    return f"per {unit}"


def timeline_chart(timeline):
    buckets = timeline["buckets"]
    unit = timeline["unit"]
    title = f"Articles {per_unit(unit)}"
    description = (
        f"Articles published {per_unit(unit)}, from {buckets[0]['from']} to {buckets[-1]['to']}; "
        "each column links to the articles it counts."
    )
    marks = [
        charts.Mark(
            label=bucket["label"],
            value=bucket["count"],
            href=bucket["href"],
            tooltip=f"{bucket['label']}: {charts.number(bucket['count'])}",
        )
        for bucket in buckets
    ]
    svg = charts.column_chart(
        "chart-timeline",
        title,
        description,
        marks,
        x_label=AXIS_TITLES.get(unit, "Year" if unit == "year" else "Years"),
        y_label="Articles",
        gap=0.15,
        width=960,
    )
    rows = [
        [
            cell(bucket["label"], bucket["href"], bucket["count"]),
            cell(charts.number(bucket["count"]), bucket["href"], bucket["count"]),
        ]
        for bucket in buckets
    ]
    return chart("chart-timeline", title, description, svg, ["Period", "Articles"], rows)


def series_chart(timeline):
    buckets, series = timeline["buckets"], timeline["series"]
    title = f"Topics {per_unit(timeline['unit'])}"
    names = [item["name"] for item in series]
    description = (
        f"Articles {per_unit(timeline['unit'])} in each of these topics: {', '.join(names)}. "
        "An article in two of them counts in both; each column links to its articles."
    )
    labels = [bucket["label"] for bucket in buckets]
    strips = [
        (
            item["name"],
            [
                charts.Mark(label=label, value=point["count"], href=point["href"])
                for label, point in zip(labels, item["counts"], strict=True)
            ],
        )
        for item in series
    ]
    svg = charts.small_multiples(
        "chart-series", title, description, labels, strips, x_label="Period", y_label="Articles"
    )
    rows = [
        [
            cell(bucket["label"]),
            *[
                cell(
                    charts.number(item["counts"][index]["count"]),
                    item["counts"][index]["href"],
                    item["counts"][index]["count"],
                )
                for item in series
            ],
        ]
        for index, bucket in enumerate(buckets)
    ]
    return chart("chart-series", title, description, svg, ["Period", *names], rows)


def bar_chart(chart_id, title, category, items):
    """Topics or providers: `items` of {"name", "count", "href"}."""
    description = (
        f"The {len(items)} {category.lower()}s with the most articles for these filters "
        f"(ignoring any {category.lower()} filter); each bar links to its articles."
    )
    marks = [
        charts.Mark(label=item["name"], value=item["count"], href=item["href"]) for item in items
    ]
    svg = charts.bar_chart(
        chart_id, title, description, marks, category_label=category, value_label="Articles"
    )
    rows = [
        [
            cell(item["name"], item["href"], item["count"]),
            cell(charts.number(item["count"]), item["href"], item["count"]),
        ]
        for item in items
    ]
    return chart(chart_id, title, description, svg, [category, "Articles"], rows)


def quality_chart(bins, headline):
    unscored = headline["total"] - headline["with_quality"]
    description = (
        f"How many articles have each quality score, in bins of {QUALITY_BIN} (the last bin "
        f"takes every higher score past {QUALITY_BINS} bins); "
        f"{charts.number(unscored)} articles have no score and are not shown."
    )
    marks = []
    for item in bins:
        label = f"{item['from']}+" if item["to"] is None else f"{item['from']}–{item['to']}"
        tooltip = f"Quality {label}: {charts.number(item['count'])}"
        marks.append(charts.Mark(label, item["count"], item["href"], tooltip))
    svg = charts.histogram(
        "chart-quality",
        "Quality distribution",
        description,
        marks,
        x_label="Quality score",
        y_label="Articles",
    )
    rows = [
        [
            cell(mark.label, mark.href, mark.value),
            cell(charts.number(mark.value), mark.href, mark.value),
        ]
        for mark in marks
    ]
    return chart(
        "chart-quality", "Quality distribution", description, svg, ["Quality", "Articles"], rows
    )


def heat_by_quality_chart(scatter):
    both, equal = scatter["withBoth"], scatter["heatEqualsQuality"]
    share = f"{round(100 * equal / both)}%" if both else "none"
    sampled = (
        f" Only the {SCATTER_POINTS} commonest scores are drawn." if scatter["sampled"] else ""
    )
    description = (
        "Mean heat per quality score: a dot is one score, its size the number of articles with "
        f"that score, its height their mean heat. {charts.number(both)} articles have both; "
        f"{share} of them have heat equal to quality.{sampled} A dot links to the articles "
        "with its score."
    )
    points = scatter["points"]
    svg = charts.scatter_chart(
        "chart-heat-quality",
        "Heat by quality",
        description,
        [
            charts.Point(
                x=point["quality"],
                y=point["heat"],
                count=point["count"],
                href=point["href"],
                tooltip=(
                    f"Quality {point['quality']}: {charts.number(point['count'])} articles, "
                    f"mean heat {point['heat']:g}"
                ),
            )
            for point in points
        ],
        x_label="Quality",
        y_label="Mean heat",
    )
    rows = [
        [
            cell(str(point["quality"]), point["href"], point["count"]),
            cell(f"{point['heat']:g}"),
            cell(charts.number(point["count"]), point["href"], point["count"]),
        ]
        for point in points
    ]
    headers = ["Quality", "Mean heat", "Articles"]
    return chart("chart-heat-quality", "Heat by quality", description, svg, headers, rows)


def build_charts(figures):
    """Each chart's SVG, caption and data table, in page order (no time charts when empty)."""
    timeline = figures["timeline"]
    built = [timeline_chart(timeline)] if timeline["buckets"] else []
    if timeline["buckets"] and timeline["series"]:
        built.append(series_chart(timeline))
    built += [
        bar_chart("chart-topics", "Articles per topic", "Topic", figures["topics"]),
        bar_chart("chart-providers", "Top providers", "Provider", figures["providers"]),
        quality_chart(figures["quality"]["bins"], figures["headline"]),
        heat_by_quality_chart(figures["heatByQuality"]),
    ]
    return built
