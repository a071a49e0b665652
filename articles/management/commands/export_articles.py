"""`manage.py export_articles DIR`: every full article back to a file in the import format."""

import os

from django.core.management.base import BaseCommand, CommandError

from articles.ingest.export_read import article_records
from articles.ingest.write import article_text, unique_file_names, write_atomically


class Command(BaseCommand):
    help = (
        "Write every article (not the stubs known only from related lists) to DIR as "
        "YYYY-MM-DD-<slug>.md in the import format, staff edits included. Files are written "
        "atomically and only when their content changed; other files in DIR are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="created if missing")

    def handle(self, directory, verbosity, **options):
        records = list(article_records())
        names = unique_file_names((record.published_at, slug) for slug, record in records)
        written = 0
        try:
            os.makedirs(directory, exist_ok=True)
            for name, (_, record) in zip(names, records, strict=True):
                written += write_atomically(directory, name, article_text(record))
        except OSError as exc:
            where = exc.filename or directory
            raise CommandError(f"cannot write {where}: {exc.strerror}", returncode=2) from None
        if verbosity >= 1:
            self.stdout.write(
                f"{len(records)} articles exported to {directory}: {written} written, "
                f"{len(records) - written} already up to date"
            )
