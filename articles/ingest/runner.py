"""The import run: walk the paths, skip the files whose size and times are as last imported,
read, hash and parse the rest (on every core when there are many, while this process stores the
parsed ones in batches), and record it all as an ImportRun.

    result = run_import(["corpus/"], dry_run=False, overwrite_edited=False)

The `import_articles` command and the admin upload both call `run_import`. It raises ImportPathError
for a path that does not exist and ImportLocked when another import is running; everything that is
wrong with a single file becomes a Problem in the result instead.
"""

import gc
import os
import time
from collections import deque
from contextlib import suppress
from dataclasses import dataclass, field
from operator import attrgetter

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from articles import stories
from articles.models import ImportProblem, ImportRun, ImportStatus, ImportTrigger, SourceFile
from articles.story_store import group_new_articles, next_chunk, store_grouping

from ..batching import chunked
from . import staff_state
from .lock import GROUPING_NICENESS, ImportLocked, die_with_parent, import_lock
from .parse import IMPORT_SUFFIXES, parse_file
from .read import read_and_parse, read_file
from .records import Problem, Severity, StaffStateRecord, UnsupportedRecord
from .rows import update_rows
from .upsert import Outcome, ParsedFile, store_batch

__all__ = ["ImportLocked", "ImportPathError", "ImportResult", "run_import"]

MAX_PATH_LENGTH = 1000  # SourceFile.path and ImportProblem.path

BATCH_SIZE = 1000  # files per write transaction (~0.3 s): no reader or editor waits longer
PROGRESS_EVERY = 1.0  # seconds between writes of the run's counts and problems
LOOKUP_SIZE = 500  # up to this many files are looked up by path; more, by reading the whole table
RESTAMP_SIZE = 500  # unchanged files re-stamped with their new times in one statement
PARALLEL_FROM = 1000  # parse in worker processes from this many files (they take ~0.2 s to start)
PARSE_WINDOW = 256  # files handed to the workers at a time
WINDOWS_IN_FLIGHT = 8  # windows parsed ahead of the one being stored (bounds the memory held)
PARSE_CHUNK = 32  # files per task sent to one worker
RACY_SECONDS = 2  # a file changed this recently before the run is hashed again next time
INTERRUPTED = "interrupted: the import stopped before finishing (killed, or the machine went down)"


class ImportPathError(Exception):
    """A path given to the import does not exist (or no path was given)."""


@dataclass
class ImportResult:
    run_id: int | None = None
    status: str = ImportStatus.RUNNING
    dry_run: bool = False
    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_edited: int = 0
    failed: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Files passed over: by the walk (hidden, no import suffix) or of a kind not imported.
    skipped_files: list[Problem] = field(default_factory=list)
    duration: float = 0.0

    def summary_line(self):
        prefix = "Dry run, nothing written: " if self.dry_run else ""
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        return (
            f"{prefix}{self.seen} seen, {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.kept_edited} kept because edited, "
            f"{self.failed} failed{skipped} in {self.duration:.2f}s"
        )

    def as_dict(self):
        return {
            "run_id": self.run_id,
            "status": str(self.status),
            "dry_run": self.dry_run,
            "seen": self.seen,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "kept_edited": self.kept_edited,
            "failed": self.failed,
            "skipped": self.skipped,
            "duration_seconds": round(self.duration, 3),
            "problems": [
                {
                    "path": problem.path,
                    "field": problem.field,
                    "line": problem.line,
                    "message": problem.message,
                    "severity": str(problem.severity),
                }
                for problem in self.problems
            ],
            "skipped_files": [
                {"path": skipped.path, "reason": skipped.message} for skipped in self.skipped_files
            ],
        }


