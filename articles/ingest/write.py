"""Records → the text of their files, in the import formats; and where to write them. Pure.

Articles (`articles/*.md`), topics (`topics/NN-slug.yaml`) and organization records
(`organizations/<domain>.md`).

The front matter keeps FORMAT.md's key order (unknown `extra` keys after), datetimes are written
unquoted in UTC (`2019-12-17T15:22:00Z`), and a `related` entry is written as its file gave it.
Parsing the text again gives back the same record, so export → import changes nothing.
"""

import copy
import os
import re
import tempfile
from contextlib import suppress
from datetime import UTC, datetime

import yaml

from .records import (
    ARTICLE_KEYS,
    IMAGE_KEYS,
    PROVIDER_KEYS,
    RELATED_KEYS,
    ArticleRecord,
    ImageRecord,
    ProviderRecord,
    RelatedRecord,
    StaffStateRecord,
    TopicRecord,
)
from .validate import DEFAULT_POSITION, repaired_mojibake

_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


class Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key as the real files write them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _represent_datetime(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", utc_timestamp(value))


Dumper.add_representer(datetime, _represent_datetime)


def utc_timestamp(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def front_matter(record: ArticleRecord) -> dict:
    """The front-matter mapping of `record`, keys in file order, empty optional keys left out."""
    web_url = record.web_url or (record.url if record.url != record.original_url else "")
    values = {
        "category": record.category,
        "title": record.title,
        "excerpt": record.excerpt,
        "publishedDateTime": record.published_at,
        "originalUrl": record.original_url,
        "webUrl": web_url,
        "ampWebUrl": record.amp_url,
        "cdnAmpWebUrl": record.cdn_amp_url,
        "type": record.type,
        "quality": record.quality,
        "heat": record.heat,
        "published": record.published,
        "deleted": record.deleted,
        "provider": record.provider_entry or _provider(record.provider),
        "topics": list(record.topics),
        "images": [_image(image) for image in record.images],
        "related": [_related(entry) for entry in record.related],
        "secured": record.secured,
    }
    front = {key: values[key] for key in ARTICLE_KEYS if _present(values[key])}
    front.update((key, value) for key, value in record.extra.items() if key not in front)
    if record.repaired:
        front = copy.deepcopy(front)  # restored in place below; the record stays as it is
    for path, original in record.repaired.items():
        if path != "body":
            _restore(front, path, original)
    return front


def article_text(record: ArticleRecord) -> str:
    """The whole file: `---`, the front matter, `---`, then (after a blank line) the body."""
    text = f"---\n{yaml_text(front_matter(record))}---\n"
    body = record.body
    original = record.repaired.get("body")
    if original is not None and repaired_mojibake(original) == body:
        body = original
    return f"{text}\n{body}" if body else text


def _restore(front, path, original):
    """Put back the text the file had at `path` ('related[1].title') before its mojibake was
    repaired, unless the value there has changed since (a staff edit wins)."""
    parts = [int(index) if index else key for index, key in _PATH_PART.findall(path)]
    container = front
    for part in parts[:-1]:
        try:
            container = container[part]
        except (KeyError, IndexError, TypeError):
            return
    last = parts[-1] if parts else None
    try:
        current = container[last]
    except (KeyError, IndexError, TypeError):
        return
    if isinstance(current, str) and repaired_mojibake(original) == current:
        container[last] = original


def topic_text(record: TopicRecord) -> str:
    """A taxonomy file: plain YAML, `taxonomy` first, the known keys, then the other keys."""
    values = {
        "taxonomy": record.extra.get("taxonomy", "topic"),
        "_id": record.external_id,
        "name": record.name,
        "shortname": record.shortname,
        "parent": record.parent,
        "description": record.description,
        "keywords": record.keywords,
        "hashtags": record.hashtags,
        "images": record.images,
    }
    front = {key: value for key, value in values.items() if _present(value)}
    front.update((key, value) for key, value in record.extra.items() if key not in front)
    return yaml_text(front)


def topic_file_name(record: TopicRecord, slug: str) -> str:
    """`02-computer-vision.yaml`: the prefix gives the display order back on import."""
    if record.position == DEFAULT_POSITION:
        return f"{slug}.yaml"
    return f"{record.position:02d}-{slug}.yaml"


def organization_text(record: ProviderRecord) -> str:
    """An organization record: front matter only."""
    values = {
        "taxonomy": "organization",
        "_id": record.domain,
        "name": record.name,
        "domain": record.domain,
        "description": record.description,
        "images": record.images,
    }
    front = {key: value for key, value in values.items() if _present(value)}
    front.update((key, value) for key, value in record.extra.items() if key not in values)
    if "_id" in record.extra:  # an `_id` that differed from the domain, as the record had it
        front["_id"] = record.extra["_id"]
    return f"---\n{yaml_text(front)}---\n"


STAFF_STATE_FILE = "_staff.yaml"  # sorts before articles/: its aliases are stored first


def staff_state_text(record: StaffStateRecord) -> str:
    """The staff state as YAML (`taxonomy: staff`), empty lists left out."""
    values = {
        "taxonomy": "staff",
        "articles": record.articles,
        "topicAliases": record.topic_aliases,
        "providerAliases": record.provider_aliases,
    }
    return yaml_text({key: value for key, value in values.items() if _present(value)})


def yaml_text(mapping: dict) -> str:
    """Block YAML, one key at a time so that lists and mappings stand apart by a blank line."""
    parts = []
    after_block = False
    for key, value in mapping.items():
        block = isinstance(value, dict | list) and bool(value)
        if parts and (block or after_block):
            parts.append("\n")
        parts.append(
            yaml.dump(
                {key: value},
                Dumper=Dumper,
                sort_keys=False,
                allow_unicode=True,
                default_flow_style=False,
                width=1_000_000_000,  # never fold a line: a long excerpt stays one line
            )
        )
        after_block = block
    return "".join(parts)


def file_name(published_at: datetime | None, slug: str) -> str:
    day = published_at.astimezone(UTC).date().isoformat() if published_at else "undated"
    return f"{day}-{slug or 'article'}.md"


def named_files(articles):
    """(file name, record) for each (slug, ArticleRecord) pair, in order, as it comes (a
    generator: an export of any size holds one name per article, not the records); a name
    already given gets -2, -3… before `.md`, so the same articles in the same order always get
    the same names."""
    given = set()
    for slug, record in articles:
        name = file_name(record.published_at, slug)
        stem, suffix = name.removesuffix(".md"), 1
        while name in given:
            suffix += 1
            name = f"{stem}-{suffix}.md"
        given.add(name)
        yield name, record


def write_atomically(directory, name: str, text: str) -> bool:
    """Write `text` to directory/name through a temporary file and a rename, so a reader (or
    a crash) never sees half a file. Returns False, writing nothing, when it is already there."""
    path = os.path.join(directory, name)
    data = text.encode("utf-8")
    try:
        with open(path, "rb") as existing:
            if existing.read(len(data) + 1) == data:
                return False
    except FileNotFoundError:
        pass
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return True


def _present(value):
    return value is not None and value != "" and value != [] and value != {}


def _ordered(mapping: dict, order) -> dict:
    ordered = {key: mapping[key] for key in order if key in mapping}
    ordered.update((key, value) for key, value in mapping.items() if key not in ordered)
    return ordered


def _provider(provider):
    if provider is None:
        return None
    values = {"name": provider.name, "domain": provider.domain}
    if provider.images:
        values["images"] = [_ordered(image, IMAGE_KEYS) for image in provider.images]
    return values


def _image(image: ImageRecord) -> dict:
    values = {"url": image.url, "width": image.width, "height": image.height}
    values["isCached"] = image.is_cached
    values["title"] = image.title
    values = {key: value for key, value in values.items() if _present(value)}
    values.update((key, value) for key, value in image.extra.items() if key not in values)
    return values


def _related(entry: RelatedRecord) -> dict:
    """The entry as its file wrote it (in the format's key order); built from the fields when
    there is no such entry (a link made in the database)."""
    if not entry.entry:
        values = {"title": entry.title, "webUrl": entry.web_url or entry.url}
        if entry.published_at:
            values["publishedDateTime"] = entry.published_at
        return _ordered(values, RELATED_KEYS)
    values = _ordered(entry.entry, RELATED_KEYS)
    when = values.get("publishedDateTime")
    if isinstance(when, str):
        # Records keep it as ISO 8601 text; the files write a YAML timestamp.
        with suppress(ValueError):
            values["publishedDateTime"] = datetime.fromisoformat(when)
    if isinstance(values.get("provider"), dict):
        values["provider"] = _ordered(values["provider"], PROVIDER_KEYS)
        if isinstance(values["provider"].get("images"), list):
            values["provider"]["images"] = [
                _ordered(image, IMAGE_KEYS) if isinstance(image, dict) else image
                for image in values["provider"]["images"]
            ]
    if isinstance(values.get("images"), list):
        values["images"] = [
            _ordered(image, IMAGE_KEYS) if isinstance(image, dict) else image
            for image in values["images"]
        ]
    return values
