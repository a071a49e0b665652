"""Bytes → front matter + body → a safe, bounded YAML load → a typed record. Pure: no Django.

    record, problems = parse_file(data, path)

`record` is None when any problem is an error. `path` only names the file in messages and picks
the kind of file: `.yaml`/`.yml` is a topic taxonomy file (plain YAML); anything else is a
front-matter file, a provider record when `taxonomy: organization`, otherwise an article.

YAML is loaded with libyaml's `CSafeLoader` only (no Python objects, unknown tags refused). The
C loader crashes the whole process on very deep nesting, so depth, node count and anchors are
bounded *before* loading: a cheap pre-scan of the raw text proves ordinary files safe, and only
the files it cannot prove safe are measured exactly on libyaml's (iterative) event stream.
"""

import dataclasses
import re
from pathlib import PurePosixPath

import yaml

from . import validate
from .records import Problem, Severity, UnsupportedRecord

MAX_DEPTH = 64  # nesting of mappings/sequences; real files use 4
MAX_NODES = 100_000  # scalars + collections; real files use a few hundred
# The pre-scan bounds: block depth ≤ 2 × (longest structural line prefix + 1), flow depth ≤ the
# number of brackets, so files under both limits are provably within MAX_DEPTH.
_MAX_PREFIX = 20
_MAX_BRACKETS = 20
assert 2 * (_MAX_PREFIX + 1) + _MAX_BRACKETS <= MAX_DEPTH

ARTICLE_SUFFIXES = (".md", ".markdown")
TAXONOMY_SUFFIXES = (".yaml", ".yml")
IMPORT_SUFFIXES = ARTICLE_SUFFIXES + TAXONOMY_SUFFIXES  # what the runner and uploads take
# Kinds of `taxonomy:` imported; other kinds (tag) are skipped. "staff" is an export's staff state.
IMPORTED_KINDS = ("topic", "organization", "staff")
BOM = b"\xef\xbb\xbf"

# Characters libyaml refuses (C0 except tab/newlines, DEL, C1, U+FFFE/U+FFFF); NUL among them.
_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
# The closing line, searched from the newline that ends the opening one (a literal prefix is
# much faster to find than "^" in multi-line mode).
_CLOSING_LINE = {
    str: re.compile(r"\n---[ \t]*\r?$", re.MULTILINE),
    bytes: re.compile(rb"\n---[ \t]*\r?$", re.MULTILINE),
}
# The pre-scan works on bytes: bytes.count and byte regexes are several times faster than on
# non-ASCII str. A line whose indentation plus "- ", "? ", ": " run is long may nest deeply.
# libyaml also breaks lines at CR, NEL, LS and PS; the second pattern starts a line after their
# last byte too (a conservative superset), and is slower, so only used when needed.
_LONG_PREFIX = re.compile(rb"\n[ \t?:-]{%d}" % (_MAX_PREFIX + 1))
_LONG_PREFIX_ANY_BREAK = re.compile(rb"[\n\r\x85\xa8\xa9][ \t?:-]{%d}" % (_MAX_PREFIX + 1))
# `&name` / `*name` where a node may start; also matches some harmless text (then we scan).
# An HTML entity ("Data &amp; AI", ",&nbsp;") is let through: libyaml's anchor names are
# letters, digits, "-" and "_", so "&nbsp;" can never be one (unquoted, it is a YAML error).
_HTML_ENTITY = rb"(?:[a-zA-Z][a-zA-Z0-9]{1,30}|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});"
_MAYBE_ANCHOR = re.compile(
    rb"[&*](?<=[\s\[{,][&*])"  # an indicator where a node may start
    rb"(?:(?<=\*)|(?!" + _HTML_ENTITY + rb"))"  # an alias, or an anchor not shaped like an entity
    rb"[^\s\[\]{},]"
)
_LAST_PART = re.compile(r"(\.[^.\[]*|\[\d+\])$")


