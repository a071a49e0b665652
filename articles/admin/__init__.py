"""The staff side: the Django admin, made for editors curating 100,000+ articles.

What an admin action does to the data lives in articles/curation.py; this package only wires it
to screens, one module per area: `base` (what every screen shares), `articles`,
`topics_providers` (with merges and aliases), `imports` (runs and the upload), `stories` (merge
and split) and `site` (titles and the index). Importing the package registers every ModelAdmin.
"""

from . import articles, imports, site, stories, topics_providers  # noqa: F401
