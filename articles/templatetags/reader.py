"""Template filters for rendering imported data defensively."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..safe_urls import http_url
from ..search_syntax import highlighted

register = template.Library()

# The characters json_script escapes, so no string can close the script element.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


# An absolute http(s) URL or "" (never a javascript: or data: link); see articles/safe_urls.py.
register.filter("http_url", http_url)


@register.filter
def json_ld(value):
    """`value` as a schema.org JSON-LD script element, safe from any string inside it."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(data.translate(JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped above
    )


@register.filter
def highlight(text, query):
    """`text` escaped, the words a search (a search_syntax.SearchQuery) matched in <mark>."""
    if not query or not text:
        return text
    return mark_safe(  # noqa: S308 - every part is escaped by format_html
        "".join(
            format_html("<mark>{}</mark>", part) if matched else format_html("{}", part)
            for part, matched in highlighted(str(text), query)
        )
    )
