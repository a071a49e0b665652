"""Reading one file for the import, and reading + hashing + parsing it on a parse worker. No
Django here: the workers import only this, `parse` and what they need.
"""

import hashlib
import os
import stat

from ..markdown import render_markdown
from .records import ArticleRecord, Problem


class Refused(Exception):
    """A file that is not read (or not fully): the message says why."""


def read_file(path, max_bytes):
    """The file's bytes; Refused for a link, anything but a regular file, or one over
    `max_bytes` (which is refused from its size, without reading it)."""
    try:
        refuse_unless_regular(os.lstat(path), max_bytes)
        # O_NOFOLLOW: it may have become a link since lstat. O_NONBLOCK: or a FIFO, which
        # would block the open; fstat below refuses it either way.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise Refused(f"cannot be read: {exc.strerror}") from None
    try:
        size = refuse_unless_regular(os.fstat(fd), max_bytes)
        data = os.read(fd, size + 1)  # one call for the whole file, unless it is growing
        while len(data) > size:
            if len(data) > max_bytes:
                raise Refused(f"grew past the {max_bytes:,} byte limit while read; not imported")
            more = os.read(fd, max_bytes + 1 - len(data))
            if not more:
                break
            data += more
        return data
    except OSError as exc:
        raise Refused(f"cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)


def refuse_unless_regular(info, max_bytes):
    """The file's size, or Refused."""
    if stat.S_ISLNK(info.st_mode):
        raise Refused("is a symbolic link; not followed")
    if not stat.S_ISREG(info.st_mode):
        raise Refused("is not a regular file (a device, pipe or socket); not read")
    if info.st_size > max_bytes:
        raise Refused(f"is {info.st_size:,} bytes, over the {max_bytes:,} byte limit; not read")
    return info.st_size


def read_and_parse(source, path, max_bytes, previous_hash, parse, read):
    """Read, hash and parse one file (on a worker, or in this process): (content hash, record,
    problems). A file whose hash is `previous_hash` is not parsed (None, []); one that cannot be
    read gives no hash. `parse` and `read` are parse_file and read_file (passed in, so that a
    worker runs the same functions as this process)."""
    try:
        data = read(source, max_bytes)
    except Refused as refusal:
        return None, None, [Problem(path, str(refusal))]
    content_hash = hashlib.sha256(data).hexdigest()
    if content_hash == previous_hash:
        return content_hash, None, []
    record, problems = parse(data, path)
    if isinstance(record, ArticleRecord):
        # Rendered here, on a worker when there are many files, not by the process that writes.
        record.body_html = render_markdown(record.body)
    return content_hash, record, problems
