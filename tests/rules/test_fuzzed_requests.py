"""No query or path parameter, however hostile, gives a 500 on any endpoint (both databases).

A bounded, deterministic fuzz: every endpoint, every parameter the list understands, each with
values that broke something once (NUL bytes, huge numbers, impossible dates, long strings).
"""

import random
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/",
    "/topics/",
    "/topics/robotics/",
    "/providers/",
    "/providers/lab.example/",
    "/dashboard/",
    "/feeds/articles/",
    "/feeds/topics/robotics/",
    "/feeds/providers/lab.example/",
    "/api/articles/",
    "/api/topics/",
    "/api/providers/",
    "/api/dashboard/",
    "/export/articles.csv",
]
PARAMETERS = [
    "q",
    "topic",
    "provider",
    "quality_min",
    "quality_max",
    "date_from",
    "date_to",
    "period",
    "type",
    "category",
    "has_image",
    "sort",
    "page",
    "per_page",
    "format",
]
HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    "",
    " ",
    "-1",
    "0",
    "2147483648",
    "9" * 40,
    "1e309",
    "NaN",
    "abc",
    "2023-02-30",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "'; DROP TABLE articles_article; --",
    '"unclosed',
    "a*",
    "-",
    "OR",
    "<script>alert(1)</script>",
    "é" * 300,
    "x" * 5000,
    "%",
    "\\",
    "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
]
PATH_VALUES = ["%00", "a%00b", "x" * 300, "%E9", "..", "-", "a.b.c.d.e", "%F0%9F%98%80"]
SAMPLES = 400


@pytest.fixture
def newsroom(make_article, make_provider):
    lab = make_provider("lab.example", name="The Lab")
    for n in range(3):
        make_article(f"Robots story {n}", topics=["Robotics", "AI"], provider=lab, quality=50 + n)


def requests_to_try():
    """Every endpoint and parameter once with a NUL byte, then a seeded sample of the rest."""
    rng = random.Random(2026)
    tried = [(endpoint, {name: "\x00"}) for endpoint in ENDPOINTS for name in PARAMETERS]
    tried += [(endpoint, {"q": "a " * 90, "sort": "relevance"}) for endpoint in ENDPOINTS]
    for _ in range(SAMPLES):
        names = rng.sample(PARAMETERS, rng.randint(1, 3))
        tried.append((rng.choice(ENDPOINTS), {name: rng.choice(HOSTILE_VALUES) for name in names}))
    return tried


@pytest.mark.parametrize("who", ["reader", "staff"])
def test_no_hostile_query_string_gives_a_server_error(newsroom, who):
    client = Client(raise_request_exception=False)
    if who == "staff":
        client.force_login(get_user_model().objects.create_superuser("s", "s@example.com", "x"))
    failures = []
    for endpoint, params in requests_to_try():
        url = f"{endpoint}?{urlencode(params)}"
        status = client.get(url).status_code
        if status >= 500:
            failures.append((status, url))
    assert failures == []


def test_no_hostile_path_gives_a_server_error(newsroom):
    client = Client(raise_request_exception=False)
    failures = []
    for value in PATH_VALUES:
        for template in [
            "/topics/{}/",
            "/providers/{}/",
            "/feeds/topics/{}/",
            "/feeds/providers/{}/",
            "/articles/1/{}/",
            "/api/articles/{}/",
        ]:
            url = template.format(value if "%" in value else quote(value))
            status = client.get(url).status_code
            if status >= 500:
                failures.append((status, url))
    assert failures == []