class ParseError(Exception):
    """The file cannot be loaded at all; becomes one error Problem."""

    def __init__(self, message, line=None, field="", unreadable_character=False):
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field
        self.unreadable_character = unreadable_character


def parse_file(data: bytes, path: str):
    """Parse and validate one file's bytes. Returns (record or None, [Problem]); the record is
    an UnsupportedRecord for a file of a kind not imported (`taxonomy: tag`)."""
    problems = []
    is_taxonomy = path.lower().endswith(TAXONOMY_SUFFIXES)
    first_line = 0 if is_taxonomy else 1  # YAML line 0 is file line 2 after an opening '---'
    try:
        data = check_encoding(data)
        if is_taxonomy:
            yaml_bytes, body = _without_closing_marker(data), b""
        else:
            yaml_bytes, body = split_front_matter(data)
        repeated = []
        try:
            mapping = load_bounded(yaml_bytes, first_line, repeated)
        except ParseError as exc:
            if not exc.unreadable_character:
                raise
            yaml_bytes, line = _remove_raw_controls(yaml_bytes)
            if line is None:  # a character we do not know how to remove
                raise
            problems.append(
                Problem(
                    path,
                    "control characters (e.g. NUL) removed",
                    line=line + first_line,
                    severity=Severity.WARNING,
                )
            )
            mapping = load_bounded(yaml_bytes, first_line, repeated)
    except ParseError as exc:
        problems.append(Problem(path, exc.message, field=exc.field, line=exc.line))
        return None, problems
    for key, line in repeated:
        problems.append(
            Problem(
                path,
                "is given more than once; the last value (this line) is used",
                field=key,
                line=line,
                severity=Severity.WARNING,
            )
        )

    taxonomy = mapping.get("taxonomy")
    if isinstance(taxonomy, str) and taxonomy not in IMPORTED_KINDS:
        note = f"{taxonomy[:80]!r} files are not imported (only topic and organization); skipped"
        skipped = Problem(path, note, field="taxonomy", severity=Severity.WARNING)
        return UnsupportedRecord(taxonomy), [
            *problems,
            *_with_lines([skipped], yaml_bytes, first_line),
        ]
    if taxonomy == "organization":
        record, found = validate.validate_provider(mapping, path)
    elif taxonomy == "staff":
        record, found = validate.validate_staff_state(mapping, path)
    elif taxonomy == "topic" or is_taxonomy:
        record, found = validate.validate_topic(mapping, path, position_from_path(path))
    else:
        record, found = validate.validate_article(mapping, _text(body), path)
    if found:
        problems.extend(_with_lines(found, yaml_bytes, first_line))
    if any(problem.severity == Severity.ERROR for problem in problems):
        record = None
    return record, problems


def check_encoding(data: bytes) -> bytes:
    """The bytes without a UTF-8 BOM; ParseError if they are empty or not UTF-8."""
    offset = 0
    if data.startswith(BOM):
        data = data[len(BOM) :]
        offset = len(BOM)
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ParseError(
                f"invalid UTF-8 at byte offset {exc.start + offset} (byte 0x{data[exc.start]:02x})",
                line=line,
            ) from None
    if not data.strip():
        raise ParseError("the file is empty")
    return data


def _text(data: bytes) -> str:
    text = data.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _remove_raw_controls(data: bytes):
    """Drop characters libyaml (and PostgreSQL, for NUL) refuse; return the first one's line."""
    text = data.decode("utf-8")
    first = _RAW_CONTROL.search(text)
    line = text.count("\n", 0, first.start()) + 1 if first else None
    return _RAW_CONTROL.sub("", text).encode("utf-8"), line


def _without_closing_marker(data):
    """Taxonomy files may end with a '---' line (a front-matter habit) that YAML would read as
    the start of a second document."""
    stripped = data.rstrip()
    last_line_start = stripped.rfind(b"\n") + 1
    if last_line_start and stripped[last_line_start:] == b"---":
        return data[:last_line_start]
    return data


