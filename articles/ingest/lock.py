"""One import at a time, with a lock that the OS or the database drops when its holder dies.

PostgreSQL: a session advisory lock taken on a connection of its own, so nothing Django does to
the default connection (closing it between requests, a rollback) can release it early; the server
releases it when that connection ends, also when the process is killed.
SQLite: `flock` on settings.NEWSROOM_IMPORT_LOCK_PATH; the kernel releases it with the process.
Neither leaves a stale lock behind, so there is nothing to clean up by hand after a crash; and
the import's parse workers die with it (`die_with_parent`).
"""

import ctypes
import fcntl
import os
import signal
import zlib
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
# Any fixed 64-bit number works; deriving it from a name keeps it recognisable in pg_locks.
ADVISORY_LOCK_KEY = zlib.crc32(b"newsroom import_articles")


class ImportLocked(Exception):
    """Another import holds the lock."""


@contextmanager
def import_lock(alias=DEFAULT_DB_ALIAS):
    """Hold the import lock for the `with` block, or raise ImportLocked at once."""
    if connections[alias].vendor == "postgresql":
        with advisory_lock(alias):
            yield
    else:
        with file_lock(Path(settings.NEWSROOM_IMPORT_LOCK_PATH)):
            yield


@contextmanager
def advisory_lock(alias=DEFAULT_DB_ALIAS):
    connection = connections.create_connection(alias)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            (locked,) = cursor.fetchone()
        if not locked:
            raise ImportLocked(
                "another import is running (it holds the PostgreSQL advisory lock "
                f"{ADVISORY_LOCK_KEY}); try again when it has finished"
            )
        try:
            yield
        finally:
            # Released here rather than by closing: the server ends a closed session a moment
            # later, and an import starting in that moment would find the lock still held.
            # (Should this fail, closing the connection below releases it all the same.)
            with suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
    finally:
        connection.close()


@contextmanager
def file_lock(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise ImportLocked(
                f"another import is running (process {holder} holds {path}); "
                "try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


GROUPING_NICENESS = 10  # the story grouping process runs below the import's other processes


def die_with_parent(parent_pid, niceness=0):
    """Run first in each worker process: the kernel kills the worker when the import process
    dies (even by SIGKILL), so no worker outlives it holding pipes open. Linux only; elsewhere a
    worker ends when it finds its task queue gone. `niceness` lowers the worker's priority."""
    if niceness:
        os.nice(niceness)
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the import died before prctl took effect
        os._exit(1)
