"""Stories: which articles report the same news item. Pure Python, no Django.

    grouping = group(new_items, known_items)

`known_items` were grouped before: each is in a story (`story` set) or alone (`story` None). Each
of `new_items` joins the story of the known or earlier new item it matches best (when that one was
alone, the two start a new story), or stays alone. Stories are never merged or split here: once
in a story, an article stays put until staff move it, so a story's id (its page, its feed) is
stable across imports. An article no other source reports is in no story.

Two articles match when they are published within WINDOW of each other and
- they share a URL (webUrl, originalUrl or our key, compared without scheme, "www." and a
  trailing slash): a refile; or
- the TF-IDF cosine similarity of their titles and excerpts is at least SAME_STORY; or
- one lists the other in `related` and the similarity is at least SAME_STORY_IF_RELATED
  (the `related` lists of the real feeds also name merely topical articles, so a link alone is
  not enough);
unless their titles are one template filled with different names ("ElectrifAi achieves AWS
competency" / "XAPP AI achieves AWS competency"): two announcements, not one.

TF-IDF weighs a word by how rare it is among the articles compared, so the words
every AI news item shares ("AI", "machine learning", "market") count for little and the names,
figures and wording of one event count for much.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

WINDOW = timedelta(days=7)
SAME_STORY = 0.33
SAME_STORY_IF_RELATED = 0.3
COMMON_FROM = 20  # articles compared from which the most common words are left out
URL_MATCH = 2.0  # a shared URL outranks any similarity (which is at most 1)

WORD = re.compile(r"\w+")
TOKEN = re.compile(r"(?u)\b\w\w+\b")  # a word TF-IDF counts


@dataclass(frozen=True)
class Item:
    """What grouping needs to know of one article."""

    id: int
    title: str
    excerpt: str = ""
    published_at: datetime | None = None
    urls: tuple[str, ...] = ()
    related_ids: frozenset[int] = frozenset()  # articles this one lists, or that list it
    story: int | None = None  # the story it is in; None when alone (or new)
    pinned: bool = False  # staff placed it: alone, it stays alone


@dataclass
class Grouping:
    joins: dict[int, int] = field(default_factory=dict)  # new article id → known story id
    # The stories to create: article ids (new ones, or a known one that was alone), oldest first.
    new_stories: list[list[int]] = field(default_factory=list)


def group(new, known=(), *, window=WINDOW, threshold=SAME_STORY, related=SAME_STORY_IF_RELATED):
    """Assign each of `new` to a story; see the module's docstring."""
    new = sorted(new, key=order_key)
    pool = [*known, *new]
    first_new = len(known)
    words, keys = features(pool)
    similar = similar_pairs(words, first_new, min(threshold, related))
    seconds = [item.published_at.timestamp() if item.published_at else None for item in pool]
    reach = window.total_seconds()
    # Known articles, and new ones once grouped; not one that staff left alone.
    joinable = [
        index < first_new and not (item.pinned and item.story is None)
        for index, item in enumerate(pool)
    ]
    index_of = {item.id: index for index, item in enumerate(pool)}
    linked_to = {}  # pool index → pool indexes it lists or is listed by
    by_url = {}
    for index, item in enumerate(pool):
        for other_id in item.related_ids:
            if other_id in index_of:
                linked_to.setdefault(index, set()).add(index_of[other_id])
                linked_to.setdefault(index_of[other_id], set()).add(index)
        for key in keys[index]:
            by_url.setdefault(key, []).append(index)
    label = [item.story for item in pool]  # a story id, ("new", n) for the n-th new one, or None
    grouping = Grouping()

    def story_of(index):
        if label[index] is None:  # alone so far: the two start a story
            label[index] = ("new", len(grouping.new_stories))
            grouping.new_stories.append([pool[index].id])
        return label[index]

    for row, item in enumerate(new):
        me = first_new + row
        scores = similar[row] if similar else {}
        linked = linked_to.get(me, ())
        wanted = {
            other: score
            for other, score in scores.items()
            if score >= threshold or (score >= related and other in linked)
        }
        for key in keys[me]:
            wanted.update(dict.fromkeys(by_url[key], URL_MATCH))
        joinable[me] = True
        when = seconds[me]
        candidates = [
            other
            for other in wanted
            if joinable[other]
            and other != me
            and when is not None
            and seconds[other] is not None
            and abs(seconds[other] - when) <= reach
        ]
        # Best score first; on a tie, the one listed first (known before new, older first).
        for other in sorted(candidates, key=lambda other: (-wanted[other], other)):
            if wanted[other] >= URL_MATCH or not different_subjects(item.title, pool[other].title):
                label[me] = story_of(other)
                if isinstance(label[me], tuple):
                    grouping.new_stories[label[me][1]].append(item.id)
                else:
                    grouping.joins[item.id] = label[me]
                break
    return grouping


