from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from articles.ingest.records import Severity
from articles.safe_urls import asset_url

from . import search as full_text


def name_key(name):
    """How topic names are matched: "Machine  learning " == "machine learning"."""
    return " ".join(str(name).split()).casefold()


def slug_for(text, fallback="item", max_length=80):
    slug = slugify(text, allow_unicode=False)[:max_length].strip("-")
    return slug or fallback


class ProviderQuerySet(models.QuerySet):
    def public_to(self, user):
        """Providers `user` may know of: those no article names (an organization record) and
        those of an article the user may see. One named only by hidden articles stays unknown
        (404), or its name would give them away."""
        articles = Article.objects.filter(provider=models.OuterRef("pk"))
        visible = Article.objects.visible_to(user).filter(provider=models.OuterRef("pk"))
        return self.filter(~models.Exists(articles) | models.Exists(visible))


class Provider(models.Model):
    domain = models.CharField(
        max_length=253, unique=True, help_text="Lower-case domain; the provider's identity."
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    # Logo images as given: [{"url", "width", "height"}, …], smallest first is used as the logo.
    images = models.JSONField(default=list, blank=True)
    extra = models.JSONField(
        default=dict, blank=True, help_text="Keys of the record we keep as-is."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name or self.domain

    def get_absolute_url(self):
        return reverse("articles:provider_detail", args=[self.domain])

    @property
    def logo(self):
        """The smallest logo image dict, or None."""
        sized = [img for img in self.images if isinstance(img, dict) and img.get("url")]
        if not sized:
            return None
        return min(sized, key=lambda img: (img.get("width") or 0) * (img.get("height") or 0))

    @property
    def usable_logo(self):
        """The smallest logo that a page can show, its URL made absolute; or None."""
        return smallest_logo(self.images)


def smallest_logo(images):
    """The smallest of `images` ([{"url", "width", "height"}, …]) whose URL a page can show
    (see asset_url; NEWSROOM_ASSET_BASE_URL resolves /assets/… paths), URL resolved; or None."""
    base_url = settings.NEWSROOM_ASSET_BASE_URL
    usable = [
        {**image, "url": url}
        for image in (images if isinstance(images, list) else [])
        if isinstance(image, dict) and (url := asset_url(image.get("url"), base_url))
    ]
    if not usable:
        return None
    return min(usable, key=lambda img: (img.get("width") or 0) * (img.get("height") or 0))


class ProviderAlias(models.Model):
    """A domain folded into another provider by a merge; imports and old URLs follow it."""

    domain = models.CharField(max_length=253, unique=True)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name_plural = "provider aliases"

    def __str__(self):
        return f"{self.domain} → {self.provider.domain}"


class TopicQuerySet(models.QuerySet):
    def public_to(self, user):
        """Topics `user` may know of: those no article names (a taxonomy entry) and those of an
        article the user may see (see ProviderQuerySet.public_to)."""
        named = ArticleTopic.objects.filter(topic=models.OuterRef("pk"))
        visible = named.filter(article__in=Article.objects.visible_to(user))
        return self.filter(~models.Exists(named) | models.Exists(visible))


class Topic(models.Model):
    name = models.CharField(max_length=200)
    name_key = models.CharField(
        max_length=200,
        unique=True,
        editable=False,
        help_text="Case/space-folded name for matching.",
    )
    slug = models.SlugField(max_length=100, unique=True)
    external_id = models.CharField(
        max_length=200, unique=True, null=True, blank=True, help_text="`_id` of the taxonomy file."
    )
    shortname = models.CharField(max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)
    hashtags = models.JSONField(default=list, blank=True)
    images = models.JSONField(default=list, blank=True)
    extra = models.JSONField(
        default=dict, blank=True, help_text="Keys of the record we keep as-is."
    )
    position = models.PositiveIntegerField(
        default=1000, help_text="Display order in the taxonomy (lower first)."
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        if not self.slug:
            self.slug = slug_for(self.name, fallback="topic")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:topic_detail", args=[self.slug])


class TopicAlias(models.Model):
    """A topic folded into another by a merge: its old slug redirects, its name maps on import."""

    slug = models.SlugField(max_length=100, unique=True)
    name_key = models.CharField(max_length=200, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name_plural = "topic aliases"

    def __str__(self):
        return f"{self.slug} → {self.topic.slug}"


class ArticleStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    DRAFT = "draft", "Draft (not published upstream)"
    HIDDEN = "hidden", "Hidden by staff"
    WITHDRAWN = "withdrawn", "Withdrawn (deleted upstream)"


def status_from_flags(published, deleted):
    """The status a file's `published`/`deleted` flags give (absent `published` = published)."""
    if deleted:
        return ArticleStatus.WITHDRAWN
    if published is False:
        return ArticleStatus.DRAFT
    return ArticleStatus.PUBLISHED


class Audience(models.TextChoices):
    """Who is asking: readers see what is published; staff also see drafts, with badges."""

    READER = "reader"
    STAFF = "staff"


def audience(user):
    """The one rule for who counts as staff. Visibility and every cache key depend on it."""
    if user is not None and user.is_active and user.is_staff:
        return Audience.STAFF
    return Audience.READER


class ArticleQuerySet(models.QuerySet):
    def visible(self):
        """What any reader may see: published, and a full article, not a related-only stub."""
        return self.filter(status=ArticleStatus.PUBLISHED, is_stub=False)

    def visible_to(self, user):
        """The one visibility rule. Staff see everything that is a full article."""
        return self.visible_for(audience(user))

    def visible_for(self, audience):
        if audience == Audience.STAFF:
            return self.filter(is_stub=False)
        return self.visible()

    def for_listing(self):
        """The joins a list of article cards needs, in a constant number of queries.

        Three queries however many articles: the articles with their provider, their topics,
        their images (in file order).
        """
        return self.select_related("provider").prefetch_related(
            models.Prefetch(
                "article_topics",
                queryset=ArticleTopic.objects.select_related("topic").order_by("position"),
            ),
            models.Prefetch("images", queryset=ArticleImage.objects.order_by("position")),
        )

    def search(self, query):
        """Articles whose title or excerpt match `query` (the syntax of articles/search_syntax.py),
        through the full-text index of either database (articles/search.py)."""
        return full_text.search(self, query)

    def by_relevance(self, query):
        """Best match for `query` first (annotates `search_rank`), newest on a tie. Call it on a
        queryset already narrowed by search()."""
        return full_text.by_relevance(self, query)


class Story(models.Model):
    """Articles from several sources reporting the same news item (grouped by articles/stories.py
    on import; staff split and merge them in the admin)."""

    title = models.CharField(
        max_length=1000, help_text="The first article's title, to start; staff may reword it."
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-last_published_at", "-id"]
        indexes = [
            # /api/stories/ and the admin list: latest news first.
            models.Index(fields=["-last_published_at", "-id"], name="story_recent"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:story_detail", args=[self.pk])


class Article(models.Model):
    url = models.CharField(
        max_length=2000,
        unique=True,
        help_text="Canonical URL (webUrl, else originalUrl): the article's identity.",
    )
    slug = models.SlugField(max_length=100, allow_unicode=False)
    title = models.CharField(max_length=1000)
    excerpt = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Markdown after the front matter.")
    body_html = models.TextField(blank=True, editable=False, help_text="Sanitised HTML of body.")
    category = models.CharField(max_length=100, blank=True)
    type = models.CharField(max_length=100, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, help_text="Stored in UTC.")
    original_url = models.CharField(max_length=2000, blank=True)
    web_url = models.CharField(max_length=2000, blank=True)
    amp_url = models.CharField(max_length=2000, blank=True)
    cdn_amp_url = models.CharField(max_length=2000, blank=True)
    quality = models.PositiveIntegerField(
        null=True, blank=True, help_text="Editorial score ≥ 0; not capped at 100. Empty = none."
    )
    heat = models.IntegerField(
        null=True, blank=True, help_text="Trending score. Empty = none (files write -1)."
    )
    status = models.CharField(
        max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.PUBLISHED
    )
    # The file's own flags, verbatim (None = key absent), so an export writes what came in.
    published_flag = models.BooleanField(null=True, blank=True, editable=False)
    deleted_flag = models.BooleanField(null=True, blank=True, editable=False)
    is_stub = models.BooleanField(
        default=False, help_text="Known only from another article's related list; not shown."
    )
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    topics = models.ManyToManyField(
        Topic, through="ArticleTopic", related_name="articles", blank=True
    )
    secured = models.TextField(
        blank=True, help_text="Opaque upstream blob; never shown to readers."
    )
    extra = models.JSONField(
        default=dict, blank=True, help_text="Front-matter keys outside the format, kept as-is."
    )
    provider_entry = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="The article's own provider block as its file wrote it; export writes it "
        "back. Pages show the provider's curated name.",
    )
    repaired_text = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Text fields whose mojibake the import repaired: field → the text as the "
        "file wrote it, so export gives the file back.",
    )

    source_path = models.CharField(max_length=1000, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    first_imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    edited_by_staff = models.BooleanField(
        default=False,
        help_text="Set when staff save the article; imports then keep the staff version "
        "unless run with --overwrite-edited. Untick to let the next import update it.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Set after each import batch (articles/story_store.py). The importer writes none of these
    # columns, so the flags need database-side defaults.
    story_checked = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="Whether story grouping has looked at it; then no story means no other "
        "source reports it.",
    )
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    story_pinned = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Set when staff split or merge its story: grouping never moves it again.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            # The reader list: visible articles, newest first.
            models.Index(
                fields=["-published_at", "-id"],
                name="article_visible_recent",
                condition=Q(status="published", is_stub=False),
            ),
            # Sorting and range filters over all rows (staff lists, date filters).
            models.Index(fields=["published_at"], name="article_published_at"),
            # quality_min / quality_max filters and sort by quality.
            models.Index(fields=["quality"], name="article_quality"),
            # Sort by heat.
            models.Index(fields=["heat"], name="article_heat"),
            # Provider pages and the provider filter, newest first.
            models.Index(fields=["provider", "-published_at"], name="article_provider_recent"),
            # The admin status filter.
            models.Index(fields=["status", "is_stub"], name="article_status"),
            # Reader lists and facet windows, newest first. Until ANALYZE has run, SQLite
            # prefers article_status to the partial index above and sorts every visible row;
            # with this one it reads the newest rows in order and stops after a page, and
            # is_stub and quality (the visibility rule, the quality filter) need no row lookup.
            models.Index(
                fields=["status", "-published_at", "-id", "is_stub", "quality"],
                name="article_status_recent",
            ),
            # Story grouping after each import batch: the full articles it has not looked at yet
            # (not the stubs, which wait unchecked until a file fills them in).
            models.Index(
                fields=["published_at", "id"],
                name="article_story_pending",
                condition=Q(story_checked=False, is_stub=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quality__isnull=True) | Q(quality__gte=0),
                name="article_quality_not_negative",
            ),
            models.CheckConstraint(condition=~Q(url=""), name="article_url_not_empty"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:article_detail", args=[self.pk, self.slug or "article"])

    @property
    def logo(self):
        """The provider's own logo when a page can show it, else the one this article's file
        gave, else None (the templates then draw a letter badge)."""
        if self.provider is None:
            return None
        return self.provider.usable_logo or smallest_logo(self.provider_entry.get("images"))

    @property
    def source_link(self):
        """Where the story lives at its provider."""
        return self.web_url or self.original_url or self.url


class ArticleTopic(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_topics")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="article_topics")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the file.")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "topic"], name="article_topic_unique")
        ]
        indexes = [
            # The topic filter and topic pages: articles of a topic.
            models.Index(fields=["topic", "article"], name="article_topic_by_topic"),
        ]

    def __str__(self):
        return f"{self.article_id} · {self.topic_id}"


class ArticleImage(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    url = models.CharField(max_length=2000)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    is_cached = models.BooleanField(null=True, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="article_image_position")
        ]

    def __str__(self):
        return self.url


class RelatedLink(models.Model):
    """One entry of an article's `related` list, pointing at the Article with that URL.

    `entry` keeps the entry's fields exactly as the file wrote them, so export reproduces it.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    target = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_from")
    position = models.PositiveSmallIntegerField(default=0)
    entry = models.JSONField(default=dict)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="related_link_position")
        ]

    def __str__(self):
        return self.entry.get("title") or str(self.target_id)


class SourceFile(models.Model):
    """Each file an import has read, so unchanged files are skipped by hash without parsing, and
    without reading when their size, mtime and ctime are still those recorded here."""

    path = models.CharField(max_length=1000, unique=True)
    content_hash = models.CharField(max_length=64)
    size = models.BigIntegerField(null=True, blank=True)
    mtime_ns = models.BigIntegerField(null=True, blank=True)
    ctime_ns = models.BigIntegerField(null=True, blank=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_files"
    )
    last_seen_at = models.DateTimeField()

    def __str__(self):
        return self.path


class ImportStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCESS = "success", "Success"
    PARTIAL = "partial", "Some files failed"
    FAILED = "failed", "Failed"


class ImportTrigger(models.TextChoices):
    COMMAND = "command", "Command line / cron"
    UPLOAD = "upload", "Admin upload"


class ImportRunQuerySet(models.QuerySet):
    def real(self):
        """Runs that wrote (or tried to write) data: not dry runs."""
        return self.filter(dry_run=False)

    def scheduled(self):
        """Real runs of the command line, i.e. cron: the runs that say whether imports live."""
        return self.real().filter(trigger=ImportTrigger.COMMAND)

    def finished(self):
        """Runs that got through their files, even with some files failing."""
        return self.filter(status__in=[ImportStatus.SUCCESS, ImportStatus.PARTIAL])


class ImportRun(models.Model):
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    trigger = models.CharField(
        max_length=20, choices=ImportTrigger.choices, default=ImportTrigger.COMMAND
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    paths = models.JSONField(default=list)
    dry_run = models.BooleanField(default=False)
    overwrite_edited = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    seen = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    kept_edited = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(
        default=0, help_text="Files passed over: not import files, or a kind not imported."
    )
    message = models.TextField(blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["-started_at"], name="import_run_recent")]

    def __str__(self):
        return f"Import {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class ImportProblem(models.Model):
    Severity = Severity  # one home: the pure enum the importer's problems carry

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    path = models.CharField(max_length=1000)
    field = models.CharField(max_length=200, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField()
    severity = models.CharField(
        max_length=10,
        choices=[(severity.value, severity.label) for severity in Severity],
        default=Severity.ERROR,
    )

    class Meta:
        ordering = ["run", "id"]

    def __str__(self):
        return f"{self.path}: {self.message}"


class DataVersion(models.Model):
    """One row whose counter every import batch and staff edit bumps; see articles/cache.py."""

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"data version {self.version}"


class ArticleChange(models.Model):
    """An article whose dashboard facts (date, provider, quality, heat, visibility, topics)
    changed, and in which data version: the log articles/dashboard/facts.py reads to keep its
    snapshot fresh. Database triggers write it (articles/changes.py), so no writer can forget
    it; `version` stays null until the writer's bump_data_version() stamps it. One row per
    article ever changed, deleted ones included (their row says "gone")."""

    article_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(null=True, db_index=True)

    def __str__(self):
        return f"article {self.article_id} changed in version {self.version}"
