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
