"""/export/articles.csv: every matching row, streamed, with stable columns and no formulas."""

import csv
import io

from articles.exports import PUBLIC_COLUMNS
from articles.models import ArticleStatus


def rows_of(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_it_streams_every_matching_article_with_stable_columns(client, make_article):
    for n in range(25):
        make_article(f"AI story {n}", topics=["AI", "Robotics"], quality=n)
    make_article("Off topic", topics=["Cooking"])
    make_article("Draft", topics=["AI"], status=ArticleStatus.DRAFT)

    response = client.get("/export/articles.csv?topic=ai&sort=quality")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="articles.csv"'
    header, *rows = rows_of(response)
    assert (
        header
        == PUBLIC_COLUMNS
        == [
            "id",
            "url",
            "title",
            "publishedDateTime",
            "provider",
            "providerDomain",
            "topics",
            "quality",
            "heat",
            "type",
            "category",
            "webUrl",
            "originalUrl",
            "excerpt",
        ]
    )
    assert len(rows) == 25  # more than a page: the export is not paginated
    assert [row[2] for row in rows] == [f"AI story {n}" for n in range(24, -1, -1)]
    first = dict(zip(header, rows[0], strict=True))
    assert first["topics"] == "AI; Robotics"
    assert first["heat"] == "-1"
    assert first["url"].startswith("http://testserver/articles/")


def test_cells_that_a_spreadsheet_would_run_are_neutralised(client, make_article):
    make_article('=HYPERLINK("http://evil.example","click")', excerpt="+1 then @SUM(A1)")
    make_article("-2+3", excerpt="\tcmd")

    rows = {row[2]: row for row in rows_of(client.get("/export/articles.csv"))[1:]}

    assert '\'=HYPERLINK("http://evil.example","click")' in rows
    assert rows['\'=HYPERLINK("http://evil.example","click")'][-1] == "'+1 then @SUM(A1)"
    assert rows["'-2+3"][-1] == "'\tcmd"
    assert all(
        not cell.startswith(("=", "+", "-", "@"))
        for row in rows.values()
        for cell in row
        if cell != "-1"
    )


def test_bad_parameters_are_a_400_json_answer(client, db):
    response = client.get("/export/articles.csv?quality_max=lots")

    assert response.status_code == 400
    assert "quality_max" in response.json()["errors"]


def test_the_export_costs_a_few_queries_per_chunk_not_per_row(
    client, make_article, django_assert_max_num_queries
):
    """Providers and topics are joined or prefetched per chunk of 1,000 rows."""
    for _ in range(40):
        make_article(topics=["AI", "Robotics"], images=1)
    with django_assert_max_num_queries(6):
        assert len(rows_of(client.get("/export/articles.csv"))) == 41
