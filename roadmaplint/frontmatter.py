"""Front matter: the YAML (``---``) or TOML (``+++``) block that Jekyll,
Hugo and GitHub Pages read at the very start of a file.

GitHub shows it as a table and static site generators strip it before
rendering, so to roadmaplint it is metadata, not Markdown: the parser sees
its lines as blank (offsets unchanged), no rule reports inside it and no fix
touches it.

What counts: the first line is ``---`` (YAML) or ``+++`` (TOML), trailing
spaces aside; a later line of ``---`` or ``...`` (YAML) or ``+++`` (TOML)
closes it; and what lies between looks like keys. A document that opens
with a thematic break, then prose and a Setext underline (``---`` / ``Some
text`` / ``---``) is Markdown, not front matter. An unclosed block is
Markdown too.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .lazyre import lazy
from .violations import Record

if TYPE_CHECKING:
    from .document import Span
    from .source import Source

_OPEN = {"---": ("yaml", ("---", "...")), "+++": ("toml", ("+++",))}

# a top-level YAML key: plain (no spaces: "Some prose: here" is prose) or quoted
_YAML_KEY = lazy(
    r"""(?P<key>[A-Za-z0-9_$@][\w.$@/-]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*')[ \t]*:(?=[ \t]|$)"""
)
# a top-level TOML key (bare, quoted or dotted) or a table header
_TOML_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_TOML_KEY = lazy(rf"(?P<key>{_TOML_PART}(?:[ \t]*\.[ \t]*{_TOML_PART})*)[ \t]*=[ \t]*")
_TOML_TABLE = lazy(rf"\[\[?[ \t]*{_TOML_PART}(?:[ \t]*\.[ \t]*{_TOML_PART})*[ \t]*\]\]?[ \t]*(?:#.*)?$")

_INT = lazy(r"[-+]?(?:0|[1-9]\d*)")
_FLOAT = lazy(r"[-+]?(?:\.\d+|\d+\.\d*|\d+(?:\.\d*)?[eE][-+]?\d+)")


class FrontMatter(Record):
    # a plain class, not a dataclass: start-up pays for each one built
    __slots__ = _fields = ("start", "end", "last_line", "format", "raw", "keys", "values")

    def __init__(self, start: int, end: int, last_line: int, format: str, raw: str,
                 keys: dict[str, Any] | None = None, values: dict[str, tuple[int, int]] | None = None) -> None:
        self.start = start  # 0: it opens the text (after the BOM); 1 after a second, stray BOM
        self.end = end  # just past the closing delimiter line's content (before its newline)
        self.last_line = last_line  # 0-based line of the closing delimiter
        self.format = format  # yaml | toml
        self.raw = raw  # source.text[start:end]: both delimiters and what lies between
        # the parsed keys (TOML: the whole table; YAML: simple top-level
        # scalars), or None when the block does not parse
        self.keys = keys
        # top-level scalar key -> (start, end) of its value in the source (the
        # inside of quotes)
        self.values = {} if values is None else values

    @property
    def span(self) -> Span:
        from .document import Span

        return Span(self.start, self.end)

    @property
    def lines(self) -> range:
        """0-based lines it takes, delimiters included."""
        return range(0, self.last_line + 1)

    def touches(self, start: int, end: int) -> bool:
        """Whether replacing ``[start, end)`` changes a character of it (an
        insertion at its start changes what it is; one at its end does not)."""
        if start == end:
            return self.start <= start < self.end
        return start < self.end and self.start < end


def detect(source: Source) -> FrontMatter | None:
    """The front matter that opens ``source`` (after its byte-order mark),
    or None."""
    if source.line_count < 2:
        return None
    # a second byte-order mark, kept as text (the bom rule removes it)
    start = 1 if source.text.startswith("\ufeff") else 0
    opening = source.line_text(0)[start:].rstrip(" \t")
    if opening not in _OPEN:
        return None
    fmt, closers = _OPEN[opening]
    close = next((n for n in range(1, source.line_count) if source.line_text(n).rstrip(" \t") in closers), None)
    if close is None:
        return None
    body = [source.line_text(n) for n in range(1, close)]
    if not (_looks_like_yaml(body) if fmt == "yaml" else _looks_like_toml(body)):
        return None
    end = source.line_end(close)
    fm = FrontMatter(start, end, close, fmt, source.text[start:end])
    if fmt == "yaml":
        fm.keys, fm.values = _yaml_scalars(source, close)
    else:
        fm.keys, fm.values = _toml(source, close)
    return fm


def _significant(line: str) -> bool:
    s = line.strip(" \t")
    return bool(s) and not s.startswith("#")


def _empty(body: list[str]) -> bool:
    """Nothing but blank lines: Jekyll's empty front matter (``---`` /
    ``---``). A block of comments only is not taken: ``---`` / ``# Roadmap``
    / ``---`` is a heading between two thematic breaks."""
    return not any(line.strip(" \t") for line in body)


