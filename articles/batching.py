"""Lists of at most `size` items from any iterable (itertools.batched, from Python 3.12)."""

from itertools import islice


def chunked(items, size):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
