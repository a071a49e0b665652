"""Loaded front matter → a typed record (records.py) + problems. Pure: no Django, no I/O.

Every check returns the normalised value, or records a Problem and returns None. An "error" means
the file is not imported; a "warning" means it is, with the value normalised or dropped as the
message says. docs/format-rules.md lists the rules field by field.
"""

import base64
import functools
import math
import re
from datetime import UTC, date, datetime, time

from ..safe_urls import url_problem
from .records import (
    ARTICLE_KEYS,
    IMAGE_KEYS,
    LOGO_KEYS,
    PROVIDER_KEYS,
    RELATED_KEYS,
    ArticleRecord,
    ImageRecord,
    Problem,
    ProviderRecord,
    RelatedRecord,
    Severity,
    StaffStateRecord,
    TopicRecord,
)

DEFAULT_POSITION = 1000
MAX_TITLE = 1000
MAX_EXCERPT = 20_000
MAX_TOPIC_NAME = 200
MAX_TOPICS = 50  # per article: real files carry a handful; pages and imports stay bounded
MAX_PROVIDER_NAME = 300
MAX_SHORT_TEXT = 100  # category, type, topic shortname
MAX_ID = 200  # a topic's `_id`
MAX_INTEGER = 2_147_483_647  # the integer columns of PostgreSQL

TOPIC_KEYS = {"_id", "name", "shortname", "parent", "description", "keywords", "hashtags", "images"}
_FLAG_WORDS = {"true": True, "false": False, "yes": True, "no": False}

# Control characters (C0, DEL, C1) and lone surrogates; PostgreSQL refuses NUL outright.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAK = re.compile("[\t\n\r]+")
_HOST_LABELS = re.compile(
    r"(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
)
_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,18}")
# UTF-8 read as Windows-1252 or Latin-1 ("Â·", "â€™") always shows a lead byte's character
# followed by a continuation byte's: a cheap hint, so ftfy only looks at the few texts with one.
_MOJIBAKE_HINT = re.compile(
    "[\xc2-\xf4][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039"
    "\u203a\u20ac\u2122]"
)


# Pure helpers -----------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """How topic names match (as articles.models.name_key): case- and space-insensitive."""
    return " ".join(name.split()).casefold()


def clean_text(text: str, multiline: bool = False) -> str:
    """Remove control characters; tabs and newlines are kept in multiline text, else spaces."""
    if text.isprintable():
        return text
    if not multiline:
        text = _LINE_BREAK.sub(" ", text)
    return _CONTROL.sub("", text)


def repaired_mojibake(text: str) -> str:
    """`text` with mojibake (UTF-8 decoded as Windows-1252/Latin-1) undone by ftfy; else as is."""
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return text
    import ftfy  # here, not above: it takes longer to import than a whole unchanged import run

    return ftfy.fix_encoding(text)


@functools.lru_cache(maxsize=4096)  # few distinct domains; the IDNA codec is slow
def domain_problem(domain: str) -> str | None:
    """Why `domain` (already lower-cased) is not a host name like 'example.com', or None."""
    if "/" in domain or ":" in domain:
        return "must be a host name like example.com, not a URL"
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "is not a valid host name"
    if len(ascii_domain) > 253 or not _HOST_LABELS.fullmatch(ascii_domain):
        return "is not a valid host name like example.com"
    return None


def json_safe(value):
    """A value as JSON can hold it: dates → ISO 8601, bytes → base64, sets → sorted lists,
    keys → strings, NaN/∞ → YAML spellings; control characters (NUL above all) are removed."""
    return _json_safe(value, [])


def _json_safe(value, cleaned):
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        text = clean_text(value, multiline=True)
        if text != value:
            cleaned.append(value)
        return text
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, datetime):
        return iso_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {_json_key(key, cleaned): _json_safe(item, cleaned) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_json_safe(item, cleaned) for item in value), key=repr)
    if isinstance(value, list | tuple):
        return [_json_safe(item, cleaned) for item in value]
    return _json_safe(str(value), cleaned)


