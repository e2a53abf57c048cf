"""What GitHub shows: cmark-gfm's HTML, the judge of what a fix changed.

GitHub renders Markdown with cmark-gfm (its tables, strikethrough, autolink,
tag filter and task-list extensions). A fix declares what it may change in
that rendering (:class:`~roadmaplint.engine.Rendering`); the fix guard checks
the declaration here rather than with our own parser, so that where the two
disagree about what a line means, GitHub's reading wins.

``cmarkgfm`` is imported on first use: a run that applies no fix never loads it.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

_render: Any = None
_BETWEEN_TAGS = re.compile(r">\s+<")


def html(text: str) -> str:
    """The HTML GitHub renders for ``text``, raw HTML kept (before GitHub's
    sanitiser, so a change to an HTML block shows too), with the white space
    between tags folded."""
    return _BETWEEN_TAGS.sub("><", _raw(text)).strip()


def _raw(text: str) -> str:
    global _render
    if _render is None:
        import cmarkgfm
        from cmarkgfm.cmark import Options

        options = Options.CMARK_OPT_UNSAFE

        def _render(t: str) -> str:
            return cmarkgfm.github_flavored_markdown_to_html(t, options=options)

    return _render(text)


def same(before: str, after: str) -> bool:
    """Whether GitHub renders the two texts alike."""
    return before == after or html(before) == html(after)


def same_blocks(before: str, after: str) -> bool:
    """Whether the two render the same blocks, in any order (a section moved
    whole): the rendered lines, counted."""
    if before == after:
        return True
    return _lines(before) == _lines(after)


def _lines(text: str) -> Counter:
    # cmark-gfm ends every block element's line: compare the lines, not
    # their order
    return Counter(line.strip() for line in _raw(text).split("\n") if line.strip())
