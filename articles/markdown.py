"""Markdown → safe HTML: one pure function for every imported or staff-written body.

Imported text is untrusted. Markdown passes raw HTML through, so its output is sanitised with
nh3 against an allow-list: no script/style/iframe, no event handlers or style attributes, links
and images only to http(s) (links also mailto: and #fragments), and every link gets
rel="noopener noreferrer nofollow".
"""

import threading

from .safe_urls import http_url

EXTENSIONS = ["fenced_code", "tables", "sane_lists"]

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
LINK_REL = "noopener noreferrer nofollow"
# The content of these is dropped too, not just the tags.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}

_OTHER_LINK_PREFIXES = ("mailto:", "#")
_local = threading.local()


def render_markdown(text: str) -> str:
    """Markdown source → sanitised HTML ("" for empty text)."""
    if not text or not text.strip():
        return ""
    import nh3  # on first use: most processes (an import of unchanged files) never render

    html = _converter().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _converter():
    # A Markdown instance is costly to build but not thread-safe: one per thread, reset per use.
    converter = getattr(_local, "converter", None)
    if converter is None:
        import markdown as markdown_lib

        converter = markdown_lib.Markdown(
            extensions=EXTENSIONS,
            extension_configs={"tables": {"use_align_attribute": True}},
            output_format="html",
        )
        _local.converter = converter
    return converter


def _keep_attribute(tag, attribute, value):
    """nh3 keeps relative URLs; we keep only absolute http(s) ones (and mailto:/# for links)."""
    if attribute == "href":
        if http_url(value) or value.strip().lower().startswith(_OTHER_LINK_PREFIXES):
            return value
        return None
    if attribute == "src":
        return value if http_url(value) else None
    return value