def split_front_matter(text):
    """'---' line, YAML, '---' line, body → (yaml, body); str or bytes in, the same out.

    The body is what follows the closing line, less one leading blank line (the usual separator).
    """
    newline, crlf, marker = (
        ("\n", "\r\n", "---") if isinstance(text, str) else (b"\n", b"\r\n", b"---")
    )
    first_end = text.find(newline)
    first_line = text if first_end < 0 else text[:first_end]
    if first_line.rstrip() != marker:
        raise ParseError("the file must start with a '---' line opening the front matter", line=1)
    closing = None
    if first_end >= 0:
        closing = _CLOSING_LINE[type(text)].search(text, first_end)
    if closing is None:
        raise ParseError("the front matter is not closed: no second '---' line", line=1)
    body = text[closing.end() + 1 :]
    if body.startswith(newline):
        body = body[1:]
    elif body.startswith(crlf):
        body = body[2:]
    return text[first_end + 1 : closing.start() + 1], body


def load_bounded(yaml_source, first_line: int = 0, repeated_keys=None) -> dict:
    """check_yaml_bounds, then load_mapping."""
    check_yaml_bounds(yaml_source, first_line)
    return load_mapping(yaml_source, first_line, repeated_keys)


def check_yaml_bounds(yaml_source, first_line: int = 0) -> None:
    """Refuse YAML that is too deep, too large or uses anchors/aliases, before loading it."""
    data = yaml_source.encode("utf-8") if isinstance(yaml_source, str) else yaml_source
    if not provably_bounded(data):
        _scan_events(data, first_line)


def provably_bounded(data: bytes) -> bool:
    """True when the raw bytes alone show the YAML is within the limits and has no anchors.

    False only means "measure it": about 1 real file in 25 (an "&nbsp;" in an excerpt).
    """
    plain_lines = data.isascii() and b"\r" not in data
    return (
        len(data) * 2 < MAX_NODES  # a node takes at least half a byte
        and data.count(b"[") + data.count(b"{") <= _MAX_BRACKETS
        and not (_LONG_PREFIX if plain_lines else _LONG_PREFIX_ANY_BREAK).search(data)
        and len(data) - len(data.lstrip(b" \t?:-")) <= _MAX_PREFIX
        and not ((b"&" in data or b"*" in data) and _MAYBE_ANCHOR.search(data))
    )


def _scan_events(text, first_line):
    """Measure depth, node count and anchors exactly on the event stream (no recursion)."""
    depth = nodes = 0
    loader = yaml.CSafeLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.NodeEvent):
                line = event.start_mark.line + 1 + first_line
                if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
                    raise ParseError(
                        "YAML anchors and aliases (&name, *name) are not allowed", line=line
                    )
                nodes += 1
                if nodes > MAX_NODES:
                    raise ParseError(f"more than {MAX_NODES:,} YAML values", line=line)
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise ParseError(f"YAML nested deeper than {MAX_DEPTH} levels", line=line)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, first_line) from None
    finally:
        loader.dispose()


class _Loader(yaml.CSafeLoader):
    """CSafeLoader that notes mappings with a repeated key (YAML keeps the last value)."""

    def __init__(self, stream):
        super().__init__(stream)
        self.repeated = []

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) != len(node.value):
            self.repeated.append(node)
        return mapping


