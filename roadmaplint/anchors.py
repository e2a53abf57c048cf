"""Anchors as GitHub makes them: the slug of a heading's text
(github-slugger), made unique in document order, and every fragment a link
into a document can name (heading anchors, HTML ``id`` and ``name``)."""

from __future__ import annotations

import html
import os
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterator
from urllib.parse import unquote

from .lazyre import lazy
from .violations import Record

if TYPE_CHECKING:
    from .document import Document


# Other_Symbol characters with the Alphabetic property (circled and squared
# Latin letters): GitHub keeps them, as it keeps letters.
_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))


@lru_cache(maxsize=8192)
def _kept(ch: str) -> bool:
    if ch in " -":
        return True
    cat = unicodedata.category(ch)
    if cat[0] in "LM" or cat in ("Nd", "Nl", "Pc"):
        return True
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _ALPHABETIC_SYMBOLS)


class _SlugTable(dict):  # type: ignore[type-arg]
    """str.translate's table for :func:`slug`, filled on first sight of each
    character: a space to ``-``, a kept character to itself, any other
    dropped."""

    def __missing__(self, cp: int) -> str | None:
        ch = chr(cp)
        out = "-" if ch == " " else ch if _kept(ch) else None
        if len(self) < 8192:  # as many as _kept keeps
            self[cp] = out
        return out


_SLUG_TABLE = _SlugTable()


def slug(text: str) -> str:
    """GitHub's anchor for a heading whose text is ``text`` (github-slugger):
    lower case; letters, marks (U+FE0F included), decimal and letter numbers,
    connector punctuation and ``-`` kept; spaces to ``-``; everything else,
    emoji and other symbols among it, dropped. No trimming."""
    return text.lower().translate(_SLUG_TABLE)


class Slugger:
    """Unique slugs in document order: a repeat gets ``-1``, ``-2``, ... and
    a suffix already taken is skipped (``echo``, ``echo``, ``echo-1`` give
    ``echo``, ``echo-1``, ``echo-1-1``)."""

    def __init__(self) -> None:
        self.occurrences: dict[str, int] = {}

    def slug(self, text: str) -> str:
        base = result = slug(text)
        while result in self.occurrences:
            self.occurrences[base] += 1
            result = f"{base}-{self.occurrences[base]}"
        self.occurrences[result] = 0
        return result


def norm_fragment(fragment: str) -> str:
    """How a fragment is compared with an anchor: percent-decoded, without
    GitHub's ``user-content-`` prefix, case-folded, and without U+FE0F.

    GitHub keeps U+FE0F (the emoji presentation selector) in an anchor, so
    ``## ⚙️ Setup`` is ``#%EF%B8%8F-setup`` there; other renderers drop it and
    no reader can see it, so both spellings are accepted."""
    text = unquote(fragment).strip().lower().replace("\ufe0f", "")
    return text[len("user-content-"):] if text.startswith("user-content-") else text


def _inline_texts(tokens: list[dict[str, Any]]) -> tuple[str, str]:
    """A heading's text as GitHub slugs it (the rendered text content, where
    a line break is a newline), and with line breaks as spaces, as other
    renderers read it: one walk for both. An image adds nothing to either,
    not even its alt text, and neither is trimmed: `## ![logo](l.png) Brand`
    is `#-brand`, `## &#x20;b` is `#-b`."""
    parts: list[str | None] = []  # None: a line break
    _inline_parts(tokens, parts)
    if None not in parts:
        text = "".join(parts)  # type: ignore[arg-type]
        return text, text
    return ("".join("\n" if p is None else p for p in parts), "".join(" " if p is None else p for p in parts))


def _inline_parts(tokens: list[dict[str, Any]], parts: list[str | None]) -> None:
    for tok in tokens:
        kind = tok["type"]
        if kind == "text":
            parts.append(html.unescape(tok.get("raw", "")))
        elif kind == "codespan":
            parts.append(tok.get("raw", ""))
        elif kind in ("softbreak", "linebreak"):
            parts.append(None)
        elif kind != "image" and tok.get("children"):
            _inline_parts(tok["children"], parts)


