"""The article page: everything about one article, related reading, and metadata for sharing."""

import json
import re
from datetime import UTC, datetime
from html import unescape

import pytest

from articles.models import ArticleImage, ArticleStatus, RelatedLink
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db
NOT_FOR_READERS = [ArticleStatus.DRAFT, ArticleStatus.HIDDEN, ArticleStatus.WITHDRAWN]


@pytest.fixture
def article(make_article, make_provider):
    provider = make_provider(
        "lab.example",
        name="The Lab",
        images=[
            {"url": "https://lab.example/logo-400.png", "width": 400, "height": 400},
            {"url": "https://lab.example/logo-50.png", "width": 50, "height": 50},
        ],
    )
    article = make_article(
        "Robots learn to fold laundry",
        provider=provider,
        topics=["Robotics", "Machine Learning"],
        excerpt="A lab taught robots a chore.",
        body_html="<p>The <em>full</em> story.</p>",
        published_at=datetime(2024, 3, 5, 14, 30, tzinfo=UTC),
        quality=87,
        heat=42,
        web_url="https://lab.example/news/robots",
        amp_url="https://lab.example/amp/robots",
    )
    ArticleImage.objects.create(
        article=article, position=0, url="https://img.example/lead.jpg", width=1200, height=675
    )
    ArticleImage.objects.create(
        article=article, position=1, url="https://img.example/second.jpg", width=10, height=10
    )
    return article


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response, response.content.decode()


def test_it_shows_the_article(client, article):
    _, html = page(client, article)

    assert '<h1 id="story-title">Robots learn to fold laundry' in html
    assert 'src="https://lab.example/logo-50.png"' in html
    assert "The Lab</a>" in html
    assert '<p class="story__excerpt">A lab taught robots a chore.</p>' in html
    assert '<div class="story__body prose"><p>The <em>full</em> story.</p></div>' in html
    assert "<dt>Quality</dt><dd>87</dd>" in html
    assert "<dt>Heat</dt><dd>42</dd>" in html


def test_the_time_is_given_in_the_site_time_zone_and_says_which(client, article, settings):
    settings.TIME_ZONE = "Europe/Paris"

    _, html = page(client, article)

    assert '<time datetime="2024-03-05T15:30:00+01:00">Tuesday 5 March 2024, 15:30</time>' in html
    assert 'title="Times on this site are in the Europe/Paris time zone">CET</abbr>' in html


def test_topics_link_to_their_filtered_lists(client, article):
    _, html = page(client, article)

    assert '<li><a href="/topics/robotics/">Robotics</a></li>' in html
    assert '<li><a href="/topics/machine-learning/">Machine Learning</a></li>' in html


def test_the_lead_image_reserves_its_space(client, article):
    response, html = page(client, article)

    assert response.context["lead_image"].url == "https://img.example/lead.jpg"
    assert re.search(
        r'<img src="https://img.example/lead.jpg" width="1200" height="675" alt="" '
        r'loading="lazy" decoding="async">',
        html,
    )
    assert '<figure class="story__image img-frame" style="aspect-ratio: 1200 / 675">' in html


def test_it_links_to_the_source_and_the_amp_version(client, article):
    _, html = page(client, article)

    assert (
        '<a class="button" href="https://lab.example/news/robots" rel="noopener noreferrer">'
        'Read at The Lab<span aria-hidden="true"> →</span></a>'
    ) in html
    assert (
        '<a href="https://lab.example/amp/robots" rel="noopener noreferrer">AMP version</a>' in html
    )


def test_without_a_body_no_body_is_shown(client, make_article):
    article = make_article("Excerpt only", body_html="")

    _, html = page(client, article)

    assert "story__body" not in html


def test_a_wrong_slug_redirects_to_the_right_one(client, article):
    response = client.get(f"/articles/{article.pk}/old-title/")

    assert response.status_code == 301
    assert response["Location"] == f"/articles/{article.pk}/robots-learn-to-fold-laundry/"


def entry(title, web_url, **more):
    return {"title": title, "webUrl": web_url, **more}


