"""Which links may be rendered: absolute http(s) URLs only (never javascript: or data:).

Pure Python, no Django: the importer, the Markdown renderer, templates and the admin share it.
Imports already refuse other schemes; rendering checks again as the second line of defence.
"""

from urllib.parse import urlsplit

LINK_SCHEMES = ("http", "https")


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
