"""An export's staff state (`_staff.yaml`) read back: merge aliases, hidden articles, edit marks.

Its file sorts before `articles/`, so the runner stores the aliases first (articles that name an
old topic or domain then follow them, as they did before the export) and the marks after the
last batch (once every article exists). Only `import_articles` reads it, never an upload.
"""

from django.db import transaction
from django.utils import timezone

from articles.cache import bump_data_version
from articles.models import (
    Article,
    ArticleStatus,
    Provider,
    ProviderAlias,
    SourceFile,
    Topic,
    TopicAlias,
)

from .records import Problem, Severity, StaffStateRecord
from .rows import insert_rows
from .upsert import Batch, ParsedFile


def store_aliases(file: ParsedFile, *, dry_run=False):
    """Create the merge aliases `file` lists; returns (changed, problems)."""
    record: StaffStateRecord = file.record
    problems, changed = [], False
    with transaction.atomic():
        topics = Batch([], overwrite_edited=False)  # for its topic lookup and free slugs
        for index, alias in enumerate(record.topic_aliases):
            field = f"topicAliases[{index}]"
            if TopicAlias.objects.filter(slug=alias["slug"]).exists():
                continue
            if Topic.objects.filter(slug=alias["slug"]).exists() or (
                TopicAlias.objects.filter(name_key=alias["nameKey"]).exists()
            ):
                problems.append(warn(file, f"{alias['slug']!r} is taken; alias not made", field))
                continue
            topic = topics.topic_named(alias["topic"])
            TopicAlias.objects.create(slug=alias["slug"], name_key=alias["nameKey"], topic=topic)
            changed = True
        for index, alias in enumerate(record.provider_aliases):
            field = f"providerAliases[{index}]"
            if ProviderAlias.objects.filter(domain=alias["domain"]).exists():
                continue
            if Provider.objects.filter(domain=alias["domain"]).exists():
                note = f"{alias['domain']} is a provider of its own; alias not made"
                problems.append(warn(file, note, field))
                continue
            # Its organization record, later in the export, fills in the rest.
            provider, _ = Provider.objects.get_or_create(
                domain=alias["provider"], defaults={"name": alias["provider"]}
            )
            ProviderAlias.objects.create(domain=alias["domain"], provider=provider)
            changed = True
        if dry_run:
            transaction.set_rollback(True)
        elif changed:
            bump_data_version()
    return changed, problems


def store_marks(file: ParsedFile, *, dry_run=False):
    """Put back what staff changed about each article the file lists, and remember the file's
    hash so an unchanged file is not applied again (staff may since have unhidden an article).
    One query per article that differs: only the few staff touched are listed."""
    record: StaffStateRecord = file.record
    problems, changed = [], 0
    with transaction.atomic():
        current = {
            row["url"]: row
            for row in Article.objects.filter(
                url__in=[entry["url"] for entry in record.articles], is_stub=False
            ).values("id", "url", "status", "edited_by_staff", "slug", *FLAGS.values())
        }
        for index, entry in enumerate(record.articles):
            row = current.get(entry["url"])
            if row is None:
                note = f"{entry['url']} is not an article here; left alone"
                problems.append(warn(file, note, f"articles[{index}].url"))
                continue
            wanted = {}
            if entry.get("hidden"):
                wanted["status"] = ArticleStatus.HIDDEN
            if entry.get("edited"):
                wanted["edited_by_staff"] = True
            if entry.get("slug"):
                wanted["slug"] = entry["slug"]
            for name, value in entry.get("fileFlags", {}).items():
                wanted[FLAGS[name]] = value
            wanted = {name: value for name, value in wanted.items() if row[name] != value}
            if wanted:
                Article.objects.filter(pk=row["id"]).update(**wanted)
                changed += 1
        insert_rows(
            SourceFile,
            [
                {
                    "path": file.path,
                    "content_hash": file.content_hash,
                    **dict(zip(("size", "mtime_ns", "ctime_ns"), file.stat, strict=True)),
                    "article_id": None,
                    "last_seen_at": timezone.now(),
                }
            ],
            update_on_conflict="path",
        )
        if dry_run:
            transaction.set_rollback(True)
        elif changed:
            bump_data_version()
    return bool(changed), problems


FLAGS = {"published": "published_flag", "deleted": "deleted_flag"}


def warn(file, message, field):
    return Problem(file.path, message, field=field, severity=Severity.WARNING)
