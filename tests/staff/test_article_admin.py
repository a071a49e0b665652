"""The articles changelist and change form."""

from datetime import UTC, datetime

import pytest
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin.articles import EstimatedCountPaginator
from articles.cache import current_data_version
from articles.models import Article, ArticleImage, ArticleStatus

from . import ARTICLES

pytestmark = pytest.mark.django_db


def listed(response):
    """The articles on the changelist page, in order."""
    return list(response.context["cl"].result_list)


def row_of(response, article):
    """The HTML row of `article` in the changelist table."""
    html = response.content.decode()
    marker = f'value="{article.pk}"'
    start = html.index(marker)
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def test_the_list_shows_what_an_editor_scans(admin_client, make_article, make_provider):
    article = make_article(
        "Robots learn to fold laundry",
        provider=make_provider("robots.example", "Robot Weekly"),
        topics=["AI", "Robotics"],
        images=2,
        quality=120,
        heat=87,
        published_at=datetime(2024, 3, 5, 14, 30, tzinfo=UTC),
        edited_by_staff=True,
    )

    response = admin_client.get(ARTICLES)

    row = row_of(response, article)
    assert 'src="https://img.example/' in row and "-0.jpg" in row  # the first image only
    assert 'loading="lazy"' in row and 'width="64" height="40"' in row
    assert "Robots learn to fold laundry" in row
    assert "Robot Weekly" in row
    assert "AI, Robotics" in row
    assert ">120<" in row and ">87<" in row
    assert '<span class="nr-badge nr-badge-published">published</span>' in row
    assert 'alt="True"' in row  # the edited-by-staff mark


@pytest.mark.parametrize(
    ("fields", "badge"),
    [
        ({"status": ArticleStatus.HIDDEN}, "hidden"),
        ({"status": ArticleStatus.DRAFT}, "draft"),
        ({"status": ArticleStatus.WITHDRAWN}, "withdrawn"),
        ({"is_stub": True}, "stub"),
    ],
)
def test_the_status_badge_tells_hidden_draft_withdrawn_and_stub_apart(
    admin_client, make_article, fields, badge
):
    article = make_article(**fields)

    row = row_of(admin_client.get(ARTICLES), article)

    assert f'<span class="nr-badge nr-badge-{badge}">{badge}</span>' in row


def test_an_unsafe_image_url_is_not_rendered(admin_client, make_article):
    article = make_article()
    ArticleImage.objects.create(article=article, position=0, url="javascript:alert(1)")

    row = row_of(admin_client.get(ARTICLES), article)

    assert "javascript:" not in row
    assert 'class="nr-thumb"' not in row


def test_the_list_runs_the_same_queries_for_5_and_50_articles(
    admin_client, make_article, django_assert_max_num_queries
):
    """Provider, topics and images of each row are joined or prefetched, not one query a row.

    The 13: session, user, the topic and provider filter choices, the planner's estimate
    (PostgreSQL), the count, the page, its topics, its images, and the date hierarchy's four.
    """
    counts = []
    for total in (5, 50):
        while Article.objects.count() < total:
            make_article(topics=["AI", "Robotics"], images=2)
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(ARTICLES)
        assert len(listed(response)) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(13):
        admin_client.get(ARTICLES)


@pytest.mark.parametrize("query", ["", "?status__exact=published&quality_band=100", "?q=model"])
def test_the_benchmarked_urls_answer(admin_client, make_article, query):
    make_article("A model of the brain", quality=130)

    response = admin_client.get(ARTICLES + query)

    assert response.status_code == 200
    assert [a.title for a in listed(response)] == ["A model of the brain"]


def test_the_status_filter_keeps_stubs_apart(admin_client, make_article):
    published = make_article(status=ArticleStatus.PUBLISHED)
    stub = make_article(is_stub=True)
    hidden = make_article(status=ArticleStatus.HIDDEN)

    assert listed(admin_client.get(ARTICLES + "?status__exact=published")) == [published]
    assert listed(admin_client.get(ARTICLES + "?status__exact=stub")) == [stub]
    assert listed(admin_client.get(ARTICLES + "?status__exact=hidden")) == [hidden]


