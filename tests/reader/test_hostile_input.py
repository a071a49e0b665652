"""No imported value can produce markup, a javascript: link, or a 500 on any reader page."""

import json
import re

import pytest
from django.urls import reverse

from articles.models import ArticleImage, RelatedLink
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

SCRIPT_TITLE = "<script>alert('title')</script> & \"quotes\""
BREAKOUT = "</script><script>alert('json')</script><!--"


@pytest.fixture
def hostile(make_article, make_provider, make_topic):
    provider = make_provider(
        "evil.example",
        name="<b>Evil</b> Corp",
        description="<img src=x onerror=alert(1)>",
        images=[{"url": "javascript:alert('logo')", "width": 1, "height": 1}],
    )
    topic = make_topic("<i>Topic</i>", slug="evil-topic", description="<script>x</script>")
    article = make_article(
        SCRIPT_TITLE,
        provider=provider,
        topics=[topic],
        excerpt=BREAKOUT,
        web_url="javascript:alert('source')",
        original_url="",
        amp_url="data:text/html,<script>alert(1)</script>",
        secured="TOP-SECRET-BLOB;suffix==",
    )
    ArticleImage.objects.create(article=article, position=0, url="javascript:alert('img')")
    stub = make_article("Stub <em>title</em>", is_stub=True, web_url=" JavaScript:alert('rel')")
    RelatedLink.objects.create(
        article=article,
        target=stub,
        position=0,
        entry={"title": "Stub <em>title</em>", "webUrl": " JavaScript:alert('rel')"},
    )
    return article


def pages(article):
    return [
        reverse("articles:article_list"),
        reverse("articles:article_list") + "?q=script",
        article.get_absolute_url(),
        reverse("articles:topic_list"),
        reverse("articles:topic_detail", args=["evil-topic"]),
        reverse("articles:provider_list"),
        reverse("articles:provider_detail", args=["evil.example"]),
    ]


def test_imported_text_is_shown_literally_everywhere(client, hostile):
    for url in pages(hostile):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "<script>alert" not in html, url
        assert "<b>Evil</b>" not in html, url
        assert "<i>Topic</i>" not in html, url
        assert "<img src=x" not in html, url


def test_the_script_title_is_escaped_in_list_and_detail(client, hostile):
    escaped = "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;"

    assert escaped in client.get(reverse("articles:article_list")).content.decode()
    assert (
        f'<h1 id="story-title">{escaped}' in client.get(hostile.get_absolute_url()).content.decode()
    )


def test_no_link_or_image_uses_a_dangerous_scheme(client, hostile):
    for url in pages(hostile):
        html = client.get(url).content.decode().lower()
        attributes = re.findall(r'(?:href|src|content)="\s*([a-z]+):', html)
        assert set(attributes) <= {"http", "https"}, (url, set(attributes))


def test_without_a_safe_source_there_is_no_read_link(client, hostile):
    html = client.get(hostile.get_absolute_url()).content.decode()

    assert "Read at" not in html
    assert "AMP version" not in html
    assert "Stub &lt;em&gt;title&lt;/em&gt;" in html


def test_json_ld_cannot_be_broken_out_of(client, hostile):
    html = client.get(hostile.get_absolute_url()).content.decode()

    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
    json_ld = [s for s in scripts if '"NewsArticle"' in s]
    assert len(json_ld) == 1
    data = json.loads(json_ld[0])
    assert data["headline"] == SCRIPT_TITLE
    assert data["description"] == BREAKOUT
    assert "isBasedOn" not in data
    assert "logo" not in data["publisher"]


def test_the_secured_blob_is_never_shown(client, admin_client, hostile):
    for url in pages(hostile):
        assert "TOP-SECRET-BLOB" not in client.get(url).content.decode()
        assert "TOP-SECRET-BLOB" not in admin_client.get(url).content.decode()