def run_import(
    paths,
    *,
    dry_run=False,
    overwrite_edited=False,
    group_stories=True,
    trigger=ImportTrigger.COMMAND,
    user=None,
    progress=None,
):
    """Import the files under `paths`; returns an ImportResult. `progress(done, total)` is called
    as files are processed. Without `group_stories`, new articles wait for `group_stories`."""
    paths = [os.fspath(path) for path in paths]
    if not paths:
        raise ImportPathError("give at least one file or directory to import")
    missing = [path for path in paths if not os.path.lexists(path)]
    if missing:
        raise ImportPathError(f"no such file or directory: {', '.join(map(printable, missing))}")
    with import_lock():
        ImportRun.objects.filter(status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(), message=INTERRUPTED
        )
        run = ImportRun.objects.create(
            started_at=timezone.now(),
            trigger=trigger,
            user=user,
            paths=[printable(path) for path in paths],
            dry_run=dry_run,
            overwrite_edited=overwrite_edited,
        )
        importer = Importer(
            run,
            overwrite_edited=overwrite_edited,
            group_stories=group_stories and not dry_run,
            progress=progress,
        )
        # The import makes many small objects, so the garbage collector runs often; frozen, the
        # process's long-lived objects (Django, its models, modules) are not scanned each time.
        gc.freeze()
        try:
            importer.run(paths)
            if importer.result.created or importer.result.updated:
                refresh_planner_statistics()
        except BaseException as exc:
            with suppress(DatabaseError):  # when the database is what failed, it stays "running"
                importer.finish(ImportStatus.FAILED, f"stopped: {type(exc).__name__}: {exc}"[:2000])
            raise
        finally:
            gc.unfreeze()
        return importer.result