def load_mapping(text, first_line: int = 0, repeated_keys=None) -> dict:
    """CSafeLoader → a mapping, or ParseError naming the line. Call check_yaml_bounds first.

    `repeated_keys`, a list, receives (key, line) for each key given twice in a mapping.
    """
    loader = _Loader(text)
    try:
        loaded = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, first_line) from None
    except Exception as exc:
        # PyYAML's constructors raise plain ValueError for values such as 2023-02-30 or a
        # 5,000-digit int, and KeyError/AttributeError for `!!bool maybe`, `!!timestamp x`.
        field, line, node = _find_bad_scalar(text, first_line)
        if isinstance(exc, ValueError) or node is None:
            message = f"impossible value: {exc}"
        else:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            message = f"impossible value: {node.value[:80]!r} is not a valid {tag}"
        raise ParseError(message, line=line, field=field) from None
    finally:
        loader.dispose()
    if loader.repeated and repeated_keys is not None:
        repeated_keys.extend(_repeated_keys(loader.repeated, first_line))
    what = "the front matter" if first_line else "the YAML document"  # taxonomy files
    if loaded is None:
        raise ParseError(f"{what} is empty", line=first_line + 1)
    if not isinstance(loaded, dict):
        kind = "a list" if isinstance(loaded, list) else f"a single {type(loaded).__name__} value"
        raise ParseError(f"{what} must be a mapping of keys to values, not {kind}", first_line + 1)
    return loaded


def _repeated_keys(mapping_nodes, first_line):
    for node in mapping_nodes:
        seen = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    yield key.value, key.start_mark.line + 1 + first_line
                seen.add(key.value)


def _yaml_error(exc, first_line):
    if isinstance(exc, yaml.reader.ReaderError):
        return ParseError(
            f"character #x{exc.character:04x} is not allowed in YAML", unreadable_character=True
        )
    if "exceeded maximum nesting depth" in str(exc):  # libyaml's own limit (1,000 levels)
        mark = getattr(exc, "problem_mark", None)
        return ParseError(
            f"YAML nested deeper than {MAX_DEPTH} levels",
            line=mark.line + 1 + first_line if mark is not None else None,
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 + first_line if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    if problem.startswith("could not determine a constructor for the tag"):
        tag = problem.rsplit(" ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
        return ParseError(f"YAML tag {tag} is not allowed", line=line)
    context = getattr(exc, "context", None)
    message = f"{context}: {problem}" if context else problem
    return ParseError(f"invalid YAML: {message}", line=line)


def _find_bad_scalar(text, first_line):
    """(field, line, node) of the first value the safe constructor refuses."""
    loader = yaml.CSafeLoader(text)
    try:
        root = loader.get_single_node()
        for field, node in _walk(root):
            if isinstance(node, yaml.ScalarNode):
                try:
                    loader.construct_object(node)
                except Exception:
                    return field, node.start_mark.line + 1 + first_line, node
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return "", None, None


def _walk(root):
    """(field path, node) in document order: 'related[1].publishedDateTime'."""
    stack = [("", root)]
    while stack:
        field, node = stack.pop()
        yield field, node
        children = []
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                children.append((f"{field}.{name}" if field else name, value))
        elif isinstance(node, yaml.SequenceNode):
            children = [(f"{field}[{index}]", item) for index, item in enumerate(node.value)]
        stack.extend(reversed(children))


def _with_lines(problems, yaml_text, first_line):
    """Add the file line of each problem's field (or its nearest parent), composing only now."""
    if all(problem.line is not None or not problem.field for problem in problems):
        return problems
    loader = yaml.CSafeLoader(yaml_text)
    try:
        lines = {
            field: node.start_mark.line + 1 + first_line
            for field, node in _walk(loader.get_single_node())
        }
    except yaml.YAMLError:
        return problems
    finally:
        loader.dispose()
    located = []
    for problem in problems:
        field = problem.field
        while problem.line is None and field and field not in lines:
            parent = _LAST_PART.sub("", field)
            field = "" if parent == field else parent
        if problem.line is None and field:
            problem = dataclasses.replace(problem, line=lines[field])
        located.append(problem)
    return located


def position_from_path(path: str) -> int:
    """Display order from a taxonomy file name: '02-computer-vision.yaml' → 2."""
    match = re.match(r"(\d{1,9})-", PurePosixPath(path.replace("\\", "/")).name)
    return int(match.group(1)) if match else validate.DEFAULT_POSITION