def _json_key(key, cleaned):
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    safe = _json_safe(key, cleaned)
    return safe if isinstance(safe, str) else str(safe)


def iso_datetime(value: datetime) -> str:
    """ISO 8601, with 'Z' for UTC as the files write it."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _describe(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _shown(value, limit=80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _join(parent: str, child: str) -> str:
    """Field paths as messages show them: 'related[1]' + 'provider.domain', 'images' + '[2]'."""
    if not parent or not child:
        return parent or child
    return f"{parent}{'' if child.startswith('[') else '.'}{child}"


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


# The checker: one per file (and one per related entry) ------------------------------------------


class _Checker:
    """Collects problems for one file; `prefix` names a nested entry ('related[1]')."""

    def __init__(self, path, prefix=""):
        self.path = path
        self.prefix = prefix
        self.problems = []
        self.repaired = {}  # field path → the text before its mojibake was repaired

    def _field(self, field):
        return _join(self.prefix, field)

    def error(self, field, message):
        self.problems.append(Problem(self.path, message, field=self._field(field)))

    def warn(self, field, message):
        self.problems.append(
            Problem(self.path, message, field=self._field(field), severity=Severity.WARNING)
        )

    @property
    def ok(self):
        return not any(problem.severity == Severity.ERROR for problem in self.problems)

    # Scalars ---------------------------------------------------------------------------------

    def text(self, value, field, *, max_length=None, multiline=False, required=False, report=None):
        """A text field. Numbers become text (warning); other types are errors. '' if absent."""
        if value is None or (isinstance(value, str) and not value.strip() and not multiline):
            if required:
                self.error(field, "is required")
            return ""
        if isinstance(value, str):
            text = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            text = str(value)
            self.warn(field, f"is a number; read as the text {text!r}")
        else:
            (report or self.error)(field, f"must be text, not {_describe(value)}")
            return None
        if not text.isprintable():
            cleaned = clean_text(text, multiline)
            if cleaned != text:
                self.warn(field, "control characters removed")
            text = cleaned
        if not multiline:
            text = text.strip()
        fixed = repaired_mojibake(text)
        if fixed != text:
            self.repaired[self._field(field)] = text
            self.warn(
                field,
                f"mojibake repaired: {_shown(text, 60)} read as {_shown(fixed, 60)} "
                "(the original is kept for export)",
            )
            text = fixed
        if max_length is not None and len(text) > max_length:
            self.warn(field, f"is longer than {max_length:,} characters; truncated")
            text = text[:max_length]
        if required and not text.strip():
            self.error(field, "is required")
        return text

    def verbatim(self, value, field):
        """`secured`: stored exactly as given, except NUL, which PostgreSQL refuses."""
        if value is None:
            return ""
        if not isinstance(value, str):
            return self.text(value, field)
        if "\x00" in value:
            self.warn(field, "NUL characters removed")
            value = value.replace("\x00", "")
        return value

    def url(self, value, field, *, identity=False, site_relative=False):
        """A link. A bad identity URL is an error; any other bad URL is dropped with a warning."""
        if not _present(value):
            return ""
        if isinstance(value, str):
            url = value.strip()
            if " " in url:
                # Real files carry such URLs ("…/Wired Release/…"); a browser sends %20.
                url = url.replace(" ", "%20")
            problem = url_problem(url, site_relative=site_relative)
            if problem is None and url != value:
                self.warn(field, "spaces removed or encoded as %20")
            shown = _shown(url)
        else:
            problem = f"must be a URL (text), not {_describe(value)}"
            shown = "the value"
        if problem is None:
            return url
        if identity:
            self.error(field, f"{shown} {problem}")
        else:
            self.warn(field, f"{shown} {problem}; dropped")
        return None

    def when(self, value, field, *, required=False):
        """An aware UTC datetime from a YAML datetime/date or an ISO 8601 string."""
        if not _present(value):
            if required:
                self.error(field, "is required (a date and time such as 2024-05-01T09:30:00Z)")
            return None
        if isinstance(value, str):
            text = value.strip()
            try:
                if len(text) <= 10:
                    value = date.fromisoformat(text)
                else:
                    value = datetime.fromisoformat(text)
            except ValueError:
                self.error(field, f"{_shown(text)} is not an ISO 8601 date and time")
                return None
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            self.warn(field, "is a date without a time; read as midnight UTC")
            return datetime.combine(value, time(), UTC)
        else:
            self.error(field, f"must be a date and time, not {_describe(value)}")
            return None
        if moment.utcoffset() is None:
            self.warn(field, "has no UTC offset; read as UTC")
            return moment.replace(tzinfo=UTC)
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            self.error(field, "is out of the supported date range")
            return None

    def whole_number(self, value, field, *, report=None):
        """An integer ≥ 0 (quality, image sizes). Numeric text and 5.0 are read with a warning."""
        report = report or self.error
        if value is None:
            return None
        number = None
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
            self.warn(field, f"{value!r} read as the whole number {number}")
        elif isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
            number = int(value)
            self.warn(field, f"is text; read as the number {number}")
        if number is None:
            report(field, f"must be a whole number ≥ 0, not {_shown(value)}")
            return None
        if number < 0:
            report(field, f"must not be negative ({number})")
            return None
        if number > MAX_INTEGER:
            report(field, f"is too large ({number}; at most {MAX_INTEGER})")
            return None
        return number

    def heat(self, value, field):
        """An integer; -1 means "no heat" (None)."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(field, f"must be a whole number (-1 for none), not {_shown(value)}")
            return None
        if value < -1 or value > MAX_INTEGER:
            self.error(field, f"must be -1 (none) or a number from 0 to {MAX_INTEGER}, not {value}")
            return None
        return None if value == -1 else value

    def flag(self, value, field, *, report=None):
        """true/false; the texts "true", "false", "yes", "no" are read with a warning."""
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _FLAG_WORDS:
            flag = _FLAG_WORDS[value.strip().lower()]
            self.warn(field, f"is the text {value!r}; read as {str(flag).lower()}")
            return flag
        (report or self.error)(field, f"must be true or false, not {_shown(value)}")
        return None

    # Structures ------------------------------------------------------------------------------

    def topics(self, value, field="topics"):
        """Topic names, de-duplicated case- and space-insensitively, first spelling kept."""
        if value is None:
            return []
        if isinstance(value, str):
            self.warn(field, "is a single text, not a list; read as one topic")
            value = [value]
        elif not isinstance(value, list):
            self.error(field, f"must be a list of topic names, not {_describe(value)}")
            return []
        names, seen = [], set()
        for index, item in enumerate(value):
            item_field = f"{field}[{index}]"
            if len(names) == MAX_TOPICS:
                self.warn(
                    field,
                    f"has more than {MAX_TOPICS} topics; the first {MAX_TOPICS} are kept and "
                    f"the {len(value) - index:,} after them dropped",
                )
                break
            if item is None or (isinstance(item, str) and not item.strip()):
                self.warn(item_field, "is empty; skipped")
                continue
            if not isinstance(item, str):
                self.error(item_field, f"must be a topic name (text), not {_describe(item)}")
                continue
            name = self.text(item, item_field)
            if not name:
                self.warn(item_field, "is empty once control characters are removed; skipped")
                continue
            if len(name) > MAX_TOPIC_NAME:
                self.error(item_field, f"is longer than {MAX_TOPIC_NAME} characters")
                continue
            key = name_key(name)
            if key in seen:
                self.warn(item_field, f"{name!r} repeats an earlier topic; kept once")
                continue
            seen.add(key)
            names.append(name)
        return names

    def provider(self, value, field="provider"):
        """(ProviderRecord, the mapping as validated) or (None, None) after an error."""
        if value is None:
            return None, None
        if not isinstance(value, dict):
            self.error(field, f"must be a mapping with name and domain, not {_describe(value)}")
            return None, None
        domain = self.domain(value.get("domain"), _join(field, "domain"))
        name = self.text(value.get("name"), _join(field, "name"), max_length=MAX_PROVIDER_NAME)
        if domain and name == "":
            self.warn(_join(field, "name"), f"is missing; the domain {domain!r} is used")
            name = domain
        images = self.logo_images(value.get("images"), _join(field, "images"))
        description = self.text(
            value.get("description"), _join(field, "description"), multiline=True
        )
        if domain is None or name is None or description is None:
            return None, None
        extra = self.other_keys(value, PROVIDER_KEYS, field)
        record = ProviderRecord(
            domain=domain, name=name, images=images, description=description, extra=extra
        )
        given = {"domain": domain, "name": name, "images": images, "description": description}
        return record, _in_file_order(value, given, extra)

    def domain(self, value, field):
        if not _present(value):
            self.error(field, "is required (the provider's host name, e.g. example.com)")
            return None
        if not isinstance(value, str):
            self.error(field, f"must be a host name (text), not {_describe(value)}")
            return None
        domain = value.strip().lower()
        problem = domain_problem(domain)
        if problem:
            self.error(field, f"{_shown(domain)} {problem}")
            return None
        return domain

    def logo_images(self, value, field):
        """Provider logos: [{"url", "width", "height", …}]; the URL may be site-relative."""
        entries = []
        for item_field, item in self._entries(value, field, "images"):
            url = self.url(item.get("url"), f"{item_field}.url", site_relative=True)
            if not url:
                if url == "":
                    self.warn(f"{item_field}.url", "is missing; image dropped")
                continue
            given = {"url": url}
            for size in ("width", "height"):
                number = self.whole_number(
                    item.get(size), f"{item_field}.{size}", report=self._dropping
                )
                if number is not None:
                    given[size] = number
            extra = self.other_keys(item, LOGO_KEYS, item_field)
            entries.append(_in_file_order(item, given, extra))
        return entries

    def images(self, value, field="images"):
        """[(ImageRecord, the mapping as validated)]; bad entries dropped with a warning."""
        images = []
        for item_field, item in self._entries(value, field, "images"):
            url = self.url(item.get("url"), f"{item_field}.url")
            if not url:
                if url == "":
                    self.warn(f"{item_field}.url", "is missing; image dropped")
                continue
            image = ImageRecord(
                url=url,
                width=self.whole_number(
                    item.get("width"), f"{item_field}.width", report=self._dropping
                ),
                height=self.whole_number(
                    item.get("height"), f"{item_field}.height", report=self._dropping
                ),
                is_cached=self.flag(
                    item.get("isCached"), f"{item_field}.isCached", report=self._dropping
                ),
                title=self.text(
                    item.get("title"),
                    f"{item_field}.title",
                    max_length=MAX_TITLE,
                    report=self._dropping,
                )
                or "",
                extra=self.other_keys(item, IMAGE_KEYS, item_field),
            )
            given = {
                "url": image.url,
                "width": image.width,
                "height": image.height,
                "isCached": image.is_cached,
                "title": image.title,
            }
            given = {
                key: given[key] for key in IMAGE_KEYS if key in item and given[key] is not None
            }
            images.append((image, _in_file_order(item, given, image.extra)))
        return images

    def _entries(self, value, field, what):
        """(field, mapping) for each list entry; a non-list or a non-mapping entry is dropped."""
        if value is None:
            return
        if isinstance(value, dict):
            self.warn(field, f"is a single mapping, not a list; read as one of the {what}")
            value = [value]
        if not isinstance(value, list):
            self.warn(field, f"must be a list, not {_describe(value)}; dropped")
            return
        for index, item in enumerate(value):
            item_field = f"{field}[{index}]"
            if isinstance(item, dict):
                yield item_field, item
            else:
                self.warn(item_field, f"must be a mapping, not {_describe(item)}; dropped")

    def _dropping(self, field, message):
        self.warn(field, f"{message}; dropped")

    def other_keys(self, mapping, known, field=""):
        """The keys outside the format, kept as JSON-safe data."""
        extra = {}
        for key, value in mapping.items():
            if key in known:
                continue
            cleaned = []
            safe_key = _json_key(key, cleaned)
            extra[safe_key] = _json_safe(value, cleaned)
            if cleaned:
                self.warn(_join(field, safe_key), "control characters removed")
        return extra

    def related(self, value, field="related"):
        """Entries of `related`; one that cannot be used is dropped with a warning."""
        records = []
        for item_field, item in self._entries(value, field, "related entries"):
            entry = _Checker(self.path, self._field(item_field))
            record = entry.related_entry(item)
            self.repaired.update(entry.repaired)
            for problem in entry.problems:
                if problem.severity == Severity.ERROR:
                    problem = Problem(
                        self.path,
                        f"{problem.message}; related entry dropped",
                        field=problem.field,
                        severity=Severity.WARNING,
                    )
                self.problems.append(problem)
            if record is not None and entry.ok:
                records.append(record)
        return records

    def related_entry(self, item):
        title = self.text(item.get("title"), "title", max_length=MAX_TITLE, required=True)
        web_url, original_url, url = self.identity(item)
        amp_url = self.url(item.get("ampWebUrl"), "ampWebUrl")
        cdn_amp_url = self.url(item.get("cdnAmpWebUrl"), "cdnAmpWebUrl")
        excerpt = self.text(item.get("excerpt"), "excerpt", max_length=MAX_EXCERPT, multiline=True)
        published_at = self.when(item.get("publishedDateTime"), "publishedDateTime")
        kind = self.text(item.get("type"), "type", max_length=MAX_SHORT_TEXT)
        quality = self.whole_number(item.get("quality"), "quality")
        provider, provider_entry = self.provider(item.get("provider"))
        images = self.images(item.get("images"))
        if not self.ok:
            return None
        given = {
            "title": title,
            "excerpt": excerpt,
            "publishedDateTime": iso_datetime(published_at) if published_at else None,
            "webUrl": web_url,
            "originalUrl": original_url,
            "ampWebUrl": amp_url,
            "cdnAmpWebUrl": cdn_amp_url,
            "type": kind,
            "quality": quality,
            "provider": provider_entry,
            "images": [image_entry for _, image_entry in images],
        }
        given = {key: value for key, value in given.items() if key in item and value is not None}
        extra = self.other_keys(item, RELATED_KEYS)
        return RelatedRecord(
            url=url,
            title=title,
            excerpt=excerpt,
            published_at=published_at,
            web_url=web_url or "",
            amp_url=amp_url or "",
            cdn_amp_url=cdn_amp_url or "",
            type=kind,
            quality=quality,
            provider=provider,
            images=[image for image, _ in images],
            entry=_in_file_order(item, given, extra),
        )

    def identity(self, mapping):
        """(webUrl, originalUrl, url): the identity is webUrl, else originalUrl; one is required."""
        if _present(mapping.get("webUrl")):
            identity = "webUrl"
        elif _present(mapping.get("originalUrl")):
            identity = "originalUrl"
        else:
            self.error("webUrl", "is required (or originalUrl): it is the article's identity")
            identity = None
        web_url = self.url(mapping.get("webUrl"), "webUrl", identity=identity == "webUrl")
        original_url = self.url(
            mapping.get("originalUrl"), "originalUrl", identity=identity == "originalUrl"
        )
        return web_url, original_url, web_url if identity == "webUrl" else original_url


