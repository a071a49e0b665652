"""Loaded by pytest before Django starts (``-p tests.environment`` in pyproject.toml).

The settings refuse to run without a secret key outside debug; tests get a throwaway one here
so that a bare ``pytest`` works the same as ``make test``.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-tests-only")