def refresh_planner_statistics():
    """SQLite chooses indexes from statistics that only ANALYZE gathers (PostgreSQL's autovacuum
    does this by itself); without them some filtered reader pages pick a slow plan after a large
    import. The analysis limit samples each index, so this stays well under a second."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")


class Importer:
    def __init__(self, run, *, overwrite_edited, group_stories, progress):
        self.run_row = run
        self.overwrite_edited = overwrite_edited
        self.grouping = StoryGrouping() if group_stories else None
        self.progress = progress
        self.max_bytes = settings.NEWSROOM_IMPORT_MAX_BYTES
        self.result = ImportResult(run_id=run.pk, dry_run=run.dry_run)
        self.unsaved_problems = []
        self.staff_files = []  # (file, aliases changed, problems), their marks still to store
        self.total = 0
        self.started = self.progress_saved = time.monotonic()
        self.racy_from_ns = time.time_ns() - RACY_SECONDS * 1_000_000_000

    def run(self, paths):
        files, refused, skipped = collect(paths)
        try:
            self.store_all(files, refused, skipped)
        finally:
            if self.grouping:
                self.grouping.stop_process()
        self.finish(ImportStatus.PARTIAL if self.result.failed else ImportStatus.SUCCESS)

    def store_all(self, files, refused, skipped):
        self.total = len(files) + len(refused)
        self.result.skipped += len(skipped)
        self.result.skipped_files += skipped
        # A file passed over in a folder of records is likely a record misnamed: said aloud.
        self.add_problems([problem for problem in skipped if problem.field == "name"])
        for problem in refused:
            self.add(Outcome.FAILED, [problem])
        batch, restamp = [], []
        for job, content_hash, record, problems in self.parse(self.jobs(files), len(files)):
            if content_hash is not None and content_hash == job.previous_hash:
                # Touched but not changed: stamped with its new times, so next time it is not read.
                self.add_unchanged()
                restamp.append(dict(zip(STAT_COLUMNS, (job.previous_id, *job.stat), strict=True)))
                if len(restamp) >= RESTAMP_SIZE:
                    self.restamp(restamp)
                    restamp = []
                continue
            if record is None:
                self.add(Outcome.FAILED, problems)
                continue
            if isinstance(record, UnsupportedRecord):
                self.result.skipped_files += problems
                self.add(Outcome.SKIPPED, problems)
                continue
            if isinstance(record, StaffStateRecord):
                if batch:  # what comes before it in path order is stored first
                    self.store(batch)
                    batch = []
                file = ParsedFile(job.path, content_hash, record, job.stat)
                self.staff_aliases(file, problems)
                continue
            self.add_problems(problems)  # warnings; the file's outcome comes from storing
            batch.append(ParsedFile(job.path, content_hash, record, job.stat))
            if len(batch) >= BATCH_SIZE:
                self.store(batch)
                batch = []
        if batch:
            self.store(batch)
        self.restamp(restamp)
        for file, changed, problems in self.staff_files:
            marked, more = staff_state.store_marks(file, dry_run=self.result.dry_run)
            self.add(Outcome.UPDATED if changed or marked else Outcome.UNCHANGED, problems + more)
        if self.grouping:
            self.grouping.finish()
            group_new_articles()  # and any left out before (an import with --no-stories)

    def staff_aliases(self, file, warnings):
        """An export's staff state: its aliases now, its marks once every article is stored.
        An upload cannot carry one: staff decide those in the admin."""
        if self.run_row.trigger != ImportTrigger.COMMAND:
            note = "staff state is read only by the import_articles command; skipped"
            skipped = Problem(file.path, note, field="taxonomy", severity=Severity.WARNING)
            self.result.skipped_files.append(skipped)
            self.add(Outcome.SKIPPED, [*warnings, skipped])
            return
        changed, problems = staff_state.store_aliases(file, dry_run=self.result.dry_run)
        self.staff_files.append((file, changed, warnings + problems))

    def jobs(self, files):
        """A Job for each file to read; the others are counted as unchanged without being read:
        those whose size, mtime and ctime are as recorded. This, a stat and one query (two for a
        few files), is all an import of unchanged files does."""
        keys = [printable(path) for path in files]
        known = self.previous_files(keys)
        racy_from_ns = self.racy_from_ns
        for path, key in zip(files, keys, strict=True):
            if len(key) > MAX_PATH_LENGTH:
                too_long = f"path longer than {MAX_PATH_LENGTH} characters; not read"
                self.add(Outcome.FAILED, [Problem(key, too_long)])
                continue
            previous = known.get(key)
            stat = file_stat(path, racy_from_ns)
            if previous is None:
                yield Job(key, path, stat)
            elif stat[0] is not None and stat == previous[2:]:
                self.add_unchanged()
            else:
                yield Job(key, path, stat, previous[1], previous[0])

    def previous_files(self, keys):
        """{path: (id, hash, size, mtime_ns, ctime_ns)} of the files stored before, except those
        whose article staff have edited since: such a file is read again, so that the edit is
        kept (and counted as kept) or, with --overwrite-edited or once staff untick "edited",
        replaced by the file. For many files, one read of the whole table is cheaper than
        looking each up by path."""
        rows = (
            SourceFile.objects.exclude(article__edited_by_staff=True)
            .exclude(article__updated_at__gt=F("article__last_imported_at"))
            .values_list("path", "id", "content_hash", *STAT_COLUMNS[1:])
        )
        if len(keys) <= LOOKUP_SIZE:
            rows = rows.filter(path__in=keys)
        return {path: tuple(values) for path, *values in rows.iterator(chunk_size=10_000)}

    def restamp(self, rows):
        if rows and not self.result.dry_run:
            update_rows(SourceFile, rows)

    def parse(self, jobs, file_count):
        """(job, content hash, record, problems) for each job, in order: read and parsed here,
        or on worker processes when there are many files."""
        workers = worker_count()
        if workers > 1 and file_count >= PARALLEL_FROM:
            # Stories are grouped on a process of their own too, started with the parse workers.
            on_start = self.grouping.start_process if self.grouping else None
            return ParallelParser(workers, self.max_bytes, on_start=on_start).parse(jobs)
        return (
            (job, *read_and_parse_safely(job, self.max_bytes, parse_file, read_file))
            for job in jobs
        )

    def store(self, batch):
        for outcome in store_batch(
            batch, overwrite_edited=self.overwrite_edited, dry_run=self.result.dry_run
        ):
            self.add(outcome.action, outcome.problems)
        if self.grouping:
            self.grouping.after_batch()
        if time.monotonic() - self.progress_saved >= PROGRESS_EVERY:
            self.save_progress()

    def add_unchanged(self):
        """add(Outcome.UNCHANGED, []), made cheap: an unchanged run counts 100,000 of these."""
        self.result.seen += 1
        self.result.unchanged += 1
        if self.progress is not None:
            self.progress(self.result.seen, self.total)

    def add(self, outcome: Outcome, problems):
        result = self.result
        result.seen += 1
        # Each outcome has its count of the same name (ImportResult and ImportRun).
        setattr(result, outcome.value, getattr(result, outcome.value) + 1)
        self.add_problems(problems)
        if self.progress is not None:
            self.progress(result.seen, self.total)

    def add_problems(self, problems):
        self.result.problems += problems
        self.unsaved_problems += problems

    def save_progress(self, **run_fields):
        """Write the problems found so far and the counts (about once a second), so staff can
        follow a long run and a killed run still shows most of what it had done."""
        result = self.result
        with transaction.atomic():
            ImportProblem.objects.bulk_create(
                [problem_row(self.run_row, problem) for problem in self.unsaved_problems]
            )
            ImportRun.objects.filter(pk=self.run_row.pk).update(
                seen=result.seen,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                kept_edited=result.kept_edited,
                failed=result.failed,
                skipped=result.skipped,
                **run_fields,
            )
        self.unsaved_problems = []
        self.progress_saved = time.monotonic()

    def finish(self, status, message=""):
        self.result.status = status
        self.result.duration = time.monotonic() - self.started
        self.save_progress(
            status=status,
            finished_at=timezone.now(),
            duration_seconds=self.result.duration,
            message=message or self.result.summary_line(),
        )


class StoryGrouping:
    """Groups each stored batch's new articles into stories (articles/story_store.py).

    On a large import the grouping itself (stories.group: pure, most of the work) runs on a
    process of its own while this one stores the next batch; reading the articles and storing
    the stories stay here, in order. Should that process fail, or staff move a story in between,
    the articles are grouped here instead.
    """

    def __init__(self):
        self.pool = None  # started with the parse workers (a run that parses nothing has none)
        self.pending = None  # (chunk, future) of the batch stored last

    def start_process(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.pool = ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=die_with_parent,
            # Behind the parse workers and this process, which the import waits for: it mostly
            # uses the CPU they leave, and the import seldom waits for it.
            initargs=(os.getpid(), GROUPING_NICENESS),
        )
        # Now, so that it loads its libraries while the first batch is parsed and stored.
        self.pool.submit(stories.load_libraries)

    def stop_process(self):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def after_batch(self):
        self.finish()
        if self.pool is None:
            group_new_articles()
            return
        chunk = next_chunk()
        if chunk is not None:
            future = self.pool.submit(stories.group, chunk.new_items, chunk.known_items)
            self.pending = chunk, future

    def finish(self):
        """Store the grouping of the batch before, once it is done."""
        if self.pending is None:
            return
        from concurrent.futures import CancelledError
        from concurrent.futures.process import BrokenProcessPool

        chunk, future = self.pending
        self.pending = None
        try:
            grouping = future.result()
        except (BrokenProcessPool, CancelledError):
            self.stop_process()
            grouping = None
        if grouping is None or not store_grouping(chunk, grouping):
            group_new_articles()


# Finding and reading files ------------------------------------------------------------------


@dataclass
class Job:
    path: str  # printable(source): how the file is named in the database and in messages
    source: str  # the path to open
    stat: tuple  # (size, mtime_ns, ctime_ns) before reading
    previous_hash: str | None = None  # as last imported
    previous_id: int | None = None  # its SourceFile


STAT_COLUMNS = ("id", "size", "mtime_ns", "ctime_ns")


def file_stat(path, racy_from_ns):
    """(size, mtime_ns, ctime_ns) of the file itself (never a link's target), or Nones. Any
    write changes the ctime, even one that puts the old size and mtime back (`rsync -t`).

    Nones too for a file changed since `racy_from_ns`: file times tick in steps of a few
    milliseconds, so a second write right after this read could leave all three the same."""
    try:
        info = os.lstat(path)
    except OSError:
        return (None, None, None)
    if max(info.st_mtime_ns, info.st_ctime_ns) >= racy_from_ns:
        return (None, None, None)
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def collect(paths):
    """(files to read, problems, skipped): every import file under `paths`, in sorted path
    order; errors for the paths refused; warnings naming what the walk passed over.

    Symbolic links are reported and never followed, except a directory named in `paths`; names
    starting with a dot (.git, editor swap files) and files without an import suffix are
    skipped, and a skipped file in a folder named like the records' (`organizations/`,
    `topics/`) is reported with field "name", as likely misnamed.
    """
    files, problems, skipped = set(), [], []
    for given in paths:
        path = os.path.abspath(given)
        if os.path.isdir(path):
            walk(path, files, problems, skipped)
        elif os.path.islink(path):
            problems.append(Problem(printable(path), "is a symbolic link; not followed"))
        elif not path.lower().endswith(IMPORT_SUFFIXES):
            problems.append(
                Problem(
                    printable(path),
                    "is not an article (.md, .markdown) or taxonomy (.yaml, .yml) file",
                )
            )
        else:
            files.add(path)
    by_path = attrgetter("path")
    return sorted(files), sorted(problems, key=by_path), sorted(skipped, key=by_path)


RECORD_FOLDERS = {"organizations": ".md", "topics": ".yaml"}


def walk(directory, files, problems, skipped):
    pending = [directory]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as exc:
            problems.append(Problem(printable(current), f"cannot be read: {exc.strerror}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                skipped.append(skip(entry.path, "hidden (its name starts with a dot)"))
                continue
            wanted = entry.name.lower().endswith(IMPORT_SUFFIXES)
            if entry.is_symlink():
                if wanted or os.path.isdir(entry.path):
                    problems.append(
                        Problem(printable(entry.path), "is a symbolic link; not followed")
                    )
                else:
                    skipped.append(skip(entry.path, "a symbolic link to a non-import file"))
            elif entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            elif wanted:
                files.add(entry.path)  # a FIFO or device is refused when it is read
            elif suffix := RECORD_FOLDERS.get(os.path.basename(current)):
                note = f"has no {suffix} extension, so it is not imported (rename it to import it)"
                skipped.append(skip(entry.path, note, field="name"))
            else:
                skipped.append(skip(entry.path, "not an import file (.md, .markdown, .yaml, .yml)"))


def skip(path, reason, field=""):
    return Problem(printable(path), reason, field=field, severity=Severity.WARNING)


def printable(path):
    """The path as text a database can hold: undecodable bytes of a file name become \\xNN."""
    return path.encode("utf-8", "backslashreplace").decode("utf-8")


def problem_row(run, problem):
    return ImportProblem(
        run=run,
        path=problem.path if len(problem.path) <= 1000 else "…" + problem.path[-999:],
        field=problem.field[:200],
        line=problem.line,
        message=problem.message.replace("\x00", ""),
        severity=problem.severity,
    )


# Parsing ------------------------------------------------------------------------------------


def worker_count():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def read_and_parse_safely(job, max_bytes, parse, read):
    """read_and_parse, with a bug in it reported against the file instead of ending the run."""
    try:
        return read_and_parse(job.source, job.path, max_bytes, job.previous_hash, parse, read)
    except Exception as exc:
        return None, None, [Problem(job.path, f"could not be parsed ({type(exc).__name__}: {exc})")]


class ParallelParser:
    """read_and_parse on worker processes, results in the order of the jobs.

    While the workers read and parse the next windows of files, this process stores the last
    ones, so parsing and writing overlap. Workers are started fresh ("spawn"), when the first
    file needs reading: they share nothing with this process (no database connection, no lock).
    A worker that dies (a crash in a C library) costs only the file that killed it: the pool is
    restarted and the window retried file by file.
    """

    def __init__(self, workers, max_bytes, *, on_start=None):
        self.workers = workers
        self.max_bytes = max_bytes
        self.on_start = on_start  # called once, when the first file needs reading
        self.pool = None

    def start(self):
        # Imported here: an import of unchanged files never starts a worker.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        )

    def parse(self, jobs):
        in_flight = deque()
        try:
            for window in chunked(jobs, PARSE_WINDOW):
                if self.pool is None:
                    self.start()
                    if self.on_start is not None:
                        self.on_start()
                in_flight.append(self.submit(window))
                if len(in_flight) > WINDOWS_IN_FLIGHT:
                    yield from self.results_of(*in_flight.popleft())
            while in_flight:
                yield from self.results_of(*in_flight.popleft())
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)

    def submit(self, window):
        count = len(window)
        results = self.pool.map(
            read_and_parse,
            [job.source for job in window],
            [job.path for job in window],
            [self.max_bytes] * count,
            [job.previous_hash for job in window],
            [parse_file] * count,
            [read_file] * count,
            chunksize=PARSE_CHUNK,
        )
        return window, results

    def results_of(self, window, results):
        from concurrent.futures.process import BrokenProcessPool

        done = 0
        try:
            for result in results:
                yield window[done], *result
                done += 1
        except BrokenProcessPool:
            self.restart()
        except Exception:  # noqa: S110 - a parser bug: the files are retried one at a time below
            pass
        for job in window[done:]:
            yield job, *self.parse_alone(job)

    def parse_alone(self, job):
        from concurrent.futures.process import BrokenProcessPool

        args = (job.source, job.path, self.max_bytes, job.previous_hash, parse_file, read_file)
        try:
            return self.pool.submit(read_and_parse, *args).result()
        except BrokenProcessPool:
            self.restart()
            return None, None, [Problem(job.path, "crashed the parser; not imported")]
        except Exception as exc:
            message = f"could not be parsed ({type(exc).__name__}: {exc})"
            return None, None, [Problem(job.path, message)]

    def restart(self):
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.start()
