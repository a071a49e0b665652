"""Page latency under gunicorn at 10,000 and 100,000 articles, against a trivial-view ceiling.

    python benchmarks/bench_pages.py [--sizes 10000,100000] [--requests 50]
    python benchmarks/bench_pages.py --files 2000        # sizes 2,000 and 20,000
    python benchmarks/bench_pages.py --database-url postgres://postgres@127.0.0.1:5432/postgres

For each size: a fresh SQLite file database (or, with --database-url, a scratch PostgreSQL
database created on that server, VACUUMed and ANALYZEd after the import and dropped at the end),
`generate()`d article files imported with `manage.py import_articles` (the production path),
`collectstatic`, then gunicorn with gunicorn.conf.py on a free 127.0.0.1 port with DJANGO_DEBUG
off. Every URL is warmed up, then
requested sequentially; the table gives median and p95 latency per URL, the ratio of the median
to the ceiling (/robots.txt: a Django view through the full middleware stack, no query), and
the 100k/10k ratio. Goals: filtered list median ≤ 3× the ceiling at the larger size, and every
reader page at the larger size ≤ 1.5× the smaller.

Anonymous pages and facet counts are cached under the data version (articles/views.py,
articles/facets.py), so warmed-up figures are the common case. Every reader page is measured
twice: cached, and "(uncached)": before each of those requests (outside the timing) the
benchmark bumps the data version in the database, as an import does, so the request misses
the page cache and the facet cache and computes everything: the cost of the first request
after an import.
"""

import argparse
import http.cookiejar
import json
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
BENCH_USER = "bench-admin"
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway database
WORKERS = 2
CEILING = "ceiling: /robots.txt"
READER_PAGES = ["/", "/ filtered", "/ search", "topic page", "detail page"]
# Measured cold (uncached) too, but not part of the reader-page goals: the dashboard computes
# every figure on its first request after an import.
DASHBOARDS = ["/dashboard/", "/dashboard/ two years", "/dashboard/ topic"]
UNCACHED = " (uncached)"
# A PostgreSQL server URL (--database-url): each size gets its own scratch database there.
DATABASE_SERVER = None


def database_url(scratch):
    if DATABASE_SERVER is None:
        return f"sqlite:///{scratch / 'bench.sqlite3'}"
    # tempfile names are [a-z0-9_] after the prefix: a valid, unique database name.
    name = "newsroom_bench_" + Path(scratch).name.rsplit("-", 1)[-1].lower()
    return urllib.parse.urlsplit(DATABASE_SERVER)._replace(path=f"/{name}").geturl()


def postgres(url, *statements):
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def create_database(scratch):
    if DATABASE_SERVER is not None:
        name = urllib.parse.urlsplit(database_url(scratch)).path.lstrip("/")
        postgres(DATABASE_SERVER, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')


def drop_database(scratch):
    if DATABASE_SERVER is not None:
        name = urllib.parse.urlsplit(database_url(scratch)).path.lstrip("/")
        postgres(DATABASE_SERVER, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(scratch):
    return {
        **os.environ,
        "DATABASE_URL": database_url(scratch),
        "NEWSROOM_IMPORT_LOCK_PATH": str(scratch / "import.lock"),
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "insecure-benchmark-key"),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "PYTHONPATH": str(REPO),
    }


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, check=True)


def prepare(scratch, size):
    """A database with `size` generated articles; returns the sample URLs and import time."""
    env = environment(scratch)
    manage(env, "migrate", "--noinput", "-v0")
    subprocess.run(
        [PYTHON, "benchmarks/generate.py", str(scratch / "files"), "--files", str(size)],
        cwd=REPO,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "manage.py", "import_articles", str(scratch / "files")],
        cwd=REPO,
        env=env,
        check=False,  # exit code 1 = some files failed; the rest is imported
        stdout=subprocess.DEVNULL,
    )
    import_seconds = time.perf_counter() - started
    if DATABASE_SERVER is not None:
        # What autovacuum does after a large import on a production server (this machine's
        # server runs without it): without it, PostgreSQL reads every probed article row from
        # a table bloated by the import's updates.
        postgres(database_url(scratch), "VACUUM ANALYZE")
    manage(env, "collectstatic", "--noinput", "-v0")
    samples = subprocess.run(
        [PYTHON, __file__, "--samples"], cwd=REPO, env=env, check=True, capture_output=True
    )
    return json.loads(samples.stdout), import_seconds


