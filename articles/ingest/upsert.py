"""Storing parsed records: upsert in batches, one short transaction per batch.

A batch is a list of `ParsedFile`s in path order. Within it (and from batch to batch) files apply as
if one after the other, so the file that comes last in path order wins whatever the batch size.
Each batch costs a fixed number of queries, never one per file: existing rows are fetched per
batch by their keys (article URL, provider domain, topic name key), and rows are written with
one executemany per table.

If the database refuses anything in a batch, the batch is rolled back and stored again one file at
a time, so one bad file fails alone and no article is ever half-written.
"""

import os
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import DatabaseError, transaction
from django.utils import timezone

from articles.cache import bump_data_version
from articles.markdown import render_markdown
from articles.models import (
    Article,
    ArticleImage,
    ArticleStatus,
    ArticleTopic,
    Provider,
    ProviderAlias,
    RelatedLink,
    SourceFile,
    Topic,
    TopicAlias,
    name_key,
    slug_for,
    status_from_flags,
)

from ..batching import chunked
from .records import (
    ArticleRecord,
    ImageRecord,
    Problem,
    ProviderRecord,
    Severity,
    TopicRecord,
)
from .rows import insert_rows, update_rows


class Outcome(StrEnum):
    """What importing one file did; the import run counts each (ImportRun's columns)."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT_EDITED = "kept_edited"
    FAILED = "failed"
    SKIPPED = "skipped"  # a kind of file not imported (`taxonomy: tag`); never stored


CHANGES = {Outcome.CREATED, Outcome.UPDATED}

# The article columns a file decides; an import compares them to see whether anything changed.
ARTICLE_FIELDS = (
    "slug",
    "title",
    "excerpt",
    "body",
    "body_html",
    "category",
    "type",
    "published_at",
    "original_url",
    "web_url",
    "amp_url",
    "cdn_amp_url",
    "quality",
    "heat",
    "status",
    "published_flag",
    "deleted_flag",
    "is_stub",
    "provider_id",
    "secured",
    "extra",
    "provider_entry",
    "repaired_text",
    "source_path",
)
ARTICLE_COLUMNS = ("id", "url", *ARTICLE_FIELDS, "content_hash", "edited_by_staff")
IMAGE_FIELDS = ("url", "width", "height", "is_cached", "title", "extra")


@dataclass
class ParsedFile:
    """One file ready to store: where it came from, its content hash and what it says; and its
    (size, mtime_ns, ctime_ns) when read, so the next import can skip it unread."""

    path: str
    content_hash: str
    record: ArticleRecord | TopicRecord | ProviderRecord
    stat: tuple = (None, None, None)


@dataclass
class Stored:
    """What storing one file did."""

    action: Outcome
    problems: list[Problem] = field(default_factory=list)


def store_batch(files, *, overwrite_edited=False, dry_run=False):
    """Upsert `files` in one transaction and return one `Stored` per file, in order.

    `dry_run` does all the work and rolls it back, so the outcomes say what an import would do.
    """
    try:
        with transaction.atomic():
            outcomes = Batch(files, overwrite_edited=overwrite_edited).store()
            if dry_run:
                transaction.set_rollback(True)
            elif any(outcome.action in CHANGES for outcome in outcomes):
                bump_data_version()
        return outcomes
    except (DatabaseError, ValueError) as error:
        # ValueError too: psycopg raises it for NUL characters before the server sees them.
        if len(files) == 1:
            reason = " ".join(str(error).split())[:500]
            return [
                Stored(
                    Outcome.FAILED, [Problem(files[0].path, f"the database refused it: {reason}")]
                )
            ]
        return [
            outcome
            for file in files
            for outcome in store_batch([file], overwrite_edited=overwrite_edited, dry_run=dry_run)
        ]


class Batch:
    def __init__(self, files, *, overwrite_edited):
        self.files = files
        self.overwrite_edited = overwrite_edited
        self.now = timezone.now()
        self.outcomes = [None] * len(files)
        self.article_ids = {}  # index of a file → id of the article it belongs to
        self.provider_ids = {}  # lower-case domain → provider id
        self.topic_ids = {}  # name key → topic id
        self.slugs_given = set()  # topic slugs handed out in this batch, not yet saved
        self.children = {}  # article id → its children as stored before this batch

    def store(self):
        self.store_providers()
        self.store_taxonomy()
        self.store_articles()
        self.record_source_files()
        return self.outcomes

    def indexed(self, kind):
        return [(i, f) for i, f in enumerate(self.files) if isinstance(f.record, kind)]

    # Providers -------------------------------------------------------------------------------

    def store_providers(self):
        """Organization files create or update their provider; a provider named inside an
        article or a related entry is only created when missing, never changed."""
        provider_files = self.indexed(ProviderRecord)
        named = {}  # domain → first ProviderRecord naming it inside an article
        for _, file in self.indexed(ArticleRecord):
            record = file.record
            for provider in [record.provider] + [related.provider for related in record.related]:
                if provider is not None:
                    named.setdefault(provider.domain.lower(), provider)
        domains = set(named) | {file.record.domain.lower() for _, file in provider_files}
        if not domains:
            return
        known = {p.domain: p for p in Provider.objects.filter(domain__in=domains)}
        merged = {
            alias.domain: alias.provider
            for alias in ProviderAlias.objects.filter(domain__in=domains - known.keys())
            .select_related("provider")
            .only("domain", "provider")
        }
        for index, file in provider_files:
            self.outcomes[index] = self.store_provider_record(file, known, merged)
        missing = [
            Provider(
                domain=domain,
                name=record.name or domain,
                images=record.images,
                description=record.description,
                extra=record.extra,
            )
            for domain, record in named.items()
            if domain not in known and domain not in merged
        ]
        Provider.objects.bulk_create(missing)
        for provider in [*known.values(), *missing]:
            self.provider_ids[provider.domain] = provider.id
        for domain, provider in merged.items():
            self.provider_ids[domain] = provider.id

    def store_provider_record(self, file, known, merged):
        record = file.record
        domain = record.domain.lower()
        if domain in merged:
            return Stored(
                Outcome.UNCHANGED,
                [warning(file, f"merged into {merged[domain].domain}; left as it is", "domain")],
            )
        values = {
            "name": record.name or domain,
            "description": record.description,
            "images": record.images,
            "extra": record.extra,
        }
        provider = known.get(domain)
        if provider is None:
            known[domain] = Provider.objects.create(domain=domain, **values)
            return Stored(Outcome.CREATED)
        if all(getattr(provider, name) == value for name, value in values.items()):
            return Stored(Outcome.UNCHANGED)
        for name, value in values.items():
            setattr(provider, name, value)
        provider.save()
        return Stored(Outcome.UPDATED)

    # Topics ----------------------------------------------------------------------------------

    def store_taxonomy(self):
        for index, file in self.indexed(TopicRecord):
            self.outcomes[index] = self.store_topic_record(file)
        names = {}  # name key → the first spelling seen
        for _, file in self.indexed(ArticleRecord):
            for name in file.record.topics:
                names.setdefault(name_key(name), name)
        if not names:
            return
        self.topic_ids.update(
            Topic.objects.filter(name_key__in=names).values_list("name_key", "id")
        )
        self.topic_ids.update(
            TopicAlias.objects.filter(
                name_key__in=names.keys() - self.topic_ids.keys()
            ).values_list("name_key", "topic_id")
        )
        new_names = {key: name for key, name in names.items() if key not in self.topic_ids}
        new_topics = [
            Topic(name=name, name_key=key, slug=slug)
            for (key, name), slug in zip(
                new_names.items(), self.free_topic_slugs(new_names.values()), strict=True
            )
        ]
        Topic.objects.bulk_create(new_topics)
        self.topic_ids.update((topic.name_key, topic.id) for topic in new_topics)

    def free_topic_slugs(self, names):
        """`slug_for(name)` for each name, with -2, -3… when a topic, a topic alias or an earlier
        name already has it. Linear in the names: one query per 500 names, plus one per slug
        that is already taken (rare), and a running suffix per slug."""
        bases = [slug_for(name, fallback="topic") for name in names]
        taken = set(self.slugs_given)
        for chunk in chunked(sorted(set(bases) - taken), 500):
            for model in (Topic, TopicAlias):
                taken.update(model.objects.filter(slug__in=chunk).values_list("slug", flat=True))
        for base in set(bases) & taken:
            for model in (Topic, TopicAlias):
                taken.update(
                    model.objects.filter(slug__startswith=f"{base}-").values_list("slug", flat=True)
                )
        slugs, next_suffix = [], {}
        for base in bases:
            slug = base
            while slug in taken:
                next_suffix[base] = next_suffix.get(base, 1) + 1
                slug = f"{base}-{next_suffix[base]}"
            taken.add(slug)
            slugs.append(slug)
        self.slugs_given.update(slugs)
        return slugs

    def free_topic_slug(self, name):
        return self.free_topic_slugs([name])[0]

    def topic_named(self, name):
        """The topic with this name (directly or through a merge alias), created if missing."""
        key = name_key(name)
        topic = Topic.objects.filter(name_key=key).first()
        if topic is None:
            alias = TopicAlias.objects.filter(name_key=key).select_related("topic").first()
            topic = alias.topic if alias else None
        if topic is None:
            topic = Topic.objects.create(name=name, slug=self.free_topic_slug(name))
        return topic

    def store_topic_record(self, file):
        """A taxonomy file: matched by its `_id`, else by name, so that a topic first met in an
        article (or as another topic's parent) is the same row its own file later fills in."""
        record = file.record
        key = name_key(record.name)
        topic = Topic.objects.filter(external_id=record.external_id).first()
        if topic is None:
            topic = Topic.objects.filter(name_key=key).first()
            if topic is None:
                alias = TopicAlias.objects.filter(name_key=key).select_related("topic").first()
                if alias is not None:
                    note = f"merged into {alias.topic.name!r}; left as it is"
                    return Stored(Outcome.UNCHANGED, [warning(file, note, "name")])
            elif topic.external_id:
                return Stored(
                    Outcome.FAILED,
                    [
                        error(
                            file,
                            f"topic {topic.name!r} already has _id {topic.external_id!r}",
                            "_id",
                        )
                    ],
                )
        else:
            clash = Topic.objects.filter(name_key=key).exclude(pk=topic.pk).first()
            if clash is not None:
                return Stored(
                    Outcome.FAILED, [error(file, f"another topic is named {clash.name!r}", "name")]
                )
        problems, parent = [], None
        if record.parent and name_key(record.parent) == key:
            problems.append(warning(file, "a topic cannot be its own parent; none set", "parent"))
        elif record.parent:
            parent = self.topic_named(record.parent)
            if topic is not None and self.is_ancestor(topic, parent):
                note = f"{record.parent!r} is this topic or below it; no parent set"
                problems.append(warning(file, note, "parent"))
                parent = None
        values = {
            "name": record.name,
            "external_id": record.external_id,
            "shortname": record.shortname,
            "parent_id": parent.id if parent else None,
            "description": record.description,
            "keywords": record.keywords,
            "hashtags": record.hashtags,
            "images": record.images,
            "position": record.position,
            "extra": record.extra,
        }
        created = topic is None
        if created:
            topic = Topic(slug=self.free_topic_slug(record.name))
        elif all(getattr(topic, name) == value for name, value in values.items()):
            return Stored(Outcome.UNCHANGED, problems)
        for name, value in values.items():
            setattr(topic, name, value)
        topic.save()
        return Stored(Outcome.CREATED if created else Outcome.UPDATED, problems)

    @staticmethod
    def is_ancestor(topic, candidate):
        """Whether `topic` is `candidate` or one of its ancestors (so it cannot be its child)."""
        seen = set()
        while candidate is not None and candidate.pk not in seen:
            if candidate.pk == topic.pk:
                return True
            seen.add(candidate.pk)
            candidate = candidate.parent
        return False

    # Articles --------------------------------------------------------------------------------

    def store_articles(self):
        files = self.indexed(ArticleRecord)
        if not files:
            return
        urls = {file.record.url for _, file in files}
        related_urls = {related.url for _, file in files for related in file.record.related}
        # Locked on PostgreSQL so a staff save cannot slip in between this read and the write.
        rows = {
            row["url"]: row
            for row in Article.objects.select_for_update()
            .filter(url__in=urls | related_urls)
            .values("id", "url", "edited_by_staff", *ARTICLE_FIELDS)
        }
        self.children = self.children_of([rows[url]["id"] for url in urls if url in rows])
        state = {}  # url → the article as the files so far leave it
        for url in urls & rows.keys():
            state[url] = Snapshot(rows[url], *self.children[rows[url]["id"]])
        changed = {}  # url → the snapshot to write
        for index, file in files:
            outcome, snapshot = self.apply(file, state.get(file.record.url))
            self.outcomes[index] = outcome
            if snapshot is not None:
                state[file.record.url] = changed[file.record.url] = snapshot
        self.write_articles(changed, rows)
        for index, file in files:
            self.article_ids[index] = state[file.record.url].row["id"]

    def apply(self, file, before):
        """What `file` does to the article `before` (None when there is none yet): its outcome,
        and the snapshot to write, or None when nothing is to be written."""
        problems = []
        if before is not None and not before.row["is_stub"]:
            if before.row["edited_by_staff"] and not self.overwrite_edited:
                return Stored(Outcome.KEPT_EDITED), None
            other = before.row["source_path"]  # the file the article's values came from
            if other and other != file.path and os.path.lexists(other):
                if other > file.path:
                    note = (
                        f"{other} has the same URL and comes later in path order, "
                        "so its values are kept and this file changes nothing"
                    )
                    return Stored(Outcome.UNCHANGED, [warning(file, note, "webUrl")]), None
                note = (
                    f"{other} has the same URL and comes earlier in path order; "
                    "this file's values replace its values"
                )
                problems.append(warning(file, note, "webUrl"))
        after = self.article_snapshot(file, before)
        if before is None or before.row["is_stub"]:
            return Stored(Outcome.CREATED, problems), after
        if after.same_as(before):
            return Stored(Outcome.UNCHANGED, problems), None
        return Stored(Outcome.UPDATED, problems), after

    def article_snapshot(self, file, before):
        record = file.record
        row = {
            "id": before.row["id"] if before else None,
            "url": record.url,
            "edited_by_staff": False,
            "content_hash": file.content_hash,
            "slug": slug_for(record.title, fallback="article"),
            "title": record.title,
            "excerpt": record.excerpt,
            "body": record.body,
            "body_html": render_markdown(record.body)
            if record.body_html is None
            else record.body_html,
            "category": record.category,
            "type": record.type,
            "published_at": record.published_at,
            "original_url": record.original_url,
            "web_url": record.web_url,
            "amp_url": record.amp_url,
            "cdn_amp_url": record.cdn_amp_url,
            "quality": record.quality,
            "heat": record.heat,
            "status": status_from_flags(record.published, record.deleted),
            "published_flag": record.published,
            "deleted_flag": record.deleted,
            "is_stub": False,
            "provider_id": self.provider_id(record.provider),
            "secured": record.secured,
            "extra": record.extra,
            "provider_entry": record.provider_entry,
            "repaired_text": record.repaired,
            "source_path": file.path,
        }
        topics = tuple(dict.fromkeys(self.topic_ids[name_key(name)] for name in record.topics))
        images = tuple(image_values(image) for image in record.images)
        related = tuple((entry.url, entry.entry) for entry in record.related)
        return Snapshot(row, topics, images, related, record.related)

    def provider_id(self, provider):
        return self.provider_ids[provider.domain.lower()] if provider is not None else None

    def stub_snapshot(self, related):
        row = {
            "id": None,
            "url": related.url,
            "edited_by_staff": False,
            "content_hash": "",
            "slug": slug_for(related.title, fallback="article"),
            "title": related.title,
            "excerpt": related.excerpt,
            "body": "",
            "body_html": "",
            "category": "",
            "type": related.type,
            "published_at": related.published_at,
            "original_url": "",
            "web_url": related.web_url,
            "amp_url": related.amp_url,
            "cdn_amp_url": related.cdn_amp_url,
            "quality": related.quality,
            "heat": None,
            "status": ArticleStatus.PUBLISHED,
            "published_flag": None,
            "deleted_flag": None,
            "is_stub": True,
            "provider_id": self.provider_id(related.provider),
            "secured": "",
            "extra": {},
            "provider_entry": {},
            "repaired_text": {},
            "source_path": "",
        }
        return Snapshot(row, (), tuple(image_values(image) for image in related.images), ())

    def write_articles(self, changed, rows):
        """Write the changed articles, the stubs their related entries need, and their children."""
        stubs = {}
        for snapshot in changed.values():
            for related in snapshot.related_records:
                if related.url not in rows and related.url not in changed:
                    # A stub is filled from the first entry that names it and not changed after.
                    stubs.setdefault(related.url, self.stub_snapshot(related))
        existing = [s for s in changed.values() if s.row["id"] is not None]
        new = [s for s in changed.values() if s.row["id"] is None] + list(stubs.values())
        stamps = {"last_imported_at": self.now, "updated_at": self.now}
        insert_rows(
            Article,
            [{**article_columns(s.row), **stamps, "first_imported_at": self.now} for s in new],
        )
        ids = {url: row["id"] for url, row in rows.items()}
        ids.update(
            Article.objects.filter(url__in=[s.row["url"] for s in new]).values_list("url", "id")
        )
        for snapshot in new:
            snapshot.row["id"] = ids[snapshot.row["url"]]
        update_rows(Article, [{**article_columns(s.row), **stamps} for s in existing])
        self.replace_children(existing, new, ids)

    def replace_children(self, existing, new, ids):
        topics, images, related = [], [], []
        stale = {ArticleTopic: [], ArticleImage: [], RelatedLink: []}
        for snapshot in [*existing, *new]:
            article_id = snapshot.row["id"]
            old_topics, old_images, old_related = self.children.get(article_id, ((), (), ()))
            if snapshot.topics != old_topics:
                stale[ArticleTopic] += [article_id] if old_topics else []
                topics += [
                    {"article_id": article_id, "topic_id": topic_id, "position": position}
                    for position, topic_id in enumerate(snapshot.topics)
                ]
            if snapshot.images != old_images:
                stale[ArticleImage] += [article_id] if old_images else []
                images += [
                    {
                        "article_id": article_id,
                        "position": position,
                        **dict(zip(IMAGE_FIELDS, image, strict=True)),
                    }
                    for position, image in enumerate(snapshot.images)
                ]
            if snapshot.related != old_related:
                stale[RelatedLink] += [article_id] if old_related else []
                related += [
                    {
                        "article_id": article_id,
                        "target_id": ids[url],
                        "position": position,
                        "entry": entry,
                    }
                    for position, (url, entry) in enumerate(snapshot.related)
                ]
        for model, article_ids in stale.items():
            if article_ids:
                model.objects.filter(article_id__in=article_ids).delete()
        insert_rows(ArticleTopic, topics)
        insert_rows(ArticleImage, images)
        insert_rows(RelatedLink, related)

    @staticmethod
    def children_of(article_ids):
        """{article id: (topic ids, image values, (target url, entry) pairs)}, each in order."""
        if not article_ids:
            return {}
        topics, images, related = {}, {}, {}
        for article_id, topic_id in (
            ArticleTopic.objects.filter(article_id__in=article_ids)
            .order_by("article_id", "position")
            .values_list("article_id", "topic_id")
        ):
            topics.setdefault(article_id, []).append(topic_id)
        for article_id, *values in (
            ArticleImage.objects.filter(article_id__in=article_ids)
            .order_by("article_id", "position")
            .values_list("article_id", *IMAGE_FIELDS)
        ):
            images.setdefault(article_id, []).append(tuple(values))
        for article_id, url, entry in (
            RelatedLink.objects.filter(article_id__in=article_ids)
            .order_by("article_id", "position")
            .values_list("article_id", "target__url", "entry")
        ):
            related.setdefault(article_id, []).append((url, entry))
        return {
            article_id: (
                tuple(topics.get(article_id, ())),
                tuple(images.get(article_id, ())),
                tuple(related.get(article_id, ())),
            )
            for article_id in article_ids
        }

    # Bookkeeping -----------------------------------------------------------------------------

    def record_source_files(self):
        """Remember each stored file's hash so an unchanged file is skipped next time. Failed
        files are not remembered: they are read again, and reported again, on every run."""
        rows = [
            {
                "path": file.path,
                "content_hash": file.content_hash,
                **dict(zip(("size", "mtime_ns", "ctime_ns"), file.stat, strict=True)),
                "article_id": self.article_ids.get(index),
                "last_seen_at": self.now,
            }
            for index, file in enumerate(self.files)
            if self.outcomes[index].action != Outcome.FAILED
        ]
        insert_rows(SourceFile, rows, update_on_conflict="path")


@dataclass(eq=False)
class Snapshot:
    """An article as a file leaves it: its columns and its ordered children."""

    row: dict
    topics: tuple = ()
    images: tuple = ()
    related: tuple = ()  # (target url, entry) pairs
    related_records: list = field(default_factory=list)

    def same_as(self, other):
        return (
            all(self.row[name] == other.row[name] for name in ARTICLE_FIELDS)
            and self.topics == other.topics
            and self.images == other.images
            and self.related == other.related
        )


def article_columns(row):
    return {name: row[name] for name in ARTICLE_COLUMNS}


def image_values(image: ImageRecord):
    return (image.url, image.width, image.height, image.is_cached, image.title, image.extra)


def error(file, message, field=""):
    return Problem(file.path, message, field=field)


def warning(file, message, field=""):
    return Problem(file.path, message, field=field, severity=Severity.WARNING)
