"""Cold searches at 100,000 articles, on SQLite and (with --database-url) PostgreSQL.

    python benchmarks/bench_search.py [--sizes 100000] [--requests 10]
    python benchmarks/bench_search.py --database-url postgres://postgres@127.0.0.1:5432/postgres

The database is built as bench_pages.py builds it (generated files through `import_articles`;
PostgreSQL ANALYZEd). Each search is then requested in-process through Django's test client
with the data version bumped before every request, so neither the page cache nor the facet
cache helps: the first request after an import. Without --database-url only SQLite runs; with
it, SQLite and then PostgreSQL, and the table puts them side by side.

The generated text draws every word from 48, so `model` is in about two articles of three: the
worst case for ranking (every match is ranked) and for a date-ordered window. `zebra` is in
none, the cheapest case; the others are in between.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_pages

SEARCHES = {
    "common word, best first": "/?q=model",
    "common word, newest first": "/?q=model&sort=newest",
    "two words": "/?q=benchmark+accuracy",
    "phrase": '/?q="language+model"',
    "prefix": "/?q=bench*",
    "exclusion": "/?q=robot+-cloud",
    "no match": "/?q=zebra",
    "API, best first": "/api/articles/?q=model",
    "feed, best first": "/feeds/articles/?q=model",
}


def measure(requests):
    """Runs inside the benchmark database's environment: {name: [ms, …]} per search."""
    import django

    django.setup()
    from django.test import Client

    from articles.cache import bump_data_version

    client = Client()
    results = {}
    for name, url in SEARCHES.items():
        timings = []
        for n in range(requests + 1):  # the first warms up code paths, not the cache
            bump_data_version()
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            if n:
                timings.append(elapsed)
        results[name] = timings
    print(json.dumps(results))


def run(size, requests, server):
    bench_pages.DATABASE_SERVER = server
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-search-") as scratch:
        scratch = Path(scratch)
        label = "PostgreSQL" if server else "SQLite"
        print(f"  {label}, {size:,} articles: generating and importing …", flush=True)
        bench_pages.create_database(scratch)
        try:
            samples, _ = bench_pages.prepare(scratch, size)
            print(f"  {samples['articles']:,} visible articles; measuring …", flush=True)
            env = bench_pages.environment(scratch) | {"DJANGO_ALLOWED_HOSTS": "testserver"}
            out = subprocess.run(
                [sys.executable, __file__, "--measure", "--requests", str(requests)],
                cwd=bench_pages.REPO,
                env=env,
                check=True,
                capture_output=True,
            )
            return json.loads(out.stdout)
        finally:
            bench_pages.drop_database(scratch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="article counts, comma-separated")
    parser.add_argument("--files", type=int, help="shorthand for --sizes 10N (as bench_pages)")
    parser.add_argument("--requests", type=int, default=10, help="measured requests per search")
    parser.add_argument("--database-url", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(args.requests)
    sizes = [args.files * 10] if args.files else [int(s) for s in args.sizes.split(",")]
    servers = [None] + ([args.database_url] if args.database_url else [])
    print(f"Search benchmark: cold (uncached) searches, {args.requests} requests each, in-process")
    for size in sizes:
        results = [run(size, args.requests, server) for server in servers]
        labels = ["SQLite", "PostgreSQL"][: len(results)]
        print()
        print(f"  {size:,} articles: median (p95) ms")
        print(f"  {'search':<28}" + "".join(f"{label:>22}" for label in labels))
        for name, url in SEARCHES.items():
            cells = []
            for result in results:
                timings = sorted(result[name])
                p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
                cells.append(f"{statistics.median(timings):>12.0f} ({p95:>5.0f})")
            print(f"  {name:<28}" + "".join(f"{cell:>22}" for cell in cells) + f"  {url}")


if __name__ == "__main__":
    main()