def _in_file_order(mapping, given, extra):
    """The validated values and the kept extra keys, in the order the file wrote its keys."""
    ordered = {}
    for key in mapping:
        if key in given:
            ordered[key] = given[key]
        else:
            safe_key = key if isinstance(key, str) else _json_key(key, [])
            if safe_key in extra:
                ordered[safe_key] = extra[safe_key]
    return ordered


# The three kinds of file ------------------------------------------------------------------------


def validate_article(front: dict, body: str, path: str):
    """Front matter mapping + Markdown body → (ArticleRecord or None, [Problem])."""
    check = _Checker(path)
    title = check.text(front.get("title"), "title", max_length=MAX_TITLE, required=True)
    web_url, original_url, url = check.identity(front)
    published_at = check.when(front.get("publishedDateTime"), "publishedDateTime", required=True)
    amp_url = check.url(front.get("ampWebUrl"), "ampWebUrl")
    cdn_amp_url = check.url(front.get("cdnAmpWebUrl"), "cdnAmpWebUrl")
    excerpt = check.text(front.get("excerpt"), "excerpt", max_length=MAX_EXCERPT, multiline=True)
    category = check.text(front.get("category"), "category", max_length=MAX_SHORT_TEXT)
    kind = check.text(front.get("type"), "type", max_length=MAX_SHORT_TEXT)
    quality = check.whole_number(front.get("quality"), "quality")
    heat = check.heat(front.get("heat"), "heat")
    published = check.flag(front.get("published"), "published")
    deleted = check.flag(front.get("deleted"), "deleted")
    provider, provider_entry = check.provider(front.get("provider"))
    topics = check.topics(front.get("topics"))
    images = check.images(front.get("images"))
    related = check.related(front.get("related"))
    secured = check.verbatim(front.get("secured"), "secured")
    body = check.text(body, "body", multiline=True)
    extra = check.other_keys(front, ARTICLE_KEYS)
    if not check.ok:
        return None, check.problems
    record = ArticleRecord(
        url=url,
        title=title,
        published_at=published_at,
        excerpt=excerpt,
        body=body,
        category=category,
        type=kind,
        original_url=original_url or "",
        web_url=web_url or "",
        amp_url=amp_url or "",
        cdn_amp_url=cdn_amp_url or "",
        quality=quality,
        heat=heat,
        published=published,
        deleted=deleted,
        provider=provider,
        topics=topics,
        images=[image for image, _ in images],
        related=related,
        secured=secured,
        extra=extra,
        provider_entry=provider_entry or {},
        repaired=check.repaired,
    )
    return record, check.problems