def load_libraries():
    """Load what similar_pairs() needs ahead of the first grouping."""
    import numpy  # noqa: F401
    import scipy.sparse  # noqa: F401


def order_key(item):
    return (item.published_at is None, item.published_at or datetime.min, item.id)


# The words and URL keys of the articles grouped last: an import groups batch after batch, and
# the articles around one batch are mostly the newest of the batch before.
last_features = {}


def features(pool):
    """([the words of each item's title and excerpt], [each item's URL keys]), in pool order."""
    global last_features
    found = {}
    for item in pool:
        key = (item.id, item.title, item.excerpt, item.urls)
        found[key] = last_features.get(key) or (
            TOKEN.findall(item_text(item).lower()),
            url_keys(item.urls),
        )
    last_features = found
    words, keys = zip(*found.values(), strict=True) if found else ((), ())
    return list(words), list(keys)


def item_text(item):
    return f"{item.title}\n{item.excerpt}"


def similar_pairs(word_lists, first_new, at_least):
    """For each new article (from `first_new` on), {index of an article: TF-IDF cosine
    similarity} of the articles at least `at_least` similar to it, from each article's words;
    None when no article has a telling word.

    The weighting is scikit-learn's TfidfVectorizer(sublinear_tf=True, max_df=...) written out,
    over NumPy and a SciPy sparse matrix: loading scikit-learn took longer than the grouping of a
    whole import. Words are runs of two or more word characters, lower-cased; a word counts
    1 + log(its count) times log((1 + n) / (1 + articles with it)) + 1; rows are L2-normalised,
    so the dot product is the cosine.
    """
    if len(word_lists) <= first_new:
        return None
    # Loaded on first use: the web processes never need them.
    import numpy
    from scipy.sparse import csr_matrix

    tokens, rows = [], []
    for row, words in enumerate(word_lists):
        tokens += words
        rows += [row] * len(words)
    if not tokens:
        return None
    # Words are told apart by their hashes (64 bits: a collision is out of reach), so that
    # counting them is array work rather than a dictionary lookup per word.
    hashes = numpy.fromiter(map(hash, tokens), dtype=numpy.int64, count=len(tokens))
    _, words = numpy.unique(hashes, return_inverse=True)
    vocabulary = int(words.max()) + 1
    pairs, counts = numpy.unique(
        numpy.array(rows, dtype=numpy.int64) * vocabulary + words, return_counts=True
    )
    rows, words = pairs // vocabulary, pairs % vocabulary
    in_articles = numpy.bincount(words, minlength=vocabulary)
    # A word in more than half of many articles tells nothing about which event they report;
    # dropping such words also keeps the product below sparse.
    telling = in_articles[words] <= max(COMMON_FROM, len(word_lists) // 2)
    if not telling.any():
        return None
    words, rows = words[telling], rows[telling]
    idf = numpy.log((1 + len(word_lists)) / (1 + in_articles)) + 1
    weights = (1 + numpy.log(counts[telling])) * idf[words]
    weights /= numpy.sqrt(numpy.bincount(rows, weights * weights, minlength=len(word_lists)))[rows]
    vectors = csr_matrix(
        (weights.astype(numpy.float32), (rows, words)), shape=(len(word_lists), vocabulary)
    )
    product = (vectors[first_new:] @ vectors.T).tocsr()
    product.data[product.data < at_least] = 0
    product.eliminate_zeros()
    starts, columns, values = (
        product.indptr.tolist(),
        product.indices.tolist(),
        product.data.tolist(),
    )
    return [
        dict(zip(columns[start:end], values[start:end], strict=True))
        for start, end in zip(starts, starts[1:], strict=False)
    ]


def url_keys(urls):
    """URLs as compared for refiles: no scheme, no "www.", no fragment, no trailing slash, the
    host in lower case. (Plain string work: urlsplit costs more than the rest of grouping.)"""
    keys = set()
    for url in urls:
        scheme, separator, rest = url.strip().partition("://")
        if not separator or not scheme:
            continue
        rest = rest.partition("#")[0]
        host, slash, path = rest.partition("/")
        host = host.rpartition("@")[2].lower().removeprefix("www.")
        if not host:
            continue
        path, question, query = (slash + path).partition("?")
        keys.add(f"{host}{path.rstrip('/')}{question}{query}")
    return keys


def title_words(title):
    return WORD.findall(title.casefold())


def different_subjects(title_a, title_b, *, shared_share=0.6, name_words=3):
    """Whether two titles are one template with different names in it: they agree on a long
    common beginning and end (at least `shared_share` of the longer title), and what differs
    is a few words on each side, none of them in common."""
    a, b = title_words(title_a), title_words(title_b)
    if a == b:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    rest_a, rest_b = a[start : len(a) - end], b[start : len(b) - end]
    if not rest_a or not rest_b or len(rest_a) > name_words or len(rest_b) > name_words:
        return False
    if set(rest_a) & set(rest_b):
        return False
    return start + end >= shared_share * max(len(a), len(b))
