"""Import speed on a fresh SQLite file database, against the parse-only ceiling.

    python benchmarks/bench_import.py [--files 10000] [--large-files 100000]

Every import is the whole command as cron runs it (`manage.py import_articles -v0 DIR`, a new
process: start-up included). For N generated files it prints the ceiling (a bare loop that reads
each file and loads its front matter with yaml.CSafeLoader, on one core, in this run), the first
import and a re-import after 10% of the files changed, in files/s and as a ratio to the ceiling,
and the re-import of the unchanged files in seconds. Then the same unchanged re-import of
--large-files files (0 skips it: generating and importing them takes minutes).

Goals (docs/import.md): first import ≥ 1.0× the ceiling; unchanged re-import ≤ 0.5 s for 10,000
files and ≤ 2 s for 100,000. Wall times suffer on a busy machine: the CPU time (user + system,
the workers included) is printed beside them.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.generate import change, generate  # noqa: E402


def parse_only(paths):
    import yaml

    for path in paths:
        text = path.read_bytes().decode("utf-8")
        end = text.find("\n---", 3)
        yaml.load(text[4:end], Loader=yaml.CSafeLoader)  # noqa: S506 - CSafeLoader is safe


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_command(directory, env, *options):
    """(wall seconds, CPU seconds, summary line) of one `import_articles` process."""
    command = [sys.executable, str(REPO / "manage.py"), "import_articles", *options, str(directory)]
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"import_articles failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall, children_cpu() - cpu, done.stdout.strip().splitlines()[-1]


def fresh_database(scratch, name):
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{scratch / name}.sqlite3"  # never the development one
    env["NEWSROOM_IMPORT_LOCK_PATH"] = str(scratch / f"{name}.lock")
    env.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-benchmarks-only")
    env.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    migrate = [sys.executable, str(REPO / "manage.py"), "migrate", "-v0"]
    subprocess.run(migrate, env=env, check=True)
    return env


def unchanged(directory, env, count, goal, runs=3):
    """The best and the median of `runs` re-imports of unchanged files."""
    results = sorted(import_command(directory, env) for _ in range(runs))
    best, median = results[0], results[len(results) // 2]
    print(
        f"  {f're-import, {count:,} unchanged':<38} {median[0]:>9.2f} s wall (best {best[0]:.2f})"
        f"  {median[1]:.2f} s CPU  (goal ≤ {goal} s)  [{median[2]}]"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--large-files", type=int, default=100_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
        scratch = Path(scratch)
        env = fresh_database(scratch, "bench")
        files = scratch / "articles"
        paths = generate(files, args.files)
        count = len(paths)
        print(f"Import benchmark: {count:,} generated files, SQLite, {os.cpu_count()} cores")

        started = time.perf_counter()
        parse_only(paths)
        ceiling = count / (time.perf_counter() - started)
        print(f"  parse-only ceiling (read + CSafeLoader) {ceiling:>9,.0f} files/s")

        def report(label, timing, goal=None):
            wall, cpu, summary = timing
            rate = count / wall
            line = f"  {label:<38} {rate:>9,.0f} files/s  {rate / ceiling:5.2f}× ceiling"
            line += f"  {cpu:.1f} s CPU"
            if goal:
                line += f"  (goal ≥ {goal}×)"
            print(f"{line}  [{summary}]")

        report("first import", import_command(files, env), 1.0)
        unchanged(files, env, count, 0.5)
        change(paths, 0.10)
        report("re-import, 10% changed", import_command(files, env))

        if args.large_files:
            env = fresh_database(scratch, "large")
            large = scratch / "large"
            generate(large, args.large_files)
            wall, _, summary = import_command(large, env)
            label = f"first import, {args.large_files:,} files"
            print(f"  {label:<38} {wall:>9.2f} s  [{summary}]")
            unchanged(large, env, args.large_files, 2)


if __name__ == "__main__":
    main()
