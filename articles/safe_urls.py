"""Which links may be stored and rendered: absolute http(s) URLs only (never javascript: or data:).

Pure Python, no Django: the importer, the admin forms, the Markdown renderer and templates share
it. Storing refuses other schemes (`url_problem`, for imports and staff edits alike); rendering
checks again as the second line of defence (`http_url`).
"""

import re
from urllib.parse import urlsplit

LINK_SCHEMES = ("http", "https")
MAX_URL_BYTES = 2000  # a unique btree index holds the URL

_URL_BAD_CHARS = re.compile("[\\s\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Printable ASCII, http(s), a plain host name, no port or user: most URLs, checked in one match.
_PLAIN_URL = re.compile(r"https?://[a-z0-9][a-z0-9.-]*(?:[/?#][!-~]*)?", re.IGNORECASE | re.ASCII)


def http_url(value):
    """`value` (stripped) if it is an absolute http(s) URL with a host, else ""."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() in LINK_SCHEMES and parts.netloc:
        return url
    return ""


def url_problem(url: str, *, site_relative: bool = False) -> str | None:
    """Why `url` may not be stored as a link, or None. `site_relative` allows '/assets/x.png'."""
    if _PLAIN_URL.fullmatch(url) and len(url) <= MAX_URL_BYTES:
        return None  # the common case, decided without urlsplit
    if not url:
        return "is empty"
    if _URL_BAD_CHARS.search(url):
        return "contains whitespace or control characters"
    if len(url.encode("utf-8")) > MAX_URL_BYTES:
        return f"is longer than {MAX_URL_BYTES} bytes"
    if site_relative and url.startswith("/") and not url.startswith("//"):
        return None
    scheme, colon, _ = url.partition(":")
    if not colon or scheme.lower() not in LINK_SCHEMES:
        shown = f"a {scheme.lower()}: URL" if colon and scheme.isalpha() else "a relative URL"
        return f"is {shown}; only absolute http(s) URLs are allowed"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "is not a valid URL"
    if not host:
        return "has no host name"
    return None


def asset_url(value, base_url=""):
    """An image URL as a page may show it: an absolute http(s) URL as it is; a site-relative
    path (`/assets/logo.png`, as the origin site's records write them) joined to `base_url`,
    or "" without one, never rendered broken."""
    url = http_url(value)
    if url:
        return url
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
        return http_url(base_url + value) if base_url else ""
    return ""
