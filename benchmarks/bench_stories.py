"""What story grouping costs an import: the same files imported with and without it.

    python benchmarks/bench_stories.py [--files 10000]

Generates N files, a tenth of them syndicated copies of others (same title and excerpt, another
URL and provider), and imports them into fresh SQLite databases, alternately with grouping
switched off and on (three times each; the fastest run of each counts, the machine may be busy),
and times the grouping calls themselves within the imports with grouping on, which a busy machine
blurs less. Goal: grouping keeps the first import within 20% of the time without it. The runs
share one process, so only the first pays for loading scikit-learn; that cost is printed apart
(a cron run of `import_articles` pays it once).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROUNDS = 3


def syndicate(paths, share=0.10):
    """Copy every 1/share-th file as another outlet's copy of the same release."""
    copies = []
    for n, path in enumerate(paths[:: round(1 / share)]):
        text = path.read_text(encoding="utf-8")
        text = text.replace("https://news.example.com/", f"https://copies{n % 7}.example.net/")
        copy = path.with_name(f"{path.stem}-copy.md")
        copy.write_text(text, encoding="utf-8")
        copies.append(copy)
    return copies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
        scratch = Path(scratch)
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
        os.environ["NEWSROOM_IMPORT_LOCK_PATH"] = str(scratch / "import.lock")
        os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-benchmarks-only")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from articles.ingest import runner
        from articles.models import Story
        from articles.story_store import group_new_articles
        from benchmarks.generate import generate

        files = scratch / "articles"
        paths = generate(files, round(args.files / 1.1))
        count = len(paths) + len(syndicate(paths))
        print(f"Story grouping benchmark: {count:,} generated files (a tenth syndicated), SQLite")

        grouping_seconds = []  # per import: the seconds of each grouping call

        def timed_grouping():
            started = time.perf_counter()
            looked_at = group_new_articles()
            grouping_seconds[-1].append(time.perf_counter() - started)
            return looked_at

        def first_import(grouping):
            connection.close()
            (scratch / "bench.sqlite3").unlink(missing_ok=True)
            call_command("migrate", verbosity=0)
            runner.group_new_articles = timed_grouping if grouping else lambda: 0
            grouping_seconds.append([])
            started = time.perf_counter()
            runner.run_import([files])
            return time.perf_counter() - started

        best = {False: float("inf"), True: float("inf")}
        share = float("inf")
        for _ in range(ROUNDS):
            for grouping in (False, True):
                seconds = first_import(grouping)
                best[grouping] = min(best[grouping], seconds)
                if grouping:
                    calls = grouping_seconds[-1]
                    share = min(share, sum(calls) / (seconds - sum(calls)))
        stories = Story.objects.count()
        for grouping, label in ((False, "first import, no grouping"), (True, "first import")):
            print(f"  {label:<38} {count / best[grouping]:>9,.0f} files/s")
        ratio = best[True] / best[False]
        print(f"  grouping costs {ratio - 1:+.0%} (goal ≤ +20%); {stories:,} stories found")
        # Only the first grouping call of the process loads scikit-learn; later imports in this
        # process do not pay it again, as a cron run of `import_articles` does.
        library_load = grouping_seconds[1][0] - grouping_seconds[3][0]
        print(f"  time in the grouping calls: +{share:.0%} of the rest of the import")
        print(f"  loading scikit-learn, once per process: {library_load:.2f} s more")


if __name__ == "__main__":
    main()
