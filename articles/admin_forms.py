"""Forms of the staff side: action intermediate pages and the article upload.

The upload is the hostile edge: names and sizes come from the browser and from zip headers, so
everything is checked before a byte is written (see `save_uploads`).
"""

import zipfile
from pathlib import Path, PurePosixPath

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect

from .models import Article, ArticleTopic, Provider, ProviderAlias, Topic, TopicAlias, name_key

IMPORTABLE_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")
MAX_UPLOAD_FILES = 5000
MAX_UPLOAD_TOTAL_BYTES = 200 * 1024 * 1024
CHUNK_BYTES = 64 * 1024


class UploadRejected(ValueError):
    """The upload as a whole is refused; the message names the file or archive member."""


def _kib(size):
    return f"{size // 1024:,} KiB"


def is_importable(name):
    return PurePosixPath(name).suffix.lower() in IMPORTABLE_SUFFIXES


def safe_member_path(name, archive_name):
    """The relative path a zip member may be written to, or UploadRejected.

    Hostile names (absolute, drive letters, `..`, backslashes) reject the whole archive:
    an archive that contains one was not made by exporting a folder of articles.
    """
    where = f"{archive_name}: member {name!r}"
    if "\\" in name or "\x00" in name:
        raise UploadRejected(f"{where} has a backslash or NUL in its name")
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        raise UploadRejected(f"{where} is an absolute path")
    if ".." in path.parts:
        raise UploadRejected(f"{where} points outside the archive (..)")
    parts = [part for part in path.parts if part not in ("", ".")]
    if not parts:
        raise UploadRejected(f"{where} has an empty name")
    return PurePosixPath(*parts)


def _skipped_quietly(path):
    """Folders and the litter of archivers (__MACOSX/, ._resource forks, .DS_Store)."""
    return path.parts[0] == "__MACOSX" or any(part.startswith(".") for part in path.parts)


def _copy_capped(source, target_path, limit, what):
    """Copy at most `limit` bytes; UploadRejected if there are more (zip sizes can lie)."""
    written = 0
    with open(target_path, "wb") as target:
        while chunk := source.read(CHUNK_BYTES):
            written += len(chunk)
            if written > limit:
                raise UploadRejected(f"{what} is larger than {_kib(limit)}")
            target.write(chunk)
    return written


class UploadBudget:
    """Counts files and bytes across one upload, so several zips cannot add up to a bomb."""

    def __init__(self, max_file_bytes, max_files, max_total_bytes):
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.max_total_bytes = max_total_bytes
        self.files = 0
        self.total_bytes = 0

    def take_file(self, what):
        self.files += 1
        if self.files > self.max_files:
            raise UploadRejected(f"{what}: more than {self.max_files:,} files in one upload")

    def per_file_limit(self):
        return min(self.max_file_bytes, self.max_total_bytes - self.total_bytes)

    def spend(self, size):
        self.total_bytes += size


def save_uploads(
    uploads,
    destination,
    *,
    max_file_bytes,
    max_files=MAX_UPLOAD_FILES,
    max_total_bytes=MAX_UPLOAD_TOTAL_BYTES,
):
    """Write uploaded article/taxonomy files and zip archives under `destination`.

    `uploads` is a list of (name, binary file object). Plain files keep their base name; the
    members of `archive.zip` go under `archive/`. Returns (written relative paths, names of
    archive members skipped because they are not .md/.markdown/.yaml/.yml files).
    Raises UploadRejected, naming the file or member, for anything unsafe or too big.
    """
    destination = Path(destination)
    budget = UploadBudget(max_file_bytes, max_files, max_total_bytes)
    written, skipped, taken = [], [], set()

    def claim(relative, what):
        key = str(relative).casefold()
        if key in taken:
            raise UploadRejected(f"{what}: two files would both be saved as {relative}")
        taken.add(key)
        (destination / relative).parent.mkdir(parents=True, exist_ok=True)
        return destination / relative

    for name, fileobj in uploads:
        base = PurePosixPath(name.replace("\\", "/")).name
        if base.lower().endswith(".zip"):
            written += _save_zip(base, fileobj, destination, budget, claim, skipped)
        elif is_importable(base) and not base.startswith("."):
            budget.take_file(base)
            size = _copy_capped(
                fileobj, claim(PurePosixPath(base), base), budget.per_file_limit(), base
            )
            budget.spend(size)
            written.append(base)
        else:
            raise UploadRejected(
                f"{base}: not an article or provider file (.md, .markdown), a taxonomy "
                "file (.yaml, .yml) or a .zip of them"
            )
    return written, skipped


