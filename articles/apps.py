from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "News"

    def ready(self):
        from .changes import ensure_triggers
        from .search import ensure_sqlite_triggers

        post_migrate.connect(ensure_sqlite_triggers, sender=self)
        post_migrate.connect(ensure_triggers, sender=self)
