"""`manage.py group_stories [--regroup]`: group the articles no import has grouped yet (after the
migration that added stories, for instance), or all of them again; then list the largest stories."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from articles.ingest.lock import ImportLocked, import_lock
from articles.models import Story
from articles.story_store import group_new_articles, regroup


class Command(BaseCommand):
    help = (
        "Group articles into stories (imports do this after each batch). With --regroup, every "
        "story is built again from scratch, except where staff split or merged."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--regroup", action="store_true", help="rebuild every story not pinned by staff"
        )
        parser.add_argument(
            "--top", type=int, default=10, metavar="N", help="list the N largest stories"
        )

    def handle(self, *, top=10, verbosity=1, **options):
        try:
            with import_lock():
                looked_at = regroup() if options["regroup"] else group_new_articles()
        except ImportLocked as exc:
            raise CommandError(str(exc)) from None
        if verbosity < 1:
            return
        stories = Story.objects.annotate(size=Count("articles")).order_by("-size", "pk")
        self.stdout.write(
            f"{looked_at} articles grouped; {stories.count()} stories of two articles or more"
        )
        for story in stories[:top]:
            self.stdout.write(f"  {story.size:>4}  #{story.pk}  {story.title}")