@pytest.mark.parametrize(
    ("band", "expected"), [("100", [161, 100]), ("50", [99, 50]), ("0", [49, 0]), ("none", [None])]
)
def test_the_quality_band_filter(admin_client, make_article, band, expected):
    for quality in [0, 49, 50, 99, 100, 161, None]:
        make_article(quality=quality)

    qualities = [a.quality for a in listed(admin_client.get(f"{ARTICLES}?quality_band={band}"))]

    assert sorted(qualities, key=lambda q: -1 if q is None else q, reverse=True) == expected


def test_the_image_topic_and_provider_filters(admin_client, make_article, make_provider):
    with_image = make_article(images=1, topics=["Robotics"])
    without = make_article(topics=["AI"], provider=make_provider("ai.example"))

    assert listed(admin_client.get(ARTICLES + "?has_image=yes")) == [with_image]
    assert listed(admin_client.get(ARTICLES + "?has_image=no")) == [without]
    assert listed(admin_client.get(ARTICLES + "?topic=robotics")) == [with_image]
    url = f"{ARTICLES}?provider__id__exact={without.provider_id}"
    assert listed(admin_client.get(url)) == [without]


@pytest.mark.parametrize(
    "query", ["status__exact=nonsense", "quality_band=7", "has_image=maybe", "published_at__year=x"]
)
def test_a_bad_filter_value_is_no_server_error(admin_client, make_article, query):
    make_article()

    response = admin_client.get(f"{ARTICLES}?{query}")

    # Django's admin answers wacky lookups by sending the editor back to the plain list.
    assert response.status_code == 302
    assert response["Location"] == ARTICLES + "?e=1"
    assert admin_client.get(response["Location"]).status_code == 200


def test_search_matches_title_excerpt_and_provider(admin_client, make_article, make_provider):
    by_title = make_article("Diffusion models explained")
    by_excerpt = make_article("Plain", excerpt="A new diffusion sampler")
    by_domain = make_article("Other", provider=make_provider("diffusion.news", "Daily Wire"))
    by_name = make_article("Fourth", provider=make_provider("dn.example", "Diffusion News"))
    make_article("Unrelated", url="https://example.org/about-diffusion")
    make_article("Also unrelated", provider=make_provider("stable-diffusion.example", "SD"))

    found = set(listed(admin_client.get(ARTICLES + "?q=diffusion")))

    # URLs and domains match by their start, so "diffusion" inside them does not count.
    assert found == {by_title, by_excerpt, by_domain, by_name}


def test_search_finds_an_article_by_the_start_of_its_url(admin_client, make_article):
    wanted = make_article("Elsewhere", url="https://diffusion.example/2024/post")
    make_article("Next door", url="https://diffusion.example/2023/other")

    response = admin_client.get(ARTICLES + "?q=https://diffusion.example/2024/")

    assert listed(response) == [wanted]


def test_the_date_hierarchy_lists_only_years_with_articles(admin_client, make_article):
    for year in (2019, 2021):
        make_article(published_at=datetime(year, 6, 1, tzinfo=UTC))
    make_article("In 2021 too", published_at=datetime(2021, 7, 1, tzinfo=UTC), quality=150)

    years = admin_client.get(ARTICLES).context["cl"].year_choices
    filtered = admin_client.get(ARTICLES + "?quality_band=100").context["cl"].year_choices

    assert [choice["title"] for choice in years] == [2019, 2021]
    assert years[1]["link"] == "?published_at__year=2021"
    assert [choice["title"] for choice in filtered] == [2021]
    in_2021 = listed(admin_client.get(ARTICLES + "?published_at__year=2021"))
    assert len(in_2021) == 2


def test_the_paginator_counts_exactly_outside_postgresql_or_when_filtered(make_article):
    for _ in range(3):
        make_article()
    paginator = EstimatedCountPaginator(Article.objects.order_by("pk"), 2)

    assert paginator.count == 3
    assert paginator.is_estimate is False
    filtered = EstimatedCountPaginator(Article.objects.filter(quality=None).order_by("pk"), 2)
    assert filtered.count == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_class estimates")
def test_a_big_unfiltered_list_on_postgresql_uses_the_planner_estimate(
    admin_client, make_article, monkeypatch
):
    make_article()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    monkeypatch.setattr(EstimatedCountPaginator, "estimate_above", -1)

    response = admin_client.get(ARTICLES)

    assert response.context["cl"].paginator.is_estimate is True
    assert "about 1 article" in response.content.decode()
    filtered = admin_client.get(ARTICLES + "?quality_band=none")
    assert filtered.context["cl"].paginator.is_estimate is False


