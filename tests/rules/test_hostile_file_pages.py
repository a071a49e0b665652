"""Any single hostile file, once imported, leaves every page answering (both databases).

Extreme scores and dates and a huge topic list once took the dashboard down for everyone.
"""

from contextlib import suppress

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from articles.models import Article
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

FRONT_MATTER = """---
title: "{title}"
excerpt: "An article whose numbers are hostile."
publishedDateTime: {published}
webUrl: https://hostile.example/{slug}
quality: {quality}
heat: {heat}
provider:
  name: Hostile
  domain: hostile.example
topics:
{topics}
---
Body.
"""

HOSTILE_FILES = {
    "huge-quality": {"quality": 2147483647, "heat": 2147483647},
    "negative-quality": {"quality": -2147483648, "heat": -2147483648},
    "far-future": {"published": "9999-12-31T23:00:00Z"},
    "year-one": {"published": "0001-01-01T00:00:00Z"},
    "many-topics": {"topics": [f"Topic number {n}" for n in range(3000)]},
}
PAGES = [
    "/",
    "/?quality_min=0",
    "/?date_from=2000-01-01&date_to=2030-12-31",
    "/?sort=quality",
    "/topics/",
    "/dashboard/",
    "/dashboard/?quality_min=10",
    "/dashboard/?date_from=2000-01-01",
    "/dashboard/?topic=ai",
    "/api/dashboard/",
    "/api/dashboard/?date_from=2000-01-01",
    "/api/articles/",
    "/feeds/articles/",
    "/export/articles.csv",
]


def write(folder, slug, values):
    fields = {
        "title": f"Hostile {slug}",
        "slug": slug,
        "published": "2024-05-01T10:00:00Z",
        "quality": 50,
        "heat": 10,
        "topics": ["AI"],
        **values,
    }
    fields["topics"] = "\n".join(f"  - {name}" for name in fields["topics"])
    (folder / f"{slug}.md").write_text(FRONT_MATTER.format(**fields), encoding="utf-8")


@pytest.mark.parametrize("slug", HOSTILE_FILES)
def test_pages_answer_with_one_hostile_file_imported(tmp_path, slug):
    write(tmp_path, "ordinary", {})
    write(tmp_path, slug, HOSTILE_FILES[slug])
    with suppress(CommandError):  # a file refused by validation is safe too
        call_command("import_articles", str(tmp_path), verbosity=0)
    hostile = Article.objects.filter(url=f"https://hostile.example/{slug}").first()
    details = [hostile.get_absolute_url()] if hostile else []
    assert Article.objects.filter(url="https://hostile.example/ordinary").exists()
    client = Client(raise_request_exception=False)

    for url in [*PAGES, *details]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
