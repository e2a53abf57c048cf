"""Moving sections and items: the one shared piece behind every reordering
fix. A chunk is cut whole (a section with its body and subsections, an item
with its nested items and continuation lines); only the blank lines at the
seams are normalised."""

from __future__ import annotations

import re
from typing import Sequence

from .document import Document, Item, Section
from .engine import Edit

_DIRECTIVE_LINE = re.compile(r"^[ \t]*<!--\s*roadmaplint-[^\n]*-->[ \t]*$")


def _line_start(doc: Document, offset: int) -> int:
    return doc.source.line_start(doc.source.line_of(offset))


def _after_line(doc: Document, offset: int) -> int:
    """Offset of the start of the line after the one holding ``offset``."""
    src = doc.source
    line = src.line_of(offset)
    return src.line_start(line + 1) if line + 1 < src.line_count else len(src.text)


def section_start(doc: Document, section: Section) -> int:
    """Where a section's chunk starts: its heading line, or the suppression
    comments right above it, which travel with it."""
    src = doc.source
    line = src.line_of(section.span.start)
    while line > 0 and _DIRECTIVE_LINE.match(src.line_text(line - 1)):
        line -= 1
    return src.line_start(line)


def _chunks(doc: Document, starts: list[int], last_end: int) -> list[str]:
    text = doc.text
    ends = starts[1:] + [last_end]
    return [text[a:b] for a, b in zip(starts, ends)]


def _seam(chunk: str, newline: str, blank: bool) -> str:
    body = chunk.rstrip(" \t\r\n")
    return body + newline + (newline if blank else "")


def reorder(doc: Document, starts: list[int], last_end: int, order: Sequence[int], blank: bool) -> Edit | None:
    """An edit that puts the chunks starting at ``starts`` (the last ending at
    ``last_end``) in ``order``, separated by one blank line when ``blank``."""
    if list(order) == sorted(order):
        return None
    chunks = _chunks(doc, starts, last_end)
    nl = doc.source.newline
    new = "".join(_seam(chunks[i], nl, blank) for i in order)
    old = doc.text[starts[0] : last_end]
    if not old.endswith(("\n", "\r")):
        new = new.rstrip("\r\n")
    elif blank:
        new = new[: -len(nl)]  # the blank line after the last chunk stays where it was
    return minimal(doc.text, starts[0], last_end, new)


def minimal(text: str, start: int, end: int, new: str) -> Edit:
    """The same replacement with the unchanged prefix and suffix trimmed."""
    old = text[start:end]
    p = 0
    limit = min(len(old), len(new))
    while p < limit and old[p] == new[p]:
        p += 1
    s = 0
    while s < limit - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
        s += 1
    return Edit(start + p, end - s, new[p : len(new) - s])


def move_sections(doc: Document, siblings: list[Section], order: Sequence[int]) -> Edit | None:
    """Reorder sibling sections (each with its subsections)."""
    if len(siblings) < 2:
        return None
    starts = [section_start(doc, s) for s in siblings]
    last_end = _after_line(doc, siblings[-1].span.end)
    return reorder(doc, starts, last_end, order, blank=True)


def move_items(doc: Document, items: list[Item], order: Sequence[int]) -> Edit | None:
    """Reorder the items of one list (each with its nested items)."""
    if len(items) < 2:
        return None
    starts = [_line_start(doc, it.span.start) for it in items]
    src = doc.source
    # a loose list keeps its blank lines between items
    loose = any(
        not src.line_text(line).strip()
        for a, b in zip(items, items[1:])
        for line in range(src.line_of(a.span.end) + 1, src.line_of(b.span.start))
    )
    last_end = _after_line(doc, items[-1].span.end)
    return reorder(doc, starts, last_end, order, blank=loose)


def stable_order(keys: Sequence[object]) -> list[int]:
    """Indexes sorted by key, ties keeping their order."""
    return sorted(range(len(keys)), key=lambda i: (keys[i], i))  # type: ignore[index]
