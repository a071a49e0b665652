"""The pure SVG chart builders: well-formed, labelled, linked and escaped."""

import xml.etree.ElementTree as ET

import pytest

from articles import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & ]]> \x07 \ud800'


def parse(svg):
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag == f"{SVG}svg"
    return root


def links(root):
    return [(a.get("href"), a.find(f"{SVG}title").text) for a in root.iter(f"{SVG}a")]


def axis_labels(root):
    return [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "axis-label"]


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (7, [0, 2, 4, 6, 8]),
        (87, [0, 20, 40, 60, 80, 100]),
        (100, [0, 20, 40, 60, 80, 100]),
        (12345, [0, 2500, 5000, 7500, 10000, 12500]),
    ],
)
def test_nice_ticks_cover_the_maximum_with_round_steps(maximum, ticks):
    assert charts.nice_ticks(maximum) == ticks


def test_a_bar_chart_has_title_desc_axis_labels_and_a_link_per_bar():
    marks = [charts.Mark("AI", 12, "/?topic=ai"), charts.Mark("Robotics", 3, "/?topic=robotics")]

    root = parse(
        charts.bar_chart(
            "c1", "Per topic", "Two topics", marks, category_label="Topic", value_label="Articles"
        )
    )

    assert root.find(f"{SVG}title").text == "Per topic"
    assert root.find(f"{SVG}desc").text == "Two topics"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert axis_labels(root) == ["Articles", "Topic"]
    assert links(root) == [("/?topic=ai", "AI: 12"), ("/?topic=robotics", "Robotics: 3")]
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(widths[1] * 4)


def test_hostile_labels_and_urls_are_escaped_and_stripped_of_what_xml_forbids():
    marks = [charts.Mark(HOSTILE, 1, '/?q="><script>')]

    svg = charts.bar_chart(
        HOSTILE, HOSTILE, HOSTILE, marks, category_label=HOSTILE, value_label="Articles"
    )
    root = parse(svg)

    assert "<script>" not in svg
    assert root.find(f"{SVG}title").text == '<script>alert("x")</script> & ]]>  '
    assert links(root)[0][0] == '/?q="><script>'


def test_a_column_chart_labels_its_axes_and_links_every_column():
    marks = [charts.Mark(f"w{n}", n, f"/?week={n}") for n in range(52)]

    root = parse(
        charts.column_chart("c2", "Weekly", "d", marks, x_label="Week", y_label="Articles")
    )

    assert axis_labels(root) == ["Week", "Articles"]
    assert len(links(root)) == 52
    tick_labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert "w0" in tick_labels and "w1" not in tick_labels  # thinned so labels never overlap


def test_a_histogram_keeps_bins_in_order():
    bins = [
        charts.Mark("0–9", 4, "/?a"),
        charts.Mark("10–19", 0, "/?b"),
        charts.Mark("20–29", 2, "/?c"),
    ]
    root = parse(charts.histogram("h", "Quality", "d", bins, x_label="Quality", y_label="Articles"))
    heights = [float(r.get("height")) for r in root.iter(f"{SVG}rect")]
    assert heights[0] == pytest.approx(heights[2] * 2)
    assert heights[1] == 0


def test_small_multiples_draw_one_strip_per_series_on_one_scale_and_link_every_column():
    labels = ["Jan", "Feb", "Mar"]
    series = [
        ("AI", [charts.Mark(label, n, f"/?ai={n}") for n, label in enumerate(labels)]),
        ("Robotics", [charts.Mark(label, 2 * n, f"/?r={n}") for n, label in enumerate(labels)]),
    ]
    root = parse(
        charts.small_multiples("m", "T", "d", labels, series, x_label="Month", y_label="Articles")
    )

    assert len(links(root)) == 6
    counts = [a.get("data-count") for a in root.iter(f"{SVG}a")]
    assert counts == ["0", "1", "2", "0", "2", "4"]
    heights = [float(r.get("height")) for r in root.iter(f"{SVG}rect")]
    assert heights[5] == pytest.approx(2 * heights[2])  # one scale for every strip
    assert axis_labels(root) == ["Month", "Articles"]


def test_every_linked_mark_carries_its_count():
    marks = [charts.Mark("AI", 12, "/?topic=ai"), charts.Mark("Robotics", 3, "/?topic=robotics")]
    root = parse(charts.bar_chart("b", "T", "d", marks, category_label="x", value_label="y"))
    assert [a.get("data-count") for a in root.iter(f"{SVG}a")] == ["12", "3"]


def test_a_scatter_chart_links_each_point():
    points = [charts.Point(10, 10, 5, "/?q=10", "q10"), charts.Point(150, 30, 1, "/?q=150", "q150")]
    root = parse(
        charts.scatter_chart("p", "Heat vs quality", "d", points, x_label="Quality", y_label="Heat")
    )
    assert links(root) == [("/?q=10", "q10"), ("/?q=150", "q150")]
    radii = [float(c.get("r")) for c in root.iter(f"{SVG}circle")]
    assert radii[0] > radii[1]


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.bar_chart("e", "T", "d", [], category_label="x", value_label="y"),
        lambda: charts.column_chart("e", "T", "d", [], x_label="x", y_label="y"),
        lambda: charts.small_multiples("e", "T", "d", [], [], x_label="x", y_label="y"),
        lambda: charts.scatter_chart("e", "T", "d", [], x_label="x", y_label="y"),
    ],
)
def test_an_empty_chart_says_so_instead_of_failing(build):
    root = parse(build())
    assert "No data for these filters" in "".join(root.itertext())


def test_ticks_reach_below_zero_when_values_do():
    assert charts.nice_ticks(40, minimum=-7) == [-10, 0, 10, 20, 30, 40]


def test_a_scatter_chart_draws_negative_values_inside_the_plot():
    points = [charts.Point(0, -5, 1, "/?a", "a"), charts.Point(100, 100, 1, "/?b", "b")]
    root = parse(charts.scatter_chart("p", "T", "d", points, x_label="x", y_label="y"))
    plot_bottom = max(float(line.get("y1")) for line in root.iter(f"{SVG}line"))
    assert all(float(c.get("cy")) <= plot_bottom for c in root.iter(f"{SVG}circle"))


def test_a_wide_chart_keeps_a_minimum_width_for_phones():
    marks = [charts.Mark("w", 1, "/?w")]
    root = parse(charts.column_chart("s", "T", "d", marks, x_label="x", y_label="y", width=960))
    assert root.get("viewBox") == "0 0 960 300"
    assert root.get("style") == "min-width: 768px"