def print_samples():
    """Runs inside the benchmark database's environment: create the admin, pick sample URLs."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Max, Min

    from articles.models import Article, Topic

    get_user_model().objects.create_superuser(BENCH_USER, "", BENCH_PASSWORD)
    visible = Article.objects.visible()
    span = visible.aggregate(first=Min("published_at"), last=Max("published_at"))
    middle = span["first"] + (span["last"] - span["first"]) / 2
    topic = Topic.objects.filter(slug="machine-learning").first() or Topic.objects.first()
    newest = visible.order_by("-published_at", "-id")
    article = newest[min(100, newest.count() - 1)]
    filtered = urllib.parse.urlencode(
        {"topic": topic.slug, "quality_min": 50, "date_from": middle.date().isoformat()}
    )
    print(
        json.dumps(
            {
                "articles": visible.count(),
                "urls": {
                    CEILING: "/robots.txt",
                    "/": "/",
                    "/ filtered": f"/?{filtered}",
                    "/ search": "/?q=model",
                    "topic page": topic.get_absolute_url(),
                    "detail page": article.get_absolute_url(),
                    "/dashboard/": "/dashboard/",
                    "/dashboard/ two years": "/dashboard/?"
                    + urllib.parse.urlencode(
                        {
                            "date_from": f"{span['last'].year - 2}-01-01",
                            "date_to": f"{span['last'].year - 1}-12-31",
                        }
                    ),
                    "/dashboard/ topic": f"/dashboard/?topic={topic.slug}",
                    "/feeds/articles/": "/feeds/articles/",
                    "/api/articles/": "/api/articles/",
                    "admin changelist": "/admin/articles/article/",
                    "admin filtered": "/admin/articles/article/"
                    "?status__exact=published&quality_band=100",
                    "admin search": "/admin/articles/article/?q=model",
                },
            }
        )
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(scratch, port):
    env = environment(scratch) | {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_ACCESSLOG": "/dev/null",
    }
    log = open(scratch / "gunicorn.log", "wb")  # noqa: SIM115 - open while the server runs
    server = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=10).read()
            return server
        except OSError:  # refused, reset or timed out while the workers boot
            time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not start")


def stop(server):
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def admin_opener(base):
    """A urllib opener logged in as the superuser through the admin login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {
            "username": BENCH_USER,
            "password": BENCH_PASSWORD,
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        }
    ).encode()
    opener.open(f"{base}/admin/login/?next=/admin/", data=data).read()
    if not any(cookie.name == "sessionid" for cookie in jar):
        raise SystemExit("could not log in to the admin")
    return opener


