"""Every chart element links to exactly what it counts: on five dashboards over real data, each
`data-count` link is followed and the list it opens shows that count."""

import re
from html import unescape
from urllib.parse import urlencode

import pytest

from articles.ingest.runner import run_import
from tests.conftest import CORPUS, EXAMPLES

pytestmark = pytest.mark.django_db

SOURCES = {
    "corpus": [CORPUS / "topics", CORPUS / "organizations", CORPUS / "articles"],
    "examples": [EXAMPLES],
}


def counted_links(html):
    """{href: count} of every linked figure; a link must carry one count wherever it appears."""
    links = {}
    for href, count in re.findall(r'<a href="([^"]+)" data-count="(\d+)"', html):
        href = unescape(href)
        assert links.setdefault(href, int(count)) == int(count), href
    return links


def five_dashboards(client):
    """None, a two-year range, a topic, a provider and a quality floor, chosen from the data."""
    figures = client.get("/dashboard/").context["figures"]
    latest = figures["headline"]["latest"][:4]
    two_years = {"date_from": f"{int(latest) - 2}-01-01", "date_to": f"{int(latest) - 1}-12-31"}
    topic = (figures["timeline"]["series"] or figures["topics"])[0]["slug"]
    provider = figures["providers"][0]["domain"]
    return ["", urlencode(two_years), f"topic={topic}", f"provider={provider}", "quality_min=100"]


@pytest.mark.parametrize("source", SOURCES)
def test_every_chart_link_opens_a_list_of_its_count(client, source):
    if not all(path.is_dir() for path in SOURCES[source]):
        pytest.skip(f"no {source} at {SOURCES[source][0].parent}")
    run_import(SOURCES[source])

    followed = 0
    for query in five_dashboards(client):
        page = client.get(f"/dashboard/?{query}")
        assert page.status_code == 200, query
        html = page.content.decode()
        for svg in re.findall(r"<svg.*?</svg>", html, re.S):
            assert svg.count("<a ") == svg.count("data-count="), "a chart link without a count"
        links = counted_links(html)
        assert len(links) > 20, query
        for href, count in links.items():
            listing = client.get(href)
            assert listing.status_code == 200, href
            assert not listing.context["total_is_lower_bound"]
            assert listing.context["total"] == count, f"{query}: {href}"
        followed += len(links)
    assert followed > 100
