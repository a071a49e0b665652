"""Uploaded files and zip archives → files on disk that the runner imports. Pure: no Django.

The upload is the hostile edge: names and sizes come from the browser and from zip headers, so
everything is checked before a byte is written. Whatever is refused raises UploadRejected, whose
message names the file or archive member; the caller shows it as a form error.
"""

import zipfile
from pathlib import Path, PurePosixPath

from .parse import IMPORT_SUFFIXES

MAX_UPLOAD_FILES = 5000
MAX_UPLOAD_TOTAL_BYTES = 200 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
MAX_NAME_BYTES = 255  # one file or folder name (NAME_MAX of common file systems)
# A whole relative path. The importer records each file's path, temporary folder included, in a
# column of 1,000 characters, and the operating system refuses paths past PATH_MAX (4,096 bytes).
MAX_PATH_BYTES = 800
UNREADABLE_MEMBER = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    OSError,
    EOFError,
)


class UploadRejected(ValueError):
    """The upload as a whole is refused; the message names the file or archive member."""


def _kib(size):
    return f"{size // 1024:,} KiB"


def is_importable(name):
    return PurePosixPath(name).suffix.lower() in IMPORT_SUFFIXES


def _name_problem(path):
    """Why `path` cannot be written as it is (NUL, too long), or None."""
    if "\x00" in str(path):
        return "has a NUL in its name"
    if any(len(part.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for part in path.parts):
        return f"has a file or folder name longer than {MAX_NAME_BYTES} bytes"
    if len(str(path).encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        return f"has a path longer than {MAX_PATH_BYTES} bytes"
    return None


def safe_member_path(name, archive_name):
    """The relative path a zip member may be written to, or UploadRejected.

    Hostile names (absolute, drive letters, `..`, backslashes, too long) reject the whole
    archive: an archive that contains one was not made by exporting a folder of articles.
    """
    where = f"{archive_name}: member {name!r}"
    if "\\" in name or "\x00" in name:
        raise UploadRejected(f"{where} has a backslash or NUL in its name")
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        raise UploadRejected(f"{where} is an absolute path")
    if ".." in path.parts:
        raise UploadRejected(f"{where} points outside the archive (..)")
    parts = [part for part in path.parts if part not in ("", ".")]
    if not parts:
        raise UploadRejected(f"{where} has an empty name")
    path = PurePosixPath(*parts)
    if problem := _name_problem(path):
        raise UploadRejected(f"{where} {problem}")
    return path


def _skipped_quietly(path):
    """Folders and the litter of archivers (__MACOSX/, ._resource forks, .DS_Store)."""
    return path.parts[0] == "__MACOSX" or any(part.startswith(".") for part in path.parts)


def _copy_capped(source, target_path, limit, what):
    """Copy at most `limit` bytes; UploadRejected if there are more (zip sizes can lie)."""
    written = 0
    with open(target_path, "wb") as target:
        while chunk := source.read(CHUNK_BYTES):
            written += len(chunk)
            if written > limit:
                raise UploadRejected(f"{what} is larger than {_kib(limit)}")
            target.write(chunk)
    return written


class UploadBudget:
    """Counts files and bytes across one upload, so several zips cannot add up to a bomb."""

    def __init__(self, max_file_bytes, max_files, max_total_bytes):
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.max_total_bytes = max_total_bytes
        self.files = 0
        self.total_bytes = 0

    def take_file(self, what):
        self.files += 1
        if self.files > self.max_files:
            raise UploadRejected(f"{what}: more than {self.max_files:,} files in one upload")

    def per_file_limit(self):
        return min(self.max_file_bytes, self.max_total_bytes - self.total_bytes)

    def spend(self, size):
        self.total_bytes += size


class Destination:
    """The folder an upload is written to; hands out each relative path once.

    Paths are compared case-insensitively (the files may come from a case-insensitive system),
    and no path may be both a file and a folder (`x.md` and `x.md/y.md`)."""

    def __init__(self, root):
        self.root = Path(root)
        self.files = set()
        self.folders = set()

    def claim(self, relative, what):
        """The absolute path to write `relative` to, its folders made; or UploadRejected."""
        if problem := _name_problem(relative):
            raise UploadRejected(f"{what} {problem}")
        key = PurePosixPath(str(relative).casefold())
        if key in self.files:
            raise UploadRejected(f"{what}: two files would both be saved as {relative}")
        if key in self.folders or any(parent in self.files for parent in key.parents):
            raise UploadRejected(f"{what}: {relative} would be both a file and a folder")
        self.files.add(key)
        self.folders.update(key.parents)
        target = self.root / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UploadRejected(f"{what} cannot be saved: {error.strerror}") from None
        return target


def save_uploads(
    uploads,
    destination,
    *,
    max_file_bytes,
    max_files=MAX_UPLOAD_FILES,
    max_total_bytes=MAX_UPLOAD_TOTAL_BYTES,
):
    """Write uploaded article/taxonomy files and zip archives under `destination`.

    `uploads` is a list of (name, binary file object). Plain files keep their base name; the
    members of `archive.zip` go under `archive/`. Returns (written relative paths, names of
    archive members skipped because they are not .md/.markdown/.yaml/.yml files).
    Raises UploadRejected, naming the file or member, for anything unsafe or too big.
    """
    target = Destination(destination)
    budget = UploadBudget(max_file_bytes, max_files, max_total_bytes)
    written, skipped = [], []
    for name, fileobj in uploads:
        base = PurePosixPath(name.replace("\\", "/")).name
        if base.lower().endswith(".zip"):
            written += _save_zip(base, fileobj, target, budget, skipped)
        elif is_importable(base) and not base.startswith("."):
            budget.take_file(base)
            path = target.claim(PurePosixPath(base), base)
            try:
                budget.spend(_copy_capped(fileobj, path, budget.per_file_limit(), base))
            except OSError as error:
                raise UploadRejected(f"{base} cannot be saved: {error.strerror}") from None
            written.append(base)
        else:
            raise UploadRejected(
                f"{base}: not an article or provider file (.md, .markdown), a taxonomy "
                "file (.yaml, .yml) or a .zip of them"
            )
    return written, skipped


def _save_zip(archive_name, fileobj, target, budget, skipped):
    folder = PurePosixPath(archive_name).stem or "archive"
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRejected(f"{archive_name} is not a readable zip archive") from None
    written = []
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        for info in members:
            safe_member_path(info.filename, archive_name)  # vet every name before writing any
        for info in members:
            relative = safe_member_path(info.filename, archive_name)
            what = f"{archive_name}: {relative}"
            if _skipped_quietly(relative):
                continue
            if not is_importable(relative.name):
                skipped.append(str(relative))
                continue
            if info.flag_bits & 0x1:
                raise UploadRejected(f"{what} is encrypted")
            budget.take_file(what)
            limit = budget.per_file_limit()
            if info.file_size > limit:
                raise UploadRejected(f"{what} is larger than {_kib(limit)}")
            path = target.claim(PurePosixPath(folder) / relative, what)
            try:
                with archive.open(info) as source:
                    budget.spend(_copy_capped(source, path, limit, what))
            except UNREADABLE_MEMBER as error:
                raise UploadRejected(f"{what} cannot be read: {error}") from None
            written.append(str(PurePosixPath(folder) / relative))
    return written