def validate_topic(data: dict, path: str, position: int = DEFAULT_POSITION):
    """A taxonomy mapping → (TopicRecord or None, [Problem])."""
    check = _Checker(path)
    external_id = check.text(data.get("_id"), "_id", max_length=MAX_ID, required=True)
    name = check.text(data.get("name"), "name", required=True)
    if name and len(name) > MAX_TOPIC_NAME:
        check.error("name", f"is longer than {MAX_TOPIC_NAME} characters")
    shortname = check.text(data.get("shortname"), "shortname", max_length=MAX_SHORT_TEXT)
    parent = check.text(data.get("parent"), "parent")
    if parent and len(parent) > MAX_TOPIC_NAME:
        check.error("parent", f"is longer than {MAX_TOPIC_NAME} characters")
    description = check.text(data.get("description"), "description", multiline=True)
    keywords = _text_list(check, data.get("keywords"), "keywords")
    hashtags = _text_list(check, data.get("hashtags"), "hashtags")
    images = [
        url
        for url in (
            check.url(item, field, site_relative=True)
            for field, item in _list_items(check, data.get("images"), "images")
        )
        if url
    ]
    extra = check.other_keys(data, TOPIC_KEYS)
    if not check.ok:
        return None, check.problems
    record = TopicRecord(
        external_id=external_id,
        name=name,
        shortname=shortname,
        parent=parent,
        description=description,
        keywords=keywords,
        hashtags=hashtags,
        images=images,
        position=position,
        extra=extra,
    )
    return record, check.problems


