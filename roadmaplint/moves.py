"""Moving sections and items: the one shared piece behind every reordering
fix. A chunk is cut whole (a section with its body and subsections, an item
with its nested items and continuation lines); only the blank lines at the
seams are normalised."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Sequence

from .document import Document, Item, Section, load
from .violations import Edit
from .lazyre import lazy

# the suppression comments that speak about what follows them; an "enable"
# closes the section above it and stays there
_DIRECTIVE_LINE = lazy(r"^[ \t]*<!--\s*roadmaplint-disable(?:-next-line)?(?![\w-])[^\n]*-->[ \t]*$")
_ORDERED = lazy(r"^([ \t>]*)(\d{1,9})([.)])")


def _last_line(doc: Document, start: int, end: int) -> int:
    """The line holding the last character of [start, end)."""
    return doc.source.line_of(max(start, end - 1))


def _after(doc: Document, start: int, end: int) -> int:
    """Offset of the start of the line after the span's last line."""
    src = doc.source
    line = _last_line(doc, start, end)
    return src.line_start(line + 1) if line + 1 < src.line_count else len(src.text)


def section_start(doc: Document, section: Section) -> int:
    """Where a section's chunk starts: its heading line, or the suppression
    comments right above it, which travel with it."""
    src = doc.source
    line = src.line_of(section.span.start)
    while line > 0 and _DIRECTIVE_LINE.match(src.line_text(line - 1)):
        line -= 1
    return src.line_start(line)


def _trim(chunk: str) -> str:
    """The chunk without the blank lines after its last line (that line
    keeps its own trailing spaces: they may be a hard line break)."""
    last = len(chunk.rstrip())
    if last == 0:
        return ""
    m = re.compile(r"\r\n|\r|\n").search(chunk, last)
    return chunk[: m.start()] if m else chunk


def reorder(doc: Document, starts: list[int], last_end: int, order: Sequence[int], blank: bool,
            chunks: list[str] | None = None) -> Edit | None:
    """An edit that puts the chunks starting at ``starts`` (the last ending at
    ``last_end``) in ``order``, separated by one blank line when ``blank``."""
    if list(order) == list(range(len(starts))):
        return None
    assert sorted(order) == list(range(len(starts))), order
    text = doc.text
    if chunks is None:
        chunks = [text[a:b] for a, b in zip(starts, [*starts[1:], last_end])]
    nl = doc.source.newline
    sep = nl + nl if blank else nl
    new = sep.join(_trim(chunks[i]) for i in order)
    old = text[starts[0] : last_end]
    # whatever followed the last chunk's last line (its newline, blank lines
    # that are not part of it) stays where it was
    return minimal(text, starts[0], last_end, new + old[len(_trim(old)) :])


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


def _apply(text: str, edit: Edit) -> str:
    return text[: edit.start] + edit.replacement + text[edit.end :]


def _titles(doc: Document, lo: int, hi: int) -> list[tuple[int, str]]:
    return [(h.level, h.title) for h in doc.headings if lo <= h.span.start < hi]


def move_sections(doc: Document, siblings: list[Section], order: Sequence[int]) -> Edit | None:
    """Reorder sibling sections (each with its subsections). None when the
    order is already right, or when the moved text would not parse back into
    the same sections (an unclosed code fence at the end of the last one)."""
    if len(siblings) < 2:
        return None
    starts = [section_start(doc, s) for s in siblings]
    last = siblings[-1].span
    last_end = _after(doc, last.start, last.end)
    edit = reorder(doc, starts, last_end, order, blank=True)
    if edit is None:
        return None
    # a section that ends in a code or HTML block left open would swallow
    # what follows it once moved up: parse the result to be sure
    tail = siblings[-1]
    while tail.children:
        tail = tail.children[-1]
    if not tail.blocks or tail.blocks[-1].type not in ("code", "html"):
        return edit
    # the sections alone: an open block swallows only what follows it, and
    # one at the end of the last section already runs to the end of the text
    # (a whole parse per move would make fixing grow with the square)
    lo = starts[0]
    region = doc.text[lo:last_end]
    before = load(doc.source.replace(region))
    ends = [*starts[1:], last_end]
    expect = []
    for i in order:
        expect += _titles(before, starts[i] - lo, ends[i] - lo)
    after = load(doc.source.replace(_apply(region, Edit(edit.start - lo, edit.end - lo, edit.replacement))))
    return edit if [(h.level, h.title) for h in after.headings] == expect else None


