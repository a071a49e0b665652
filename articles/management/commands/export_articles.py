"""`manage.py export_articles DIR`: the data back to files in the import formats, a backup that
`import_articles DIR` reads back."""

import os

from django.core.management.base import BaseCommand, CommandError

from articles.ingest.export_read import (
    article_records,
    provider_records,
    staff_state,
    topic_records,
)
from articles.ingest.write import (
    STAFF_STATE_FILE,
    article_text,
    named_files,
    organization_text,
    staff_state_text,
    topic_file_name,
    topic_text,
    write_atomically,
)


class Command(BaseCommand):
    help = (
        "Write every article (not the stubs known only from related lists) to DIR/articles/ "
        "as YYYY-MM-DD-<slug>.md, staff edits included, every taxonomy topic to DIR/topics/ and "
        "every provider to DIR/organizations/, in the import formats, and what staff decided "
        "(hidden, edited, merges) to DIR/_staff.yaml; `import_articles DIR` reads it all back. "
        "Files are written atomically and only when their content changed; other files in DIR "
        "are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="created if missing")

    def handle(self, directory, verbosity, **options):
        files = [
            ("articles", name, article_text(record))
            for name, record in named_files(article_records())
        ]
        topics = [
            ("topics", topic_file_name(record, slug), topic_text(record))
            for slug, record in topic_records()
        ]
        organizations = [
            ("organizations", f"{record.domain}.md", organization_text(record))
            for record in provider_records()
        ]
        state = staff_state()
        written = 0
        try:
            for folder in ("articles", "topics", "organizations"):
                os.makedirs(os.path.join(directory, folder), exist_ok=True)
            for folder, name, text in [*files, *topics, *organizations]:
                written += write_atomically(os.path.join(directory, folder), name, text)
            written += write_atomically(directory, STAFF_STATE_FILE, staff_state_text(state))
        except OSError as exc:
            where = exc.filename or directory
            raise CommandError(f"cannot write {where}: {exc.strerror}", returncode=2) from None
        if verbosity >= 1:
            total = len(files) + len(topics) + len(organizations) + 1
            self.stdout.write(
                f"{len(files)} articles, {len(topics)} topics, {len(organizations)} "
                f"organizations and the staff state exported to {directory}: {written} written, "
                f"{total - written} already up to date"
            )
