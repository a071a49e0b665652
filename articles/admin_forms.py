"""Forms of the staff side: the edit forms' rules, action intermediate pages, the upload.

What an upload may write to disk is decided in articles/ingest/uploads.py; this is its form.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect

from .ingest.validate import json_safe
from .models import Article, ArticleTopic, Provider, ProviderAlias, Topic, TopicAlias, name_key
from .safe_urls import url_problem


def validate_link(value):
    """The importer's rule for stored links (absolute http(s) only), for staff edits too."""
    if problem := url_problem(value):
        raise forms.ValidationError(f"This URL {problem}.")


def validate_storable_json(value):
    """The importer's rule for JSON: PostgreSQL refuses NUL (and NaN, ∞) in a JSON column."""
    if json_safe(value) != value:
        raise forms.ValidationError(
            "This JSON holds what the database cannot store: control characters such as "
            "\\u0000, or NaN/Infinity."
        )


class StaffModelForm(forms.ModelForm):
    """The rules of every staff edit form: its `link_fields` hold http(s) URLs (a feed or page
    serves them as links) and its JSON fields only what the database can store."""

    link_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # read-only fields have no form field
            if name in self.link_fields:
                field.validators.append(validate_link)
            if isinstance(field, forms.JSONField):
                field.validators.append(validate_storable_json)


class ArticleForm(StaffModelForm):
    link_fields = ("url", "web_url", "original_url", "amp_url", "cdn_amp_url")


class ArticleImageForm(StaffModelForm):
    link_fields = ("url",)


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


class TopicForm(StaffModelForm):
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


class ProviderForm(StaffModelForm):
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
