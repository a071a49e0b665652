"""The reader's search syntax, one for both databases (docs/reader.md, "Search").

    robot arm            both words (in the title or the excerpt, any order)
    "language model"     the words next to each other, in this order
    transform*           words starting with "transform"
    -crypto  -"web3"     leave out articles with this word or phrase
    vision OR speech     either (OR in capitals joins the terms on each side)

Case and accents do not matter (Über = uber); punctuation separates words, and a word written
with hyphens or dots (self-driving, gpt-4o) is looked for as those words next to each other.
At most MAX_TERMS terms are searched: the rest are reported as dropped, since every term costs
the database a clause (about 90 made SQLite's query parser give up).

Pure Python, no Django: `parse()` gives a `SearchQuery`; `fts5_match()` and `tsquery_sql()`
write it for SQLite FTS5 and PostgreSQL; `highlighted()` splits text into matching and other
parts for the results page.
"""

import re
import unicodedata
from dataclasses import dataclass

MAX_TERMS = 10
MAX_PHRASE_WORDS = 10

# Runs of letters and digits: what both databases index as words (the underscore separates).
WORD = re.compile(r"[^\W_]+")
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    prefix: bool = False  # the (single) word is the start of a word


@dataclass(frozen=True)
class SearchQuery:
    # Every group must match; a group matches when any of its terms does (OR).
    required: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    dropped: int = 0  # terms past MAX_TERMS, not searched

    @property
    def terms(self):
        return [term for group in self.required for term in group]

    def __bool__(self):
        return bool(self.required or self.excluded)


def term_from(text, *, prefix_allowed):
    """A Term for one bare word or quoted phrase, or None when it holds no word."""
    prefix = prefix_allowed and text.endswith("*")
    words = tuple(WORD.findall(text))[:MAX_PHRASE_WORDS]
    if not words:
        return None
    return Term(words, prefix=prefix and len(words) == 1)


def parse(text):
    """The SearchQuery for what a reader typed; any text is valid (unknown syntax is words)."""
    required, excluded = [], []
    searched = dropped = 0
    join_next = False
    for match in TOKEN.finditer(text):
        minus, phrase, bare = match.groups()
        if bare == "OR":
            join_next = bool(required)
            continue
        negated = bool(minus) or (bare is not None and bare.startswith("-") and len(bare) > 1)
        if phrase is not None:
            term = term_from(phrase, prefix_allowed=False)
        else:
            term = term_from(bare.removeprefix("-"), prefix_allowed=True)
        if term is None:
            continue
        if searched >= MAX_TERMS:
            dropped += 1
            join_next = False
            continue
        searched += 1
        if negated:
            excluded.append(term)
        elif join_next:
            required[-1].append(term)
        else:
            required.append([term])
        join_next = False
    return SearchQuery(tuple(tuple(group) for group in required), tuple(excluded), dropped)


# SQLite FTS5 (https://sqlite.org/fts5.html#full_text_query_syntax). Every term is written as
# a quoted string, which FTS5 splits with the table's own tokenizer: a phrase of its words.
def fts5_term(term):
    return f'"{" ".join(term.words)}"' + ("*" if term.prefix else "")


def fts5_any(terms):
    written = [fts5_term(term) for term in terms]
    return written[0] if len(written) == 1 else "(" + " OR ".join(written) + ")"


def fts5_match(groups):
    """The MATCH expression for all of `groups` (each a tuple of terms, any of which)."""
    return " AND ".join(fts5_any(group) for group in groups)


# PostgreSQL: each term through the search configuration (stemming, accents), combined with
# the tsquery operators. Returns (sql, params); the words only ever travel as parameters.
def tsquery_term(term, config):
    if term.prefix:
        return f"to_tsquery('{config}', %s)", [f"'{term.words[0]}':*"]
    return f"phraseto_tsquery('{config}', %s)", [" ".join(term.words)]


def tsquery_sql(groups, config):
    """SQL for one tsquery matching all of `groups`, and its parameters."""
    parts, params = [], []
    for group in groups:
        written = [tsquery_term(term, config) for term in group]
        parts.append("(" + " || ".join(sql for sql, _ in written) + ")")
        params += [param for _, term_params in written for param in term_params]
    return "(" + " && ".join(parts) + ")", params


# Highlighting: which words of a text the search found. Close to the databases' own rules
# (case and accents folded, a prefix, a plural or -ed/-ing form), not an exact copy of them.
def fold(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


SUFFIXES = ("ing", "ed", "es", "s")


def stem(word):
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def highlighted(text, query):
    """[(part, is_match)] covering `text`, matching words marked."""
    exact, prefixes = set(), []
    for term in query.terms:
        for word in term.words:
            (prefixes.append if term.prefix else exact.add)(fold(word))
    stems = {stem(word) for word in exact}
    parts, start = [], 0
    for match in WORD.finditer(text):
        word = fold(match.group())
        if word in exact or stem(word) in stems or word.startswith(tuple(prefixes) or "\0"):
            if match.start() > start:
                parts.append((text[start : match.start()], False))
            parts.append((match.group(), True))
            start = match.end()
    if start < len(text):
        parts.append((text[start:], False))
    return parts
