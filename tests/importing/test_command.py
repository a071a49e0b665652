"""`manage.py import_articles`: output, options and exit codes."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ImportRun

from . import run_manage, write_article


class Terminal(io.StringIO):
    def isatty(self):
        return True


def import_articles(*args):
    """(exit code, stdout, stderr) of the command run in this process."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=stdout, stderr=stderr)
        code = 0
    except CommandError as error:
        code = error.returncode
        stderr.write(f"CommandError: {error}\n")
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def folder(tmp_path):
    write_article(tmp_path, "2024-03-01-good.md", title="Good")
    return tmp_path


@pytest.mark.django_db
def test_it_prints_one_summary_line_and_exits_0(folder):
    code, stdout, stderr = import_articles(folder)
    assert code == 0
    assert stdout.startswith(
        "1 seen, 1 created, 0 updated, 0 unchanged, 0 kept because edited, 0 failed in "
    )
    assert stdout.count("\n") == 1  # no progress bar: stdout is not a terminal
    assert stderr == ""


@pytest.mark.django_db
def test_each_failed_file_is_one_line_on_stderr_and_the_exit_code_is_1(folder):
    write_article(folder, "2024-03-02-bad.md", title="Bad", quality="high")
    (folder / "2024-03-03-worse.md").write_text("---\n- just\n- a list\n---\n")

    code, stdout, stderr = import_articles(folder)

    assert code == 1
    assert "1 created" in stdout and "2 failed" in stdout
    lines = stderr.splitlines()
    assert lines[0].startswith(
        f"error: {folder / '2024-03-02-bad.md'}:8: quality: must be a whole number"
    )
    assert lines[1].startswith(f"error: {folder / '2024-03-03-worse.md'}:2: ")
    assert "mapping" in lines[1]
    assert lines[-1] == "CommandError: 2 file(s) failed"
    assert Article.objects.get().title == "Good"


@pytest.mark.django_db
def test_warnings_are_marked_as_such_and_quiet_at_verbosity_0(folder):
    write_article(folder, "2024-03-02-odd.md", title="Odd", topics="AI")  # one text, not a list
    code, stdout, stderr = import_articles(folder)
    assert code == 0
    assert stderr.startswith(f"warning: {folder / '2024-03-02-odd.md'}:")
    assert "topics" in stderr

    write_article(folder, "2024-03-02-odd.md", title="Odder", topics="AI")
    code, stdout, stderr = import_articles(folder, "--verbosity", "0")
    assert (code, stdout, stderr) == (0, "", "")


@pytest.mark.django_db
def test_json_prints_only_a_machine_readable_summary_on_stdout(folder):
    (folder / "empty.md").write_text("")
    code, stdout, stderr = import_articles(folder, "--json")
    data = json.loads(stdout)
    assert code == 1
    assert {key: data[key] for key in ("status", "seen", "created", "failed", "dry_run")} == {
        "status": "partial",
        "seen": 2,
        "created": 1,
        "failed": 1,
        "dry_run": False,
    }
    assert data["run_id"] == ImportRun.objects.get().pk
    assert data["problems"][0]["path"] == str(folder / "empty.md")
    assert f"error: {folder / 'empty.md'}: the file is empty" in stderr


@pytest.mark.django_db
def test_dry_run_reports_what_would_happen_and_writes_no_article(folder):
    code, stdout, _ = import_articles(folder, "--dry-run")
    assert code == 0
    assert stdout.startswith("Dry run, nothing written: 1 seen, 1 created")
    assert not Article.objects.exists()
    assert ImportRun.objects.get().dry_run is True


@pytest.mark.django_db
def test_overwrite_edited_lets_the_file_replace_a_staff_edit(folder):
    import_articles(folder)
    Article.objects.update(title="Staff title", edited_by_staff=True)

    code, stdout, _ = import_articles(folder)
    assert "1 kept because edited" in stdout
    assert Article.objects.get().title == "Staff title"

    code, stdout, _ = import_articles(folder, "--overwrite-edited")
    assert "1 updated" in stdout
    assert Article.objects.get().title == "Good"


@pytest.mark.django_db
def test_a_missing_path_exits_2_naming_it(folder):
    code, stdout, stderr = import_articles(folder, folder / "missing")
    assert code == 2
    assert stderr == f"CommandError: no such file or directory: {folder / 'missing'}\n"
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_a_progress_bar_is_drawn_only_on_a_terminal(folder):
    terminal = Terminal()
    call_command("import_articles", str(folder), stdout=terminal, stderr=io.StringIO())
    bar, summary = terminal.getvalue().rsplit("\n", 2)[:2]
    assert "100%" in bar and "1/1" in bar
    assert summary.startswith("1 seen, 1 created")


def test_the_help_documents_the_exit_codes():
    code, stdout, _ = run_manage("import_articles", "--help")
    assert code == 0
    for line in (
        "0  every file imported",
        "1  some files failed",
        "2  fatal: bad arguments, a path that does not exist, the database unreachable",
        "3  another import is running",
    ):
        assert line in stdout
    assert "--dry-run" in stdout and "--overwrite-edited" in stdout and "--json" in stdout


def test_an_unreachable_database_exits_2(tmp_path):
    write_article(tmp_path, "a.md")
    code, _, stderr = run_manage(
        "import_articles", str(tmp_path), env={"DATABASE_URL": "postgres://nobody@127.0.0.1:9/x"}
    )
    assert code == 2
    assert stderr.startswith("CommandError: database error: ")


@pytest.mark.django_db(transaction=True)
def test_cron_gets_the_exit_code_and_the_summary_from_a_real_process(folder):
    (folder / "broken.md").write_text("---\ntitle: [\n---\n")
    code, stdout, stderr = run_manage("import_articles", str(folder))
    assert code == 1
    assert stdout.startswith("2 seen, 1 created")
    assert f"error: {folder / 'broken.md'}:3: invalid YAML" in stderr
    assert Article.objects.get().title == "Good"
