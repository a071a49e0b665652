"""Cached figures that stay fresh across processes.

The importer runs in another process than the web workers (and, in production, on other hosts),
so nothing may be cached under a key that an import cannot invalidate. Every cached value is keyed
by the data version: one row in the database that every import batch and every staff edit bumps.
Reading it is one cheap query; a bump makes every older key unreachable in every process at once.
"""

import hashlib

from django.core.cache import cache
from django.db.models import F, Subquery

from .models import ArticleChange, DataVersion

TIMEOUT_SECONDS = 300


def current_data_version():
    row = DataVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return row or 0


def bump_data_version():
    """Call inside the transaction that changed the data, so the bump commits with it.

    It also stamps the transaction's logged article changes (articles/changes.py) with the new
    version. The bump locks the version row until commit, so overlapping writers take turns
    and a stamp is never older than a version a reader has already seen.
    """
    if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"version": 1})
    ArticleChange.objects.filter(version__isnull=True).update(
        version=Subquery(DataVersion.objects.filter(pk=1).values("version"))
    )


def cached(name, compute, *, version=None, timeout=TIMEOUT_SECONDS):
    """`compute()` cached under `name` for the current data version."""
    if version is None:
        version = current_data_version()
    key = f"newsroom:{name}:v{version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def digest(*parts):
    """A short, stable cache-key part for any parts (an audience, filter pairs, a scope)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
