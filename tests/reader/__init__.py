"""Tests of the reader pages: list, detail, topics, providers."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts at data version 0 in a new database, so cached figures must not carry
    over from the test before (in production every import bumps the version instead)."""
    cache.clear()
    yield
    cache.clear()