def _top_block(doc: Document, start: int, end: int) -> tuple[int, int]:
    """The lines of the top-level block that holds [start, end): from its
    first line's start to the start of the line after it; the whole text
    when no one block holds it."""
    blocks = doc.blocks
    i = bisect_right(blocks, start, key=lambda b: b.span.start) - 1
    if i >= 0:
        block = blocks[i]
        after = _after(doc, block.span.start, block.span.end)
        if after >= end:
            src = doc.source
            return src.line_start(src.line_of(block.span.start)), after
    return 0, len(doc.text)


def move_items(doc: Document, items: list[Item], order: Sequence[int]) -> Edit | None:
    """Reorder the items of one list (each with its nested items and
    continuation lines). An ordered list keeps its numbers where they were.
    None when the order is already right or the items cannot be cut whole."""
    if len(items) < 2:
        return None
    src, text = doc.source, doc.text
    starts = []
    for it in items:
        line_start = src.line_start(src.line_of(it.span.start))
        if text[line_start : it.span.start].strip(" \t>"):
            return None  # shares its line with a parent item's marker: "- - a"
        starts.append(line_start)
    last_end = _after(doc, items[-1].span.start, items[-1].span.end)
    chunks = [text[a:b] for a, b in zip(starts, [*starts[1:], last_end])]
    # a loose list keeps its blank lines between items
    loose = any(
        not src.line_text(line).strip(" \t>")
        for a, b in zip(items, items[1:])
        for line in range(_last_line(doc, a.span.start, a.span.end) + 1, src.line_of(b.span.start))
    )
    markers = [_ORDERED.match(c) for c in chunks]
    if all(markers):
        if len({len(m.group(2)) for m in markers}) > 1:  # type: ignore[union-attr]
            return None  # "9." and "10.": the items' indentation would no longer fit
        numbered = []
        for pos, i in enumerate(order):
            m = markers[i]
            assert m is not None
            numbered.append(m.group(1) + markers[pos].group(2) + chunks[i][m.end(2) :])  # type: ignore[union-attr]
        chunks = [""] * len(chunks)
        for pos, i in enumerate(order):
            chunks[i] = numbered[pos]
    edit = reorder(doc, starts, last_end, order, blank=loose, chunks=chunks)
    if edit is None:
        return None
    # parse the result to be sure the items came out whole: the list alone
    # when it starts at the margin, else the top-level block that holds it
    # (a whole parse per nested list would make fixing a document's lists
    # grow with its square)
    if all(text[a] not in " \t>" for a in starts):
        lo, hi = starts[0], last_end
    else:
        lo, hi = _top_block(doc, starts[0], last_end)
    region = text[lo:hi]
    moved = _apply(region, Edit(edit.start - lo, edit.end - lo, edit.replacement))
    before, after = load(doc.source.replace(region)), load(doc.source.replace(moved))
    if sorted(it.text for it in after.items()) != sorted(it.text for it in before.items()):
        return None
    if len(after.blocks) != len(before.blocks) or _titles(after, 0, len(after.text)) != _titles(before, 0, len(before.text)):
        return None
    return edit


def stable_order(keys: Sequence[object]) -> list[int]:
    """Indexes sorted by key, ties keeping their order."""
    return sorted(range(len(keys)), key=lambda i: (keys[i], i))  # type: ignore[index]


def grouped_order(keys: Sequence[int | None]) -> list[int]:
    """The order that sorts siblings by ``keys`` (their place in a spec),
    where a sibling without a key (one the spec does not name) keeps its
    place right after the named sibling it followed; those before any named
    sibling stay in front."""
    groups: list[list[int]] = []
    head: list[int] = []
    for i, key in enumerate(keys):
        if key is None:
            (groups[-1] if groups else head).append(i)
        else:
            groups.append([i])
    groups.sort(key=lambda g: (keys[g[0]], g[0]))  # type: ignore[return-value]
    return head + [i for g in groups for i in g]
