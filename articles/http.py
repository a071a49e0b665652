"""HTTP helpers every reader-facing surface shares: the 400 error shape, cache headers and
links that keep the query string."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control

from .models import Audience, audience

PUBLIC_MAX_AGE = 300


class BadParameters(Exception):
    """Raised with `{"param": ["message", …]}`; each surface answers it with a 400 of its kind."""

    def __init__(self, errors):
        super().__init__("bad parameters")
        self.errors = {
            param: [str(message) for message in messages] for param, messages in errors.items()
        }


class Moved(Exception):
    """Raised with the canonical URL of something named by an old (merged) slug or domain."""

    def __init__(self, url):
        super().__init__(url)
        self.url = url


def cache_for_readers(response, request):
    """Anonymous responses may be cached anywhere for 5 minutes; staff ones never (drafts)."""
    if audience(request.user) == Audience.STAFF:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def json_response(request, data, status=200):
    response = JsonResponse(
        data, status=status, json_dumps_params={"allow_nan": False, "ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    if status == 200:
        cache_for_readers(response, request)
    return response


def errors_response(request, errors, status=400):
    """`{"errors": {"param": ["message", …]}}`, the one error shape of the API."""
    return json_response(request, {"errors": BadParameters(errors).errors}, status=status)


def with_query(path, query):
    """`path` with the query string `query` (a QueryDict or an encoded string), if any."""
    encoded = query if isinstance(query, str) else query.urlencode()
    return f"{path}?{encoded}" if encoded else path


def redirect_keeping_query(request, path):
    """A permanent redirect to `path` with the request's own query string."""
    return redirect(with_query(path, request.GET), permanent=True)
