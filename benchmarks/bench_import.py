"""Import speed on a fresh SQLite file database, against the parse-only ceiling.

    python benchmarks/bench_import.py [--files 10000]

Prints, for N generated files: the ceiling (a bare loop that reads each file and loads its front
matter with yaml.CSafeLoader, on one core), then the first import, a re-import of the unchanged
files, and a re-import after 10% of the files changed, each in files/s and as a ratio to the
ceiling. Goals: first import ≥ 0.5× the ceiling, unchanged re-import ≥ 5×.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def parse_only(paths):
    import yaml

    for path in paths:
        text = path.read_bytes().decode("utf-8")
        end = text.find("\n---", 3)
        yaml.load(text[4:end], Loader=yaml.CSafeLoader)  # noqa: S506 - CSafeLoader is safe


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
        scratch = Path(scratch)
        # A database of its own, never the development one; set before Django reads settings.
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
        os.environ["NEWSROOM_IMPORT_LOCK_PATH"] = str(scratch / "import.lock")
        os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-benchmarks-only")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        from django.core.management import call_command

        from articles.ingest.runner import run_import
        from benchmarks.generate import change, generate

        call_command("migrate", verbosity=0)
        files = scratch / "articles"
        paths = generate(files, args.files)
        count = len(paths)
        print(f"Import benchmark: {count:,} generated files, SQLite, {os.cpu_count()} cores")

        ceiling_seconds, _ = timed(parse_only, paths)
        ceiling = count / ceiling_seconds
        print(f"  parse-only ceiling (read + CSafeLoader) {ceiling:>9,.0f} files/s")

        def report(label, seconds, result, goal=None):
            rate = count / seconds
            line = f"  {label:<38} {rate:>9,.0f} files/s  {rate / ceiling:5.2f}× ceiling"
            if goal:
                line += f"  (goal ≥ {goal}×)"
            print(f"{line}  [{result.summary_line()}]")

        seconds, result = timed(run_import, [files])
        report("first import", seconds, result, 0.5)
        seconds, result = timed(run_import, [files])
        report("re-import, unchanged", seconds, result, 5)
        command = [sys.executable, str(REPO / "manage.py"), "import_articles", "-v0", str(files)]
        started = time.perf_counter()
        subprocess.run(command, check=True)
        seconds = time.perf_counter() - started
        print(f"  {'re-import, unchanged, whole process':<38} {seconds:>9.2f} s")
        change(paths, 0.10)
        seconds, result = timed(run_import, [files])
        report("re-import, 10% changed", seconds, result)


if __name__ == "__main__":
    main()