def test_the_list_never_counts_the_whole_table_a_second_time():
    from articles.admin.articles import ArticleAdmin

    assert ArticleAdmin.show_full_result_count is False
    assert issubclass(ArticleAdmin.paginator, EstimatedCountPaginator)
    assert issubclass(ArticleAdmin(Article, None).get_changelist(None), ChangeList)


# --- the change form ---


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(article, **changes):
    """The change form's POST as the browser sends it for `article`, with `changes`."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "excerpt": article.excerpt,
        "body": article.body,
        "status": article.status,
        "quality": "" if article.quality is None else article.quality,
        "heat": "" if article.heat is None else article.heat,
        "provider": article.provider_id or "",
        "published_at_0": "2024-01-02",
        "published_at_1": "10:00:00",
        "web_url": article.web_url,
        "original_url": article.original_url,
        "amp_url": "",
        "cdn_amp_url": "",
        "category": article.category,
        "type": article.type,
    }
    if article.edited_by_staff:
        data["edited_by_staff"] = "on"
    for prefix in ("article_topics", "images", "related_links"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_change_form_shows_the_bookkeeping_read_only(admin_client, make_article):
    article = make_article(secured="OPAQUE-BLOB;abc", source_path="articles/2024-01-01-x.md")

    response = admin_client.get(change_url(article))

    form = response.context["adminform"].form
    assert "secured" not in form.fields and "source_path" not in form.fields
    assert "url" not in form.fields  # the identity for imports
    assert "edited_by_staff" in form.fields
    html = response.content.decode()
    assert "OPAQUE-BLOB;abc" in html and "articles/2024-01-01-x.md" in html
    assert "Untick the box and save to let the next import update it" in html
    view_on_site = reverse(
        "admin:view_on_site", args=[response.context["content_type_id"], article.pk]
    )
    assert f'href="{view_on_site}" class="viewsitelink"' in html


def test_saving_marks_the_article_edited_by_staff(admin_client, make_article):
    article = make_article(title="Old title")
    before = current_data_version()

    response = admin_client.post(change_url(article), form_data(article, title="New title"))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "New title"
    assert article.edited_by_staff is True
    assert current_data_version() == before + 1


def test_saving_a_new_body_renders_it_sanitised(admin_client, make_article):
    article = make_article(body="")

    body = "Some **bold** words <script>alert(1)</script>"
    admin_client.post(change_url(article), form_data(article, body=body))

    article.refresh_from_db()
    assert "<strong>bold</strong>" in article.body_html
    assert "<script" not in article.body_html


def test_unticking_the_mark_releases_the_article_to_imports(admin_client, make_article):
    article = make_article(edited_by_staff=True)

    response = admin_client.post(change_url(article), form_data(article, edited_by_staff=None))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.edited_by_staff is False


def test_posted_bookkeeping_fields_are_ignored(admin_client, make_article):
    article = make_article(secured="KEEP", url="https://news.example/keep")

    admin_client.post(
        change_url(article),
        form_data(article, secured="CHANGED", url="https://evil.example/", content_hash="x"),
    )

    article.refresh_from_db()
    assert (article.secured, article.url, article.content_hash) == (
        "KEEP",
        "https://news.example/keep",
        "",
    )


def test_topics_are_edited_in_the_inline_with_autocomplete(admin_client, make_article, make_topic):
    article = make_article(topics=["AI"])
    robotics = make_topic("Robotics")
    link = article.article_topics.get()

    data = form_data(
        article,
        **{
            "article_topics-TOTAL_FORMS": 2,
            "article_topics-INITIAL_FORMS": 1,
            "article_topics-0-id": link.pk,
            "article_topics-0-article": article.pk,
            "article_topics-0-topic": link.topic_id,
            "article_topics-0-position": 0,
            "article_topics-1-article": article.pk,
            "article_topics-1-topic": robotics.pk,
            "article_topics-1-position": 1,
        },
    )
    response = admin_client.post(change_url(article), data)

    assert response.status_code == 302
    names = article.article_topics.order_by("position").values_list("topic__name", flat=True)
    assert list(names) == ["AI", "Robotics"]
    page = admin_client.get(change_url(article)).content.decode()
    assert 'data-model-name="articletopic"' in page and "admin-autocomplete" in page
