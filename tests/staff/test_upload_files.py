"""save_uploads: what an upload may write to disk (pure file handling, no database)."""

import io
import zipfile

import pytest

from articles.ingest.uploads import UploadRejected, safe_member_path, save_uploads

ARTICLE = b"---\ntitle: x\n---\n"
LIMIT = 1024


def zip_of(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def save(tmp_path, uploads, **limits):
    limits.setdefault("max_file_bytes", LIMIT)
    return save_uploads(uploads, tmp_path, **limits)


def files_under(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


def test_plain_files_keep_their_base_name(tmp_path):
    written, skipped = save(
        tmp_path,
        [("2024-01-01-a.md", io.BytesIO(ARTICLE)), ("C:\\Users\\me\\02-ai.yaml", io.BytesIO(b"x"))],
    )

    assert (written, skipped) == (["2024-01-01-a.md", "02-ai.yaml"], [])
    assert files_under(tmp_path) == ["02-ai.yaml", "2024-01-01-a.md"]
    assert (tmp_path / "2024-01-01-a.md").read_bytes() == ARTICLE


def test_a_zip_is_unpacked_into_a_folder_named_after_it(tmp_path):
    archive = zip_of(
        {
            "articles/2024-01-01-a.md": ARTICLE,
            "topics/00-ai.yaml": b"name: AI\n",
            "README.txt": b"hello",
            "__MACOSX/articles/._2024-01-01-a.md": b"junk",
            "articles/.DS_Store": b"junk",
        }
    )

    written, skipped = save(tmp_path, [("export.zip", archive)])

    assert written == ["export/articles/2024-01-01-a.md", "export/topics/00-ai.yaml"]
    assert skipped == ["README.txt"]
    assert files_under(tmp_path) == written


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("../evil.md", "points outside the archive"),
        ("articles/../../evil.md", "points outside the archive"),
        ("/etc/cron.d/evil.md", "is an absolute path"),
        ("C:/evil.md", "is an absolute path"),
        ("articles\\..\\evil.md", "backslash"),
    ],
)
def test_a_zip_with_a_hostile_name_is_refused_whole(tmp_path, member, reason):
    archive = zip_of({"articles/fine.md": ARTICLE, member: ARTICLE})

    with pytest.raises(UploadRejected, match=reason) as refused:
        save(tmp_path, [("bad.zip", archive)])

    assert "bad.zip" in str(refused.value)
    assert files_under(tmp_path) == []  # names are vetted before anything is written


def test_a_zip_bomb_is_stopped_at_the_file_limit(tmp_path):
    archive = zip_of({"bomb.md": b"0" * (LIMIT * 1000)})  # compresses to about 1 KiB

    with pytest.raises(UploadRejected, match=r"bomb.zip: bomb.md is larger than 1 KiB"):
        save(tmp_path, [("bomb.zip", archive)])


def test_a_zip_that_lies_about_its_sizes_is_still_stopped(tmp_path):
    archive = zip_of({"liar.md": b"0" * (LIMIT * 10)})
    data = bytearray(archive.getvalue())
    # Rewrite the declared uncompressed size (central directory and local header) to 10 bytes.
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = data.index(signature) + offset
        data[at : at + 4] = (10).to_bytes(4, "little")

    with pytest.raises(UploadRejected, match="larger than|cannot be read"):
        save(tmp_path, [("liar.zip", io.BytesIO(bytes(data)))])


def test_the_total_size_of_an_upload_is_capped(tmp_path):
    members = {f"{n}.md": b"x" * 600 for n in range(5)}

    with pytest.raises(UploadRejected, match="larger than"):
        save(tmp_path, [("many.zip", zip_of(members))], max_total_bytes=2000)


def test_the_number_of_files_is_capped(tmp_path):
    members = {f"{n}.md": ARTICLE for n in range(4)}

    with pytest.raises(UploadRejected, match="more than 3 files in one upload"):
        save(tmp_path, [("many.zip", zip_of(members))], max_files=3)


def test_an_oversized_plain_file_is_refused(tmp_path):
    with pytest.raises(UploadRejected, match="big.md is larger than 1 KiB"):
        save(tmp_path, [("big.md", io.BytesIO(b"x" * (LIMIT + 1)))])


@pytest.mark.parametrize("name", ["notes.txt", "script.py", ".hidden.md"])
def test_other_plain_files_are_refused_by_name(tmp_path, name):
    with pytest.raises(UploadRejected, match=rf"^{name}: not an article"):
        save(tmp_path, [(name, io.BytesIO(b"x"))])


def test_a_broken_zip_is_refused_by_name(tmp_path):
    with pytest.raises(UploadRejected, match="broken.zip is not a readable zip archive"):
        save(tmp_path, [("broken.zip", io.BytesIO(b"PK\x03\x04 not really"))])


def test_two_files_that_would_land_on_one_path_are_refused(tmp_path):
    uploads = [("a.md", io.BytesIO(ARTICLE)), ("A.md", io.BytesIO(ARTICLE))]

    with pytest.raises(UploadRejected, match="two files would both be saved as A.md"):
        save(tmp_path, uploads)


def test_safe_member_path_normalises_harmless_dots():
    assert str(safe_member_path("./articles//a.md", "x.zip")) == "articles/a.md"


LONG_NAME = "n" * 300
DEEP_PATH = "/".join(["d" * 200] * 25) + "/a.md"  # 5,000 bytes, past PATH_MAX


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        (["x.md", "x.md/y.md"], "export/x.md/y.md would be both a file and a folder"),
        (["x.md/y.md", "X.md"], "export/X.md would be both a file and a folder"),
        ([f"{LONG_NAME}/a.md"], "has a file or folder name longer than 255 bytes"),
        ([f"{LONG_NAME}.md"], "has a file or folder name longer than 255 bytes"),
        ([DEEP_PATH], "has a path longer than 800 bytes"),
    ],
)
def test_paths_the_file_system_cannot_hold_are_refused_by_name(tmp_path, members, reason):
    archive = zip_of(dict.fromkeys(members, ARTICLE))

    with pytest.raises(UploadRejected, match=reason) as refused:
        save(tmp_path, [("export.zip", archive)])

    assert str(refused.value).startswith("export.zip: ")


def test_a_plain_file_with_a_name_too_long_is_refused(tmp_path):
    with pytest.raises(UploadRejected, match="longer than 255 bytes"):
        save(tmp_path, [("é" * 200 + ".md", io.BytesIO(ARTICLE))])  # 400 bytes in UTF-8