def _save_zip(archive_name, fileobj, destination, budget, claim, skipped):
    folder = PurePosixPath(archive_name).stem or "archive"
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRejected(f"{archive_name} is not a readable zip archive") from None
    written = []
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        for info in members:
            safe_member_path(info.filename, archive_name)  # vet every name before writing any
        for info in members:
            relative = safe_member_path(info.filename, archive_name)
            what = f"{archive_name}: {relative}"
            if _skipped_quietly(relative):
                continue
            if not is_importable(relative.name):
                skipped.append(str(relative))
                continue
            if info.flag_bits & 0x1:
                raise UploadRejected(f"{what} is encrypted")
            budget.take_file(what)
            limit = budget.per_file_limit()
            if info.file_size > limit:
                raise UploadRejected(f"{what} is larger than {_kib(limit)}")
            target = claim(PurePosixPath(folder) / relative, what)
            try:
                with archive.open(info) as source:
                    size = _copy_capped(source, target, limit, what)
            except (
                zipfile.BadZipFile,
                zipfile.LargeZipFile,
                NotImplementedError,
                OSError,
                EOFError,
            ) as error:
                raise UploadRejected(f"{what} cannot be read: {error}") from None
            budget.spend(size)
            written.append(str(PurePosixPath(folder) / relative))
    return written


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".md,.markdown,.yaml,.yml,.zip"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        return [clean_one(item, initial) for item in files or [None]]  # None: "required"


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text="Article files (.md), taxonomy files (.yaml), or a .zip of them. "
        "Choose several at once; use a .zip for more than 100 files.",
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Dry run",
        help_text="Check the files and report what would change, without saving.",
    )
    overwrite_edited = forms.BooleanField(
        required=False,
        label="Overwrite staff edits",
        help_text="Also update articles that staff have edited (normally they are kept).",
    )


def _autocomplete(model, field_name):
    """The admin's select2 autocomplete, fed by the ModelAdmin of the field's target."""
    return AutocompleteSelect(model._meta.get_field(field_name), admin.site)


class TopicChoiceForm(forms.Form):
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(), widget=_autocomplete(ArticleTopic, "topic")
    )


class QualityForm(forms.Form):
    quality = forms.IntegerField(
        required=False,
        min_value=0,
        help_text="A whole number ≥ 0 (not capped at 100). Leave empty to clear the score.",
    )


class MergeForm(forms.Form):
    """Pick the topic or provider that the selected ones are merged into."""

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.source_ids = {source.pk for source in sources}

    def clean_target(self):
        target = self.cleaned_data["target"]
        if target.pk in self.source_ids:
            raise forms.ValidationError(
                f"“{target}” is one of those being merged; choose another to keep."
            )
        return target


class MergeTopicsForm(MergeForm):
    target = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        widget=_autocomplete(Topic, "parent"),
        label="Merge into",
        help_text="This topic stays; the selected ones become its aliases.",
    )


class MergeProvidersForm(MergeForm):
    target = forms.ModelChoiceField(
        queryset=Provider.objects.all(),
        widget=_autocomplete(Article, "provider"),
        label="Merge into",
        help_text="This provider stays; the selected ones become its aliases.",
    )


class TopicForm(forms.ModelForm):
    """The topic form (the ModelAdmin supplies model and fields).

    Names are matched case- and space-insensitively (name_key), and a merged topic's name and
    slug live on as another topic's alias: a topic may take neither, or imports and links
    would split between the two."""

    def clean_name(self):
        name = self.cleaned_data["name"]
        key = name_key(name)
        other = Topic.objects.filter(name_key=key).exclude(pk=self.instance.pk).first()
        if other:
            raise forms.ValidationError(f"The topic “{other}” already has this name.")
        alias = TopicAlias.objects.filter(name_key=key).select_related("topic").first()
        if alias and alias.topic_id != self.instance.pk:
            raise forms.ValidationError(
                f"This name was merged into “{alias.topic}”; imports file it there."
            )
        return name

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        alias = TopicAlias.objects.filter(slug=slug).select_related("topic").first()
        if alias and alias.topic_id != self.instance.pk:
            raise forms.ValidationError(
                f"This slug is the old address of “{alias.topic}” (merged); it redirects there."
            )
        return slug


class ProviderForm(forms.ModelForm):
    """The provider form (the ModelAdmin supplies model and fields).

    Domains are the providers' identity for imports: lower-case, and not one merged away."""

    def clean_domain(self):
        domain = self.cleaned_data["domain"].strip().lower()
        if Provider.objects.filter(domain=domain).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("A provider with this domain already exists.")
        alias = ProviderAlias.objects.filter(domain=domain).select_related("provider").first()
        if alias:
            raise forms.ValidationError(
                f"This domain was merged into “{alias.provider}”; imports file it there."
            )
        return domain
