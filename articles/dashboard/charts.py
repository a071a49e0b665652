"""The dashboard's chart cards: its figures drawn as SVG (articles/charts.py), with a caption and
a data table whose cells link where the marks do."""

from datetime import date

from django.utils.safestring import mark_safe

from .. import charts
from .figures import QUALITY_BIN, SCATTER_POINTS


def cell(text, href=""):
    return {"text": text, "href": href}


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


def weekly_chart(weekly):
    names = [series["name"] for series in weekly["series"]]
    first, last = weekly["columns"][0]["week"], weekly["columns"][-1]["week"]
    description = (
        f"Articles published each week from the week of {first} to the week of {last}, "
        f"each counted once under its first-listed topic: {', '.join(names)}."
    )
    columns = [
        charts.StackedColumn(
            label=date.fromisoformat(column["week"]).strftime("%-d %b %y"),
            href=column["href"],
            segments=[
                charts.Segment(series=index, value=segment["count"], href=segment["href"])
                for index, segment in enumerate(column["segments"])
            ],
        )
        for column in weekly["columns"]
    ]
    svg = charts.stacked_column_chart(
        "chart-weekly",
        "Articles per week",
        description,
        names,
        columns,
        x_label="Week starting",
        y_label="Articles",
    )
    rows = [
        [
            cell(column["week"], column["href"]),
            cell(charts.number(column["count"]), column["href"]),
            *[
                cell(charts.number(segment["count"]), segment["href"])
                for segment in column["segments"]
            ],
        ]
        for column in weekly["columns"]
    ]
    headers = ["Week starting", "Articles", *names]
    return chart("chart-weekly", "Articles per week", description, svg, headers, rows)


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
        [cell(item["name"], item["href"]), cell(charts.number(item["count"]), item["href"])]
        for item in items
    ]
    return chart(chart_id, title, description, svg, [category, "Articles"], rows)


def quality_chart(bins, headline):
    unscored = headline["total"] - headline["with_quality"]
    description = (
        f"How many articles have each quality score, in bins of {QUALITY_BIN}; "
        f"{charts.number(unscored)} articles have no score and are not shown."
    )
    marks = [
        charts.Mark(
            label=f"{item['from']}–{item['to']}",
            value=item["count"],
            href=item["href"],
            tooltip=f"Quality {item['from']}–{item['to']}: {charts.number(item['count'])}",
        )
        for item in bins
    ]
    svg = charts.histogram(
        "chart-quality",
        "Quality distribution",
        description,
        marks,
        x_label="Quality score",
        y_label="Articles",
    )
    rows = [
        [cell(mark.label, mark.href), cell(charts.number(mark.value), mark.href)] for mark in marks
    ]
    return chart(
        "chart-quality", "Quality distribution", description, svg, ["Quality", "Articles"], rows
    )


def heat_quality_chart(scatter):
    both, equal = scatter["withBoth"], scatter["heatEqualsQuality"]
    share = f"{round(100 * equal / both)}%" if both else "none"
    sampled = (
        f" Only the {SCATTER_POINTS} most common pairs are drawn." if scatter["sampled"] else ""
    )
    description = (
        f"Heat against quality for the {charts.number(both)} articles that have both; {share} "
        f"of them have heat equal to quality.{sampled} A dot links to the articles with its "
        "quality."
    )
    points = scatter["points"]
    svg = charts.scatter_chart(
        "chart-heat-quality",
        "Heat vs quality",
        description,
        [
            charts.Point(
                x=point["quality"],
                y=point["heat"],
                count=point["count"],
                href=point["href"],
                tooltip=(
                    f"Quality {point['quality']}, heat {point['heat']}: "
                    f"{charts.number(point['count'])}"
                ),
            )
            for point in points
        ],
        x_label="Quality",
        y_label="Heat",
    )
    rows = [
        [
            cell(str(point["quality"]), point["href"]),
            cell(str(point["heat"])),
            cell(charts.number(point["count"])),
        ]
        for point in points
    ]
    headers = ["Quality", "Heat", "Articles"]
    return chart("chart-heat-quality", "Heat vs quality", description, svg, headers, rows)


def build_charts(figures):
    """Each chart's SVG, caption and data table, in page order (no weekly chart when empty)."""
    built = [weekly_chart(figures["weekly"])] if figures["weekly"]["columns"] else []
    built += [
        bar_chart("chart-topics", "Articles per topic", "Topic", figures["topics"]),
        bar_chart("chart-providers", "Top providers", "Provider", figures["providers"]),
        quality_chart(figures["quality"]["bins"], figures["headline"]),
        heat_quality_chart(figures["heatVsQuality"]),
    ]
    return built
