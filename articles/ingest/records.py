"""The typed records that parsing produces and storing consumes. Pure Python, no Django."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

# The keys of the format, in the order the files write them (FORMAT.md). Parsing keeps any other
# key in `extra`; writing follows this order.
ARTICLE_KEYS = (
    "category",
    "title",
    "excerpt",
    "publishedDateTime",
    "originalUrl",
    "webUrl",
    "ampWebUrl",
    "cdnAmpWebUrl",
    "type",
    "quality",
    "heat",
    "published",
    "deleted",
    "provider",
    "topics",
    "images",
    "related",
    "secured",
)
RELATED_KEYS = (
    "title",
    "excerpt",
    "publishedDateTime",
    "webUrl",
    "originalUrl",
    "ampWebUrl",
    "cdnAmpWebUrl",
    "type",
    "provider",
    "quality",
    "images",
)
PROVIDER_KEYS = ("name", "domain", "images", "description")
IMAGE_KEYS = ("url", "width", "height", "isCached", "title")
LOGO_KEYS = ("url", "width", "height")


class Severity(StrEnum):
    """ERROR: the file is not imported. WARNING: it is, with the value normalised or dropped.
    ImportProblem.severity stores these values."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self):
        return self.value.capitalize()


@dataclass(frozen=True)
class Problem:
    """Something wrong with an input file: which file, which field (or YAML line), and why."""

    path: str
    message: str
    field: str = ""  # "" when it concerns the whole file
    line: int | None = None  # 1-based line in the file, when known
    severity: Severity = Severity.ERROR

    def __str__(self):
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


@dataclass
class ImageRecord:
    url: str
    width: int | None = None
    height: int | None = None
    is_cached: bool | None = None
    title: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class ProviderRecord:
    domain: str  # lower-cased
    name: str
    images: list[dict] = field(default_factory=list)  # [{"url", "width", "height"}]
    description: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class RelatedRecord:
    """An entry of `related`: enough to create a stub Article keyed by `url`."""

    url: str
    title: str
    excerpt: str = ""
    published_at: datetime | None = None
    web_url: str = ""
    amp_url: str = ""
    cdn_amp_url: str = ""
    type: str = ""
    quality: int | None = None
    provider: ProviderRecord | None = None
    images: list[ImageRecord] = field(default_factory=list)
    # The entry as the file wrote it, validated, in the file's key order (JSON-safe: datetimes
    # as ISO 8601 strings), so that export reproduces it.
    entry: dict = field(default_factory=dict)


@dataclass
class ArticleRecord:
    url: str  # webUrl, else originalUrl: the identity
    title: str
    published_at: datetime  # aware, UTC
    excerpt: str = ""
    body: str = ""
    category: str = ""
    type: str = ""
    original_url: str = ""
    web_url: str = ""
    amp_url: str = ""
    cdn_amp_url: str = ""
    quality: int | None = None
    heat: int | None = None  # None when absent or -1
    published: bool | None = None  # the file's flag; None = absent (= published)
    deleted: bool | None = None
    provider: ProviderRecord | None = None
    topics: list[str] = field(default_factory=list)  # display names, de-duplicated by name key
    images: list[ImageRecord] = field(default_factory=list)
    related: list[RelatedRecord] = field(default_factory=list)
    secured: str = ""
    extra: dict = field(default_factory=dict)  # unknown keys, JSON-safe
    # The `provider` mapping as the file wrote it (validated, in the file's key order), so that
    # export reproduces it; `provider` is what the import matches the provider row by.
    provider_entry: dict = field(default_factory=dict)
    # Text fields whose mojibake was repaired: field path → the text as the file wrote it.
    repaired: dict = field(default_factory=dict)
    # The body rendered (articles.markdown) by the import's parse worker; None: not rendered yet.
    body_html: str | None = None


@dataclass
class StaffStateRecord:
    """`_staff.yaml` of an export: what staff decided that the other files cannot say."""

    # {"url", and any of: "hidden": true, "edited": true, "slug", "fileFlags": {"published",
    # "deleted"}}: what staff changed about an article that its exported file cannot say.
    articles: list[dict] = field(default_factory=list)
    topic_aliases: list[dict] = field(default_factory=list)  # {"slug", "nameKey", "topic"}
    provider_aliases: list[dict] = field(default_factory=list)  # {"domain", "provider"}


@dataclass
class UnsupportedRecord:
    """A file of a kind the project does not import (`taxonomy: tag`): skipped, not failed."""

    kind: str


@dataclass
class TopicRecord:
    """A taxonomy file (`topics/*.yaml`)."""

    external_id: str
    name: str
    shortname: str = ""
    parent: str = ""  # a topic name
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    position: int = 1000  # from the file-name prefix ("02-…")
    extra: dict = field(default_factory=dict)  # services and any other key
