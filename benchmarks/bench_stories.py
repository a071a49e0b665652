"""What story grouping costs an import: the same files imported with and without it.

    python benchmarks/bench_stories.py [--files 10000] [--rounds 3]

Generates N files, a tenth of them syndicated copies of others (same title and excerpt, another
URL and provider), and imports them into fresh SQLite databases with the whole command as cron
runs it (`manage.py import_articles DIR`, a new process: start-up and loading NumPy/SciPy
included), alternately with `--no-stories` and without, `--rounds` times each. It prints the
median of each and their ratio. Goal (docs/stories.md): grouping keeps the first import within
20% of the time without it.
"""

import argparse
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.bench_import import fresh_database, import_command  # noqa: E402
from benchmarks.generate import generate  # noqa: E402


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
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
        scratch = Path(scratch)
        files = scratch / "articles"
        paths = generate(files, round(args.files / 1.1))
        count = len(paths) + len(syndicate(paths))
        print(f"Story grouping benchmark: {count:,} generated files (a tenth syndicated), SQLite")
        seconds = {False: [], True: []}
        for round_number in range(args.rounds):
            for grouping in (False, True):
                env = fresh_database(scratch, f"round{round_number}-{grouping}")
                options = [] if grouping else ["--no-stories"]
                wall, _cpu, _summary = import_command(files, env, *options)
                seconds[grouping].append(wall)
        with sqlite3.connect(scratch / "round0-True.sqlite3") as database:
            stories = database.execute("SELECT count(*) FROM articles_story").fetchone()[0]
        median = {grouping: statistics.median(values) for grouping, values in seconds.items()}
        for grouping, label in ((False, "first import, --no-stories"), (True, "first import")):
            print(
                f"  {label:<38} {count / median[grouping]:>9,.0f} files/s"
                f"  (median of {args.rounds}: {median[grouping]:.2f} s)"
            )
        ratio = median[True] / median[False]
        print(f"  grouping costs {ratio - 1:+.0%} (goal ≤ +20%); {stories:,} stories found")


if __name__ == "__main__":
    main()
