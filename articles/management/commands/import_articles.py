"""`manage.py import_articles PATH…`: a thin command over articles.ingest.runner.run_import."""

import argparse
import json

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.db import DatabaseError

from articles.ingest.records import Severity
from articles.ingest.runner import ImportLocked, ImportPathError, run_import

EXIT_CODES = """\
exit codes:
  0  every file imported (or unchanged, or kept because staff edited it)
  1  some files failed; each is named on stderr, the others were imported
  2  fatal: bad arguments, a path that does not exist, the database unreachable
  3  another import is running; nothing was done (run again later)
"""


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's option order, with the exit-code table kept as written."""


class Command(BaseCommand):
    help = (
        "Import article files (*.md, *.markdown) and taxonomy files (*.yaml, *.yml, "
        "organization *.md) from files and directories (recursively). Unchanged files are "
        "skipped by content hash; every run is recorded as an import run."
    )
    # Cron runs this every few minutes, and the system checks (which import every URL, view
    # and admin) would take longer than importing 10,000 unchanged files: `check` runs them.
    requires_system_checks = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(
            prog_name, subcommand, epilog=EXIT_CODES, formatter_class=HelpFormatter, **kwargs
        )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="validate and report what would change, writing nothing but the run record",
        )
        parser.add_argument(
            "--overwrite-edited",
            action="store_true",
            help="let the files replace articles staff have edited (kept by default)",
        )
        parser.add_argument(
            "--no-stories",
            action="store_false",
            dest="group_stories",
            help="leave the new articles out of stories for now (a large backfill): "
            "`manage.py group_stories` groups them later",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="print a machine-readable summary on stdout instead of the summary line",
        )

    def handle(
        self, *, paths, dry_run, overwrite_edited, group_stories, as_json, verbosity, **options
    ):
        progress = None
        if self.stdout.isatty() and not as_json:
            # The raw stream: OutputWrapper.write would end each redraw of the bar with "\n".
            progress = ProgressBar(self.stdout._out)
        try:
            result = run_import(
                paths,
                dry_run=dry_run,
                overwrite_edited=overwrite_edited,
                group_stories=group_stories,
                progress=progress,
            )
        except ImportPathError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except ImportLocked as exc:
            raise CommandError(str(exc), returncode=3) from None
        except DatabaseError as exc:
            raise CommandError(f"database error: {exc}", returncode=2) from None
        finally:
            if progress is not None:
                progress.close()

        for problem in result.problems:
            if problem.severity == Severity.ERROR:
                self.stderr.write(f"error: {problem}")
            elif verbosity >= 1:
                self.stderr.write(f"warning: {problem}", style_func=self.style.WARNING)
        if verbosity >= 2:
            for skipped in result.skipped_files:
                self.stderr.write(f"skipped: {skipped.path}: {skipped.message}")
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        elif verbosity >= 1:
            self.stdout.write(result.summary_line())
        if result.failed:
            raise CommandError(f"{result.failed} file(s) failed", returncode=1)


class ProgressBar:
    """A tqdm bar, created on the first call once the number of files is known."""

    def __init__(self, stream):
        self.stream = stream
        self.bar = None

    def __call__(self, done, total):
        if self.bar is None:
            from tqdm import tqdm  # only for a terminal: cron never pays for importing it

            self.bar = tqdm(total=total, unit="file", file=self.stream, mininterval=0.2)
        self.bar.update(done - self.bar.n)

    def close(self):
        if self.bar is not None:
            self.bar.close()