def test_related_articles_link_here_when_we_have_them_else_to_their_source(
    client, article, make_article
):
    ours = make_article("A full related article")
    stub = make_article("Only a stub", is_stub=True)
    draft = make_article("A draft", status=ArticleStatus.DRAFT)
    entries = [
        entry("A full related article", ours.web_url),
        entry("Only a stub", "https://else.example/stub"),
        entry("A draft", "https://else.example/d"),
    ]
    for position, (target, written) in enumerate(zip([ours, stub, draft], entries, strict=True)):
        RelatedLink.objects.create(article=article, target=target, position=position, entry=written)

    _, html = page(client, article)

    assert f'<a href="{ours.get_absolute_url()}">A full related article</a>' in html
    assert (
        '<a href="https://else.example/stub" rel="noopener noreferrer">Only a stub'
        '<span class="visually-hidden"> (at its source)</span>'
    ) in html
    assert '<a href="https://else.example/d" rel="noopener noreferrer">A draft' in html
    assert html.index("A full related article") < html.index("Only a stub") < html.index("A draft")


@pytest.mark.parametrize("hidden", ["stub", *NOT_FOR_READERS])
def test_a_related_target_readers_may_not_see_shows_only_what_the_entry_wrote(
    client, admin_client, article, make_article, make_provider, hidden
):
    secret_provider = make_provider("secret.example", name="Secret Provider Name")
    status = {"status": hidden} if hidden != "stub" else {"is_stub": True}
    target = make_article(
        "Embargoed current title",
        provider=secret_provider,
        published_at=datetime(2031, 7, 9, tzinfo=UTC),
        **status,
    )
    written = entry(
        "What the entry wrote",
        "javascript:alert(1)",
        provider={"name": "Entry Provider", "domain": "entry.example"},
        publishedDateTime="2024-02-01T10:00:00Z",
    )
    RelatedLink.objects.create(article=article, target=target, position=0, entry=written)

    _, html = page(client, article)

    assert "What the entry wrote" in html
    assert "Entry Provider" in html
    assert "1 Feb 2024" in html
    for leaked in ["Embargoed current title", "Secret Provider Name", "2031", "javascript:"]:
        assert leaked not in html
    if hidden != "stub":  # staff may open the target itself
        staff_html = admin_client.get(article.get_absolute_url()).content.decode()
        assert f'<a href="{target.get_absolute_url()}">Embargoed current title</a>' in staff_html


def test_it_offers_more_on_the_first_topic_and_from_the_provider(client, article, make_article):
    make_article("Other robotics news", topics=["Robotics"])
    make_article("Only machine learning", topics=["Machine Learning"])
    make_article("Same lab", provider=article.provider)
    make_article("Hidden robotics", topics=["Robotics"], status=ArticleStatus.HIDDEN)

    response, html = page(client, article)

    assert [a.title for a in response.context["more_on_topic"]] == ["Other robotics news"]
    assert [a.title for a in response.context["more_from_provider"]] == ["Same lab"]
    assert '<h2 id="more-topic-heading">More on Robotics</h2>' in html
    assert '<h2 id="more-provider-heading">More from The Lab</h2>' in html


def test_it_has_open_graph_tags(client, article):
    _, html = page(client, article)

    url = f"http://testserver{article.get_absolute_url()}"
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Robots learn to fold laundry">' in html
    assert '<meta property="og:description" content="A lab taught robots a chore.">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:image" content="https://img.example/lead.jpg">' in html
    assert '<meta property="article:published_time" content="2024-03-05T14:30:00+00:00">' in html
    assert f'<link rel="canonical" href="{url}">' in html


def test_it_describes_itself_as_a_schema_org_news_article(client, article):
    _, html = page(client, article)

    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(script.group(1))
    url = f"http://testserver{article.get_absolute_url()}"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Robots learn to fold laundry"
    assert data["url"] == url
    assert data["datePublished"] == "2024-03-05T14:30:00+00:00"
    assert data["image"] == ["https://img.example/lead.jpg", "https://img.example/second.jpg"]
    assert data["keywords"] == ["Robotics", "Machine Learning"]
    assert data["isBasedOn"] == "https://lab.example/news/robots"
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "The Lab",
        "logo": {"@type": "ImageObject", "url": "https://lab.example/logo-50.png"},
    }


def test_an_article_without_provider_topics_or_images_still_renders(client, make_article):
    article = make_article("Bare", provider=None, excerpt="")
    article.provider = None
    article.save()

    response, html = page(client, article)

    assert response.context["lead_image"] is None
    assert unescape("Read at the source") in html