def fetch(opener, url):
    started = time.perf_counter()
    try:
        with opener.open(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return time.perf_counter() - started, status


def bump_data_version(scratch):
    """What an import does to the cache: every cached page and count becomes unreachable."""
    if DATABASE_SERVER is not None:
        return postgres(
            database_url(scratch),
            "INSERT INTO articles_dataversion (id, version, changed_at) VALUES (1, 1, now()) "
            "ON CONFLICT (id) DO UPDATE SET version = articles_dataversion.version + 1",
        )
    with sqlite3.connect(scratch / "bench.sqlite3", timeout=30) as connection:
        connection.execute(
            "INSERT INTO articles_dataversion (id, version, changed_at) "
            "VALUES (1, 1, datetime('now')) "
            "ON CONFLICT (id) DO UPDATE SET version = version + 1"
        )
    connection.close()


def measure(base, urls, requests, scratch):
    reader = urllib.request.build_opener()
    admin = admin_opener(base)
    runs = []
    for name, path in urls.items():
        runs.append((name, path, False))
        if name in READER_PAGES or name in DASHBOARDS:
            runs.append((name + UNCACHED, path, True))
    results = {}
    for name, path, uncached in runs:
        opener = admin if name.startswith("admin") else reader
        timings, statuses = [], set()
        for n in range(requests + 3 * WORKERS):  # the first ones warm up every worker
            if uncached:
                bump_data_version(scratch)
            seconds, status = fetch(opener, base + path)
            statuses.add(status)
            if n >= 3 * WORKERS:
                timings.append(seconds * 1000)
        timings.sort()
        results[name] = {
            "median": statistics.median(timings),
            "p95": timings[max(0, round(0.95 * len(timings)) - 1)],
            "status": ",".join(map(str, sorted(statuses))),
        }
    return results


def run_size(size, requests):
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-pages-") as scratch:
        scratch = Path(scratch)
        print(f"  {size:,} articles: generating and importing …", flush=True)
        create_database(scratch)
        try:
            samples, import_seconds = prepare(scratch, size)
            print(
                f"  {size:,} files imported in {import_seconds:.0f}s "
                f"({samples['articles']:,} visible articles); measuring …",
                flush=True,
            )
            port = free_port()
            server = start_gunicorn(scratch, port)
            try:
                return measure(f"http://127.0.0.1:{port}", samples["urls"], requests, scratch)
            finally:
                stop(server)
        finally:
            drop_database(scratch)


def print_table(sizes, results):
    small, large = sizes
    ceiling = results[large][CEILING]["median"]
    small_label, large_label = f"{small / 1000:g}k", f"{large / 1000:g}k"
    ratio_label = f"{large_label}/{small_label}"
    print()
    print(f"  {'':<34}{'median ms':>20}{'p95 ms':>20}{'median':>10}{'median':>10}")
    print(
        f"  {'page':<34}{small_label:>10}{large_label:>10}{small_label:>10}{large_label:>10}"
        f"{'×ceiling':>10}{ratio_label:>10}  status"
    )
    for name in results[large]:
        a, b = results[small][name], results[large][name]
        print(
            f"  {name:<34}{a['median']:>10.1f}{b['median']:>10.1f}{a['p95']:>10.1f}"
            f"{b['p95']:>10.1f}{b['median'] / ceiling:>9.1f}×{b['median'] / a['median']:>9.2f}×"
            f"  {b['status']}"
        )
    filtered = results[large]["/ filtered"]["median"] / ceiling
    print()
    cold = max(results[large][name + UNCACHED]["median"] for name in DASHBOARDS)
    print(
        f"  goal: dashboard cold (uncached) median ≤ 100 ms at {large:,}: worst {cold:.0f} ms "
        f"({'met' if cold <= 100 else 'NOT met'})"
    )
    print(
        f"  goal: filtered list median ≤ 3× ceiling at {large:,}: {filtered:.1f}× "
        f"({'met' if filtered <= 3 else 'NOT met'}); uncached: "
        f"{results[large]['/ filtered' + UNCACHED]['median'] / ceiling:.1f}×"
    )
    for label, suffix in (("reader pages", ""), ("uncached reader pages", UNCACHED)):
        growth, worst = max(
            (results[large][n + suffix]["median"] / results[small][n + suffix]["median"], n)
            for n in READER_PAGES
        )
        print(
            f"  goal: {label} at {large:,} ≤ 1.5× {small:,}: worst {growth:.2f}× ({worst}; "
            f"{'met' if growth <= 1.5 else 'NOT met'})"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="two article counts")
    parser.add_argument("--files", type=int, help="shorthand for --sizes N,10N")
    parser.add_argument("--requests", type=int, default=50, help="measured requests per URL")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="a PostgreSQL server URL (postgres://user@host:port/db): each size runs in a scratch "
        "database created and dropped there; default: a SQLite file",
    )
    parser.add_argument("--samples", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.samples:
        return print_samples()
    global DATABASE_SERVER
    DATABASE_SERVER = args.database_url
    sizes = [args.files, args.files * 10] if args.files else [int(s) for s in args.sizes.split(",")]
    print(
        f"Page benchmark: gunicorn ({WORKERS} workers), "
        f"{'PostgreSQL' if DATABASE_SERVER else 'SQLite'}, {args.requests} sequential "
        f"requests per URL after warm-up, {os.cpu_count()} cores"
    )
    results = {size: run_size(size, args.requests) for size in sizes}
    print_table(sizes, results)


if __name__ == "__main__":
    main()
