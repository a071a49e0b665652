"""Helpers for the import tests: article files written by hand, and the test database for a
`manage.py` run in another process.

Importable without Django set up (no models at module level): the parse workers of the parallel
tests import `crash_on_marker` from here.
"""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parent.parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLES = REPO / "examples"


def front_matter(title="A story", url=None, **fields):
    """An article's front matter with sensible defaults; `url` becomes webUrl."""
    slug = (title or "untitled").lower().replace(" ", "-")
    front = {
        "category": "news",
        "title": title,
        "excerpt": f"About {title}.",
        "publishedDateTime": datetime(2024, 3, 1, 9, 30, tzinfo=UTC),
        "webUrl": url or f"https://news.example/{slug}",
        "type": "article",
        "quality": 40,
        "heat": 40,
        "provider": {"name": "News Example", "domain": "news.example"},
        "topics": ["AI"],
    }
    front.update(fields)
    return {key: value for key, value in front.items() if value is not None}


def article_text(body="", **fields):
    text = yaml.safe_dump(front_matter(**fields), sort_keys=False, allow_unicode=True)
    return f"---\n{text}---\n{body}"


def write_article(directory, name, body="", **fields):
    """Write an article file (creating directories) and return its path."""
    path = Path(directory) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article_text(body, **fields), encoding="utf-8")
    return path


ARTICLE_VALUES = [
    *("slug", "title", "excerpt", "body", "body_html", "category", "type", "published_at"),
    *("original_url", "web_url", "amp_url", "cdn_amp_url", "quality", "heat", "status"),
    *("published_flag", "deleted_flag", "is_stub", "secured", "extra", "provider_entry"),
    "repaired_text",
    "edited_by_staff",
]
PROVIDER_VALUES = ["name", "description", "images", "extra"]
TOPIC_VALUES = ["name", "slug", "external_id", "shortname", "description", "keywords"]
TOPIC_VALUES += ["hashtags", "images", "position", "extra"]


def dump_database():
    """Everything an import decides, without ids or timestamps, for comparing two databases."""
    from articles.models import Article, Provider, ProviderAlias, Topic, TopicAlias

    articles = {}
    for article in Article.objects.prefetch_related(
        "article_topics__topic", "images", "related_links__target"
    ).select_related("provider"):
        articles[article.url] = {
            "values": {name: getattr(article, name) for name in ARTICLE_VALUES},
            "provider": article.provider.domain if article.provider else None,
            "topics": [link.topic.name for link in article.article_topics.all()],
            "images": [
                (i.url, i.width, i.height, i.is_cached, i.title, i.extra)
                for i in article.images.all()
            ],
            "related": [(link.target.url, link.entry) for link in article.related_links.all()],
        }
    providers = {
        p.domain: {name: getattr(p, name) for name in PROVIDER_VALUES}
        for p in Provider.objects.all()
    }
    topics = {
        t.name_key: {
            **{name: getattr(t, name) for name in TOPIC_VALUES},
            "parent": t.parent.name if t.parent else None,
        }
        for t in Topic.objects.select_related("parent")
    }
    aliases = {
        "topics": sorted(TopicAlias.objects.values_list("slug", "name_key", "topic__name")),
        "providers": sorted(ProviderAlias.objects.values_list("domain", "provider__domain")),
    }
    return {"articles": articles, "providers": providers, "topics": topics, "aliases": aliases}


def crash_on_marker(data, path):
    """parse_file, except that the process dies on a file containing "crash: now", as it would
    if a C library crashed on it. Runs in a parse worker."""
    from articles.ingest.parse import parse_file

    if b"crash: now" in data:
        os.abort()
    return parse_file(data, path)


def crash_always(data, path):
    """A parser that kills its worker process on any file."""
    os.abort()


def database_url():
    """The test database, as DATABASE_URL for a `manage.py` subprocess."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def manage_env(**overrides):
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "NEWSROOM_IMPORT_LOCK_PATH": str(settings.NEWSROOM_IMPORT_LOCK_PATH),
        "DJANGO_SECRET_KEY": "insecure-key-for-tests-only",
        **overrides,
    }


def start_manage(*args, env=None):
    """`manage.py ARGS…` in another process against the test database (a Popen)."""
    return subprocess.Popen(
        [sys.executable, str(REPO / "manage.py"), *args],
        cwd=REPO,
        env=manage_env(**(env or {})),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_manage(*args, env=None, timeout=120):
    """(exit code, stdout, stderr) of `manage.py ARGS…` in another process."""
    process = start_manage(*args, env=env)
    stdout, stderr = process.communicate(timeout=timeout)
    return process.returncode, stdout, stderr
