from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "News"

    def ready(self):
        # The story admin registers itself; the admin package should import it instead.
        from . import admin_stories  # noqa: F401