def _looks_like_yaml(body: list[str]) -> bool:
    """Every line that is not blank, a comment or indented is a key (or an
    item of a sequence under one), and there is a key."""
    if _empty(body):
        return True
    seen_key = False
    for line in body:
        if not _significant(line):
            continue
        if line[0] in " \t" or line.startswith("-") and line[1:2] in ("", " ", "\t"):
            if not seen_key:
                return False
            continue
        if not _YAML_KEY.match(line):
            return False
        seen_key = True
    return seen_key


def _looks_like_toml(body: list[str]) -> bool:
    """The first line that is not blank or a comment is a key or a table
    header (later lines may continue a multi-line value)."""
    if _empty(body):
        return True
    first = next((line for line in body if _significant(line)), None)
    return first is not None and bool(_TOML_KEY.match(first.lstrip(" \t")) or _TOML_TABLE.match(first.lstrip(" \t")))


# -- keys ---------------------------------------------------------------------


def _unquote_key(key: str) -> str | None:
    if key.startswith('"'):
        import json

        try:
            return json.loads(key)
        except ValueError:
            return None
    if key.startswith("'"):
        return key[1:-1].replace("''", "'")
    return key


def _yaml_scalar(text: str, at: int) -> tuple[Any, tuple[int, int]] | None:
    """A one-line YAML scalar that starts at ``at`` in ``text`` (the rest of
    a key line): its value and where that value lies; None for anything
    else (a nested block, a flow collection, an alias, a tag)."""
    rest = text[at:]
    stripped = rest.lstrip(" \t")
    at += len(rest) - len(stripped)
    if not stripped or stripped[0] in "|>[]{}&*!%@`#,":
        return None
    if stripped[0] == '"':
        m = re.match(r'"((?:[^"\\]|\\.)*)"[ \t]*(?:#.*)?$', stripped)
        if not m:
            return None
        import json

        try:
            value = json.loads('"' + m.group(1) + '"')
        except ValueError:
            return None
        return value, (at + 1, at + 1 + len(m.group(1)))
    if stripped[0] == "'":
        m = re.match(r"'((?:[^']|'')*)'[ \t]*(?:#.*)?$", stripped)
        if not m:
            return None
        return m.group(1).replace("''", "'"), (at + 1, at + 1 + len(m.group(1)))
    m = re.search(r"[ \t]#", stripped)
    plain = (stripped[: m.start()] if m else stripped).rstrip(" \t")
    if ": " in plain or plain.endswith(":"):
        return None  # a nested mapping on one line is not YAML
    span = (at, at + len(plain))
    if plain in ("~", "null", "Null", "NULL"):
        return None, span
    if plain in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return plain.lower() == "true", span
    if _INT.fullmatch(plain):
        return int(plain), span
    if _FLOAT.fullmatch(plain):
        return float(plain), span
    return plain, span


def _yaml_scalars(source: Source, close: int) -> tuple[dict[str, Any] | None, dict[str, tuple[int, int]]]:
    """Top-level ``key: value`` pairs whose value is a one-line scalar; a
    repeated key (an error in YAML) makes it None."""
    keys: dict[str, Any] = {}
    values: dict[str, tuple[int, int]] = {}
    seen: set[str] = set()
    for n in range(1, close):
        line = source.line_text(n)
        m = _YAML_KEY.match(line) if _significant(line) and line[0] not in " \t-" else None
        if not m:
            continue
        key = _unquote_key(m.group("key"))
        if key is None:
            return None, {}
        if key in seen:
            return None, {}
        seen.add(key)
        following = source.line_text(n + 1) if n + 1 < close else ""
        if following[:1] in (" ", "\t") and following.strip():
            continue  # a value that goes on below: not a one-line scalar
        found = _yaml_scalar(line, m.end())
        if found is None:
            continue
        value, (a, b) = found
        base = source.line_start(n)
        keys[key] = value
        values[key] = (base + a, base + b)
    return keys, values


def _toml(source: Source, close: int) -> tuple[dict[str, Any] | None, dict[str, tuple[int, int]]]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    body = "\n".join(source.line_text(n) for n in range(1, close))
    try:
        table = tomllib.loads(body)
    except (tomllib.TOMLDecodeError, ValueError):
        return None, {}
    values: dict[str, tuple[int, int]] = {}
    for n in range(1, close):
        line = source.line_text(n)
        if line.lstrip(" \t").startswith("["):
            break  # a table header: later keys are not top-level
        m = _TOML_KEY.match(line)
        if not m or "." in m.group("key").strip("\"'"):
            continue
        key = _unquote_key(m.group("key"))
        if key is None or key not in table or isinstance(table[key], (dict, list)):
            continue
        rest = line[m.end() :]
        q = re.match(r"""("|')(.*?)\1""", rest)
        a, b = (m.end() + 1, m.end() + 1 + len(q.group(2))) if q else (m.end(), m.end() + len(rest.split("#")[0].rstrip(" \t")))
        base = source.line_start(n)
        values[key] = (base + a, base + b)
    return _jsonable(table), values


def _jsonable(value: Any) -> Any:
    """TOML dates and times as ISO 8601 text."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
