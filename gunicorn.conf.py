"""gunicorn settings for `make run` and production; override with environment variables."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
wsgi_app = "newsroom.wsgi:application"
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
timeout = 30
graceful_timeout = 10
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200


def post_worker_init(worker):
    from articles.dashboard.facts import read_in_background

    read_in_background()