def validate_provider(data: dict, path: str):
    """An `organizations/*.md` record → (ProviderRecord or None, [Problem])."""
    check = _Checker(path)
    mapping = dict(data)
    if not _present(mapping.get("domain")) and _present(mapping.get("_id")):
        mapping["domain"] = mapping["_id"]  # `_id` is the domain in these records
    elif (
        _present(mapping.get("_id"))
        and str(mapping["_id"]).strip().lower() != str(mapping["domain"]).strip().lower()
    ):
        check.warn("_id", f"{_shown(mapping['_id'])} differs from domain; the domain is used")
    record, _ = check.provider(mapping, field="")
    if not check.ok:
        return None, check.problems
    # What every record says is not kept as data: export writes it back for every provider.
    if record.extra.get("taxonomy") == "organization":
        del record.extra["taxonomy"]
    if record.extra.get("_id") == record.domain:
        del record.extra["_id"]
    return record, check.problems


def validate_staff_state(data: dict, path: str):
    """An export's `_staff.yaml` → (StaffStateRecord or None, [Problem])."""
    check = _Checker(path)
    articles = []
    for field, item in check._entries(data.get("articles"), "articles", "articles"):
        entry = {"url": check.url(item.get("url"), f"{field}.url", identity=True)}
        if entry["url"] == "":
            check.error(f"{field}.url", "is required")
        for mark in ("hidden", "edited"):
            if check.flag(item.get(mark), f"{field}.{mark}"):
                entry[mark] = True
        if _present(item.get("slug")):
            entry["slug"] = check.text(item.get("slug"), f"{field}.slug", max_length=100)
        flags = item.get("fileFlags")
        if isinstance(flags, dict):
            entry["fileFlags"] = {
                name: check.flag(flags.get(name), f"{field}.fileFlags.{name}")
                for name in ("published", "deleted")
            }
        elif flags is not None:
            check.error(f"{field}.fileFlags", f"must be a mapping, not {_describe(flags)}")
        articles.append(entry)
    topic_aliases = []
    for field, item in check._entries(data.get("topicAliases"), "topicAliases", "aliases"):
        slug = check.text(item.get("slug"), f"{field}.slug", max_length=100, required=True)
        key = check.text(item.get("nameKey"), f"{field}.nameKey", max_length=200, required=True)
        topic = check.text(item.get("topic"), f"{field}.topic", max_length=200, required=True)
        topic_aliases.append({"slug": slug, "nameKey": key, "topic": topic})
    provider_aliases = []
    for field, item in check._entries(data.get("providerAliases"), "providerAliases", "aliases"):
        domain = check.domain(item.get("domain"), f"{field}.domain")
        provider = check.domain(item.get("provider"), f"{field}.provider")
        provider_aliases.append({"domain": domain, "provider": provider})
    if not check.ok:
        return None, check.problems
    return StaffStateRecord(articles, topic_aliases, provider_aliases), check.problems


def _list_items(check, value, field):
    """(field, item) of a list of scalars; a single value is read as a one-item list."""
    if value is None:
        return []
    if not isinstance(value, list):
        check.warn(field, f"is {_describe(value)}, not a list; read as a one-item list")
        value = [value]
    return [(f"{field}[{index}]", item) for index, item in enumerate(value)]


def _text_list(check, value, field):
    texts = []
    for item_field, item in _list_items(check, value, field):
        if isinstance(item, dict | list) or item is None:
            check.warn(item_field, f"must be text, not {_describe(item)}; dropped")
            continue
        text = check.text(item, item_field, report=check._dropping)
        if text:
            texts.append(text)
    return texts
