"""What GitHub shows: cmark-gfm's HTML, the judge of what a fix changed.

GitHub renders Markdown with cmark-gfm (its tables, strikethrough, autolink,
tag filter and task-list extensions). A fix declares what it may change in
that rendering (:class:`~roadmaplint.violations.Rendering`); the fix guard checks
the declaration here rather than with our own parser, so that where the two
disagree about what a line means, GitHub's reading wins.

``cmarkgfm`` is imported on first use: a run that applies no fix never loads it.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .source import as_replacement

_render: Any = None
_BETWEEN_TAGS = re.compile(r">[ \t\r\n\f]+<")


_TAGS = re.compile(r"(?<=>)(?=<)")  # between two tags: where html() is cut into pieces
_PRE = re.compile(r"(<pre[ >].*?</pre>)", re.S)
_SPACE = re.compile(r"[ \t\r\n\f]+")  # ASCII white space: a browser keeps a no-break space


def html(text: str) -> str:
    """The HTML GitHub renders for ``text``, raw HTML kept (before GitHub's
    sanitiser, so a change to an HTML block shows too), white space folded
    as a browser folds it: outside ``<pre>``, a run of white space is one
    space (a soft line break is a space), and none between tags."""
    parts = _PRE.split(_raw(text))
    for i in range(0, len(parts), 2):  # the even parts are outside <pre>
        parts[i] = _BETWEEN_TAGS.sub("><", _SPACE.sub(" ", parts[i]))
    return "".join(parts).strip()


def _raw(text: str) -> str:
    global _render
    if _render is None:
        import cmarkgfm
        from cmarkgfm.cmark import Options

        options = Options.CMARK_OPT_UNSAFE

        def _render(t: str) -> str:
            return cmarkgfm.github_flavored_markdown_to_html(t, options=options)

    # bytes that are not UTF-8 are held as lone surrogates: U+FFFD for each
    return _render(as_replacement(text))


def same(before: str, after: str) -> bool:
    """Whether GitHub renders the two texts alike."""
    return before == after or html(before) == html(after)


def same_blocks(before: str, after: str) -> bool:
    """Whether the two render the same blocks, in any order (a section moved
    whole): the rendered lines, counted."""
    if before == after:
        return True
    return _lines(before) == _lines(after)


# where a rewritten token ends: white space and the punctuation of Markdown
# and HTML markup around it
_TOKEN_END = frozenset(" \t\r\n()[]<>\"'`|*_")


def rewritten_only(before: str, after: str, edits: list[Any]) -> bool:
    """Whether ``after`` (``before`` with ``edits``) renders as ``before``
    does but for the rewritten tokens: each edit widened to the run of text
    around it (a repaired emoji, a URL with its new host): the tokens
    replaced in the page in order give the new page, or else every
    difference between the pages lies inside one token's old and new forms."""
    import html as _html

    # each edit widened to its token; edits in one token change it together
    spans: list[list[Any]] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        a, b = e.start, e.end
        while a > 0 and before[a - 1] not in _TOKEN_END:
            a -= 1
        while b < len(before) and before[b] not in _TOKEN_END:
            b += 1
        if spans and a <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
            spans[-1][2].append(e)
        else:
            spans.append([a, b, [e]])
    pairs = []
    for a, b, group in spans:
        old, parts, at = before[a:b], [], a
        for e in group:
            parts.append(before[at : e.start] + e.replacement)
            at = e.end
        parts.append(before[at:b])
        # as _raw shows them: a byte that is not UTF-8 as U+FFFD
        old, new = as_replacement(old), as_replacement("".join(parts))
        pairs += [(old, new), (_html.escape(old, quote=True), _html.escape(new, quote=True))]
    was, want = html(before), html(after)
    if len(was) + len(want) > _EXPLAIN_LIMIT:
        # too large to compare token by token in linear time (each token
        # replaced in a page of this size): the word and code guards still
        # hold for it
        return True
    if _replaced_in_order(was, pairs) == want or _replaced_everywhere(was, pairs) == want:
        return True
    return _explained(was, want, pairs)


# beyond this many characters of HTML (the page before and after), a
# rewrite is not compared token by token nor piece by piece
_EXPLAIN_LIMIT = 200_000


def _replaced_everywhere(page: str, pairs: list[tuple[str, str]]) -> str:
    """``page`` with every token replaced wherever it appears (a URL shows
    twice: in the link's address and as its text)."""
    for i in range(0, len(pairs), 2):
        for old, new in pairs[i : i + 2]:  # as written, or HTML-escaped
            if old in page:
                page = page.replace(old, new)
                break
    return page


def _replaced_in_order(page: str, pairs: list[tuple[str, str]]) -> str:
    """``page`` with each token replaced where it next appears, in order
    (the page shows text in the order the source has it)."""
    out, at = [], 0  # the search resumes after the last replacement
    for i in range(0, len(pairs), 2):
        for old, new in pairs[i : i + 2]:  # as written, or HTML-escaped
            k = page.find(old, at)
            if k >= 0:
                out += (page[at:k], new)
                at = k + len(old)
                break
    out.append(page[at:])
    return "".join(out)


def _explained(before: str, after: str, pairs: list[tuple[str, str]]) -> bool:
    """Whether every difference between the two pages lies inside one
    token's old and new forms."""
    from difflib import SequenceMatcher

    old_pieces, new_pieces = _TAGS.split(before), _TAGS.split(after)
    regions = SequenceMatcher(None, old_pieces, new_pieces, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in regions:
        if tag == "equal":
            continue
        o, n = "".join(old_pieces[i1:i2]), "".join(new_pieces[j1:j2])
        if len(o) + len(n) > 20000:
            return False
        for op, k1, k2, m1, m2 in SequenceMatcher(None, o, n, autojunk=False).get_opcodes():
            if op != "equal" and not any(o[k1:k2] in old and n[m1:m2] in new for old, new in pairs):
                return False
    return True


def _lines(text: str) -> Counter:
    # cmark-gfm ends every block element's line: compare the lines, not
    # their order
    return Counter(line.strip() for line in _raw(text).split("\n") if line.strip())