_HTML_HEADING = lazy(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.I | re.S)
_TAG = lazy(r"<[^>]*>")
_HTML_TAG = lazy(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>")
_HTML_ATTR = lazy(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def _html_anchors(doc: Document) -> Iterator[str]:
    """The fragments HTML written in the document defines: every ``id``
    attribute, and ``name`` on ``<a>`` (a browser looks for no other
    element's name), whatever the attributes' order."""
    for tag in _HTML_TAG.finditer(doc.text, doc.front_matter.end if doc.front_matter else 0):
        if doc.in_code(tag.start()):
            continue
        element = tag.group(1).lower()
        for attr in _HTML_ATTR.finditer(tag.group(2)):
            name = attr.group(1).lower()
            value = next((g for g in attr.groups()[1:] if g is not None), None)
            if value is not None and (name == "id" or (name == "name" and element == "a")):
                yield html.unescape(value)


class Anchors(Record):
    """The fragments a link into one document can name."""

    # a plain class, not a dataclass: start-up pays for each one built;
    # equality over every field and the repr of the first two, as the
    # dataclass had them
    _fields = ("slugs", "names", "_suggested", "_by_norm", "_index", "_bags")
    _hidden = ("_suggested", "_by_norm", "_index", "_bags")

    def __init__(self, slugs: list[str] | None = None, names: set[str] | None = None,
                 _suggested: dict[str, list[str]] | None = None, _by_norm: dict[str, str] | None = None,
                 _index: list[tuple[str, int]] | None = None,
                 _bags: dict[str, frozenset[int]] | None = None) -> None:
        self.slugs = [] if slugs is None else slugs  # GitHub's heading anchors, in order
        self.names = set() if names is None else names  # every accepted fragment, normalised
        self._suggested = {} if _suggested is None else _suggested
        # the heading anchors normalised, each to its first anchor, each
        # normalised anchor with its length, and the bags of characters
        # built so far: made on the first suggestion and shared by all
        # that follow
        self._by_norm = _by_norm
        self._index = _index
        self._bags = {} if _bags is None else _bags

    def __contains__(self, fragment: str) -> bool:
        return norm_fragment(fragment) in self.names

    def closest(self, fragment: str) -> list[str]:
        """Heading anchors close to ``fragment`` (at most two)."""
        want = norm_fragment(fragment)
        if want not in self._suggested:
            # each search compares against every heading: suggest for the
            # first hundred distinct fragments, so that a file full of broken
            # links stays linear
            if len(self._suggested) >= 100:
                return []
            if self._by_norm is None:
                by_norm: dict[str, str] = {}
                for s in self.slugs:
                    by_norm.setdefault(norm_fragment(s), s)
                self._by_norm = by_norm
                self._index = [(x, len(x)) for x in by_norm]
            found = _close_matches(want, self._by_norm, index=self._index, bags=self._bags)
            self._suggested[want] = [self._by_norm[n] for n in found]
        return self._suggested[want]


def _bag(text: str) -> frozenset[int]:
    """The characters of ``text`` as a set, a repeated one once per
    occurrence (the j-th ``c`` is ``ord(c) + j * 0x110000``): the size of two
    bags' intersection is the number of characters they share, counted
    with multiplicity, as difflib's quick_ratio counts them."""
    seen: dict[str, int] = {}
    out = []
    for ch in text:
        j = seen[ch] = seen.get(ch, -1) + 1
        out.append(ord(ch) + j * 0x110000)
    return frozenset(out)


def _anchor_bag(x: str, bags: dict[str, frozenset[int]]) -> frozenset[int]:
    """_bag(x), built from the bag of the anchor it repeats when there is
    one: GitHub's ``x-1``, ``x-2`` for the second and third heading ``x``
    (the base's characters keep their tags; the suffix's continue them)."""
    head, dash, tail = x.rpartition("-")
    base = bags.get(head) if dash and tail.isdigit() else None
    if base is None:
        return _bag(x)
    # the j-th c of x (from 0): the c of the head, then those of the suffix
    later: dict[str, int] = {}
    out = []
    for ch in x[len(head):]:
        k = later.get(ch, 0)
        later[ch] = k + 1
        out.append(ord(ch) + (head.count(ch) + k) * 0x110000)
    return base.union(out)


def _lcs(positions: dict[str, int], m: int, text: str) -> int:
    """The length of the longest common subsequence of ``text`` and a word
    of length ``m`` whose characters' positions are the bit masks
    ``positions`` (bit-parallel, Hyyrö 2004): a bound on the characters
    difflib's ratio matches, since its matching blocks are in order in
    both strings."""
    mask = (1 << m) - 1
    v = mask
    for ch in text:
        p = positions.get(ch)
        if p:
            u = v & p
            v = ((v + u) | (v - u)) & mask
    return m - v.bit_count()


def _close_matches(word: str, possibilities: dict[str, str], n: int = 2, cutoff: float = 0.6,
                   index: list[tuple[str, int]] | None = None,
                   bags: dict[str, frozenset[int]] | None = None) -> list[str]:
    """difflib.get_close_matches(word, list(possibilities), n, cutoff), the
    same answer for less work. Each anchor's score is bounded from above
    before difflib compares: by the characters it shares with the word
    (difflib's quick_ratio, from bags of characters: ``index`` holds
    (anchor, length), ``bags`` the anchors' bags, each built on first need
    and kept for the document's next search; an anchor whose length alone
    keeps it under the cutoff needs none), then by
    the longest common subsequence; the anchors are tried best bound first,
    and the search stops once no anchor left can beat the n found."""
    import difflib  # only when a fragment names no anchor
    import heapq

    if index is None:
        index = [(x, len(x)) for x in possibilities]
    if bags is None:
        bags = {}
    lw = len(word)
    mine = _bag(word)
    candidates = []
    for x, lx in index:
        total = lx + lw
        if total:
            # the bags share at most the shorter one's characters
            if 2.0 * (lx if lx < lw else lw) / total < cutoff:
                continue
            bag = bags.get(x)
            if bag is None:
                bag = bags[x] = _anchor_bag(x, bags)
            bound = 2.0 * len(mine & bag) / total
        else:
            bound = 1.0
        if bound >= cutoff:
            candidates.append((bound, x))
    candidates.sort(key=lambda c: -c[0])
    positions: dict[str, int] = {}
    for i, ch in enumerate(word):
        positions[ch] = positions.get(ch, 0) | 1 << i
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    top: list[tuple[float, str]] = []  # (score, anchor), best first, as difflib ranks them
    for bound, x in candidates:
        floor = top[-1][0] if len(top) == n else cutoff
        if bound < floor:
            break
        total = len(x) + lw
        if total and 2.0 * _lcs(positions, lw, x) / total < floor:
            continue
        matcher.set_seq1(x)
        score = matcher.ratio()
        if score >= cutoff:
            top = heapq.nlargest(n, [*top, (score, x)])
    return [x for _, x in top]


def anchors(doc: Document) -> Anchors:
    """Heading anchors as GitHub makes them, in document order with ``-N``
    for repeats (headings written as HTML count too), ``id`` attributes of
    HTML elements and ``name`` attributes of ``<a>``. A second reading of
    each heading (line breaks as spaces) is accepted as well, so that a link
    made by another renderer's rules is not reported."""
    found: list[tuple[int, str, str]] = []  # (offset, GitHub text, other text)
    for h in doc.headings:
        found.append((h.span.start, *_inline_texts(h.block.inline)))
    out = Anchors()
    for block in doc.walk_blocks():
        if block.type != "html":
            continue
        raw = doc.text[block.span.start : block.span.end]
        for m in _HTML_HEADING.finditer(raw):
            text = html.unescape(_TAG.sub("", m.group(2))).strip()
            found.append((block.span.start + m.start(), text, " ".join(text.split())))
    found.sort(key=lambda f: f[0])
    github, other = Slugger(), Slugger()
    # while every heading so far reads alike both ways, the second slugger
    # would give what the first gives: it takes over the first's counts at
    # the first heading that reads otherwise
    alike = True
    for _, text, alt in found:
        if alike and alt != text:
            alike = False
            other.occurrences = dict(github.occurrences)
        out.slugs.append(github.slug(text))
        out.names.add(norm_fragment(out.slugs[-1]))
        if not alike:
            out.names.add(norm_fragment(other.slug(alt)))
    for value in _html_anchors(doc):
        out.names.add(norm_fragment(value))
    out.names.add("top")  # browsers scroll to the top for #top
    return out


@lru_cache(maxsize=64)
def _file_anchors(path: str, mtime: float) -> Anchors:
    from .document import load
    from .files import read

    return anchors(load(read(path)))


def file_anchors(target: str) -> Anchors | None:
    """The anchors of the Markdown file at ``target``, or None when it
    cannot be read as one."""
    try:
        return _file_anchors(target, os.stat(target).st_mtime)
    except Exception:  # unreadable, not text, a parse failure: not ours to judge
        return None
