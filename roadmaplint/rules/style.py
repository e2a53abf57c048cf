"""Style rules (RL5xx): headings, whitespace and list bullets.

Every fix here is an edit of whitespace or markup characters only; where an
edit could change the Markdown structure (merge two lists, make a thematic
break, read a trailing ``#`` as a closing sequence) the rule reports the
violation without a fix.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any, Iterator

from ..document import Block, Document, Heading, Span
from ..registry import Context, rule
from ..violations import Edit, Finding, Fix, Rendering
from ..source import Source
from ..util import majority
from ..lazyre import lazy

_NEWLINE = lazy(r"\r\n|\r|\n")
_ATX_CLOSE = lazy(r"(?:^|[ \t])#+[ \t]*$")
_COMMENT_LINE = lazy(r"[ \t]*<!--.*-->[ \t]*")
# a line that holds nothing but container and list markers could turn into a
# thematic break or a Setext underline when one of its bullets changes
_MARKERS_ONLY = lazy(r"(?:[ \t>*+_-]|\d{1,9}[.)])*")
_EMPTY_ITEM = lazy(r"[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]*")
_BULLET_LINE = lazy(r"[ \t>]*([-*+])(?:[ \t]|$)")
_BULLETS = {"dash": "-", "asterisk": "*", "plus": "+"}


def _blank(src: Source, line: int) -> bool:
    return not src.line_text(line).strip(" \t")


def _last_content_line(src: Source) -> int:
    """0-based index of the last line that is not blank, or -1."""
    for line in range(src.line_count - 1, -1, -1):
        if not _blank(src, line):
            return line
    return -1


def _content_end(src: Source, line: int) -> int:
    """Offset just past the last non-blank character of ``line``."""
    return src.line_start(line) + len(src.line_text(line).rstrip(" \t"))


def _first_nonblank(src: Source, line: int) -> int:
    text = src.line_text(line)
    return src.line_start(line) + len(text) - len(text.lstrip(" \t"))


def _lines(src: Source, block: Block) -> range:
    return range(src.line_of(block.span.start), src.line_of(block.span.end) + 1)


def _prose(doc: Document, lines: list[int]) -> list[int]:
    """Those of ``lines`` (ascending) that doc.prose_lines() gives: outside
    code blocks and front matter. A rule picks its few lines by their text
    first, and asks for no tuple per line of the file."""
    skipped = doc.skipped_lines()
    out = []
    i, n = 0, len(skipped)
    for line in lines:
        while i < n and skipped[i][1] < line:
            i += 1
        if i == n or line < skipped[i][0]:
            out.append(line)
    return out


def _texts(doc: Document) -> list[str]:
    """Every line's text, without its line break (with ctx.once)."""
    return doc.source.lines()


def _outline(doc: Document) -> list[Heading]:
    """The file's outline: its headings but those quoted in a block quote or
    a list item."""
    return [h for h in doc.headings if not h.block.depth]


def _quote(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- RL501 heading-style ------------------------------------------------------


def _tangled(blocks: _BlockIndex, h: Heading) -> bool:
    """True when mistune's tree around a heading is no ground for edits:
    another block overlaps it (mistune can glue a paragraph's text from both
    sides of a block quote into one Setext heading: `text\n> quote\n-\n-`),
    or a Setext heading's text directly follows a list or quote, where
    CommonMark reads it as a lazy continuation line (`- a\n===\nTitle\n===`)."""
    return blocks.tangled(h)


class _BlockIndex:
    """Every block by start and by end, so that each heading's neighbours
    are found without walking the whole tree again."""

    def __init__(self, doc: Document) -> None:
        self.src = doc.source
        blocks = list(doc.walk_blocks())
        # sorted by start, then by end, as a stable sort keeps ties: each
        # sort on the plain numbers (a container's walk is mostly in order)
        starts = [b.span.start for b in blocks]
        ends = [b.span.end for b in blocks]
        order = sorted(range(len(blocks)), key=starts.__getitem__)
        self.by_start = [blocks[i] for i in order]
        self.starts = [starts[i] for i in order]
        order = sorted(range(len(blocks)), key=ends.__getitem__)
        self.by_end = [blocks[i] for i in order]
        self.ends = [ends[i] for i in order]
        self.lazy_lines = {self.src.line_of(b.span.end) for b in blocks if b.type in ("list", "block_quote")}

    def tangled(self, h: Heading) -> bool:
        span = h.span
        first = self.src.line_of(span.start)
        if h.style == "setext" and first > 0 and first - 1 in self.lazy_lines:
            return True
        # a block overlaps the heading without holding it: it starts inside
        # the heading, or starts before it and ends inside it
        inside = self.by_start[bisect_left(self.starts, span.start) : bisect_left(self.starts, span.end)]
        ending = self.by_end[bisect_right(self.ends, span.start) : bisect_left(self.ends, span.end)]
        for block in (*inside, *ending):
            if block is h.block or (block.span.start <= span.start and span.end <= block.span.end):
                continue
            if block.span.overlaps(span):
                return True
        return False


def _ancestors(blocks: list[Block], target: Block) -> list[Block] | None:
    for block in blocks:
        if block is target:
            return []
        path = _ancestors(block.children, target)
        if path is not None:
            return [block, *path]
    return None


def _lazy(doc: Document, h: Heading, lines: tuple[int, ...]) -> bool:
    """True when one of ``lines`` does not carry the heading's containers:
    no `>` for each enclosing quote, or less indentation than an enclosing
    list item's content. mistune reads such lazy lines into a Setext heading
    (`- item\n===`, `> ---\ntext\n> ---`); CommonMark does not."""
    src, text = doc.source, doc.text
    path = _ancestors(doc.blocks, h.block) or []
    quotes = sum(b.type == "block_quote" for b in path)
    for line in lines:
        raw = src.line_text(line)
        prefix = raw[: len(raw) - len(raw.lstrip(" \t>"))]
        if prefix.count(">") < quotes:
            return True
        for item in (b for b in path if b.type == "list_item"):
            if src.line_of(item.span.start) == line:
                continue
            after = item.span.start + len(item.attrs.get("marker", ""))
            rest = text[after : src.line_end(src.line_of(after))]
            content = after + (len(rest) - len(rest.lstrip(" ")) if rest.strip() else 1)
            if len(prefix) < content - src.line_start(src.line_of(after)):
                return True
    return False


def _setext_edits(doc: Document, blocks: _BlockIndex, h: Heading, closing: bool) -> list[Edit] | None:
    """Edits that turn a Setext heading into an ATX one, or None when that
    cannot be done without changing what the heading says."""
    src = doc.source
    start = h.span.start
    first = src.line_of(start)
    under = src.line_of(h.span.end)
    last = under - 1
    if last < first:
        return None
    if h.block.depth:
        if last > first:
            return None  # continuation lines carry container prefixes we would have to rebuild
        if _lazy(doc, h, (first, under)):
            return None
    if _tangled(blocks, h):
        return None
    pieces = [doc.text[start : _content_end(src, first)]]
    pieces += [src.line_text(i).strip(" \t") for i in range(first + 1, last + 1)]
    if any(p.endswith("\\") for p in pieces[:-1]):
        return None  # a backslash hard break would turn into a literal backslash
    joined = " ".join(p.strip(" \t") for p in pieces)
    if not joined or (not closing and _ATX_CLOSE.search(joined)):
        return None  # "Title ##" would lose its "##" as a closing sequence
    marks = "#" * h.level
    edits = [Edit(start, start, marks + " ")]
    for line in range(first, last):
        gap = Edit(_content_end(src, line), _first_nonblank(src, line + 1), " ")
        if doc.in_code(gap.start, gap.end):
            return None  # a code span across the line break: its text is not ours to change
        edits.append(gap)
    edits.append(Edit(_content_end(src, last), src.line_end(under), " " + marks if closing else ""))
    return edits


def _setext_text(doc: Document, h: Heading) -> str:
    src = doc.source
    first, last = src.line_of(h.span.start), src.line_of(h.span.end) - 1
    pieces = [doc.text[h.span.start : src.line_end(first)]]
    pieces += [src.line_text(i) for i in range(first + 1, last + 1)]
    return " ".join(p.strip(" \t>") for p in pieces)


def _atx_text(doc: Document, h: Heading) -> str:
    span = h.text_span
    return doc.text[span.start : span.end] if span else h.title


def _open_atx(doc: Document, blocks: _BlockIndex, h: Heading, why: str = "") -> Finding:
    text = _atx_text(doc, h) if h.style == "closed" else _setext_text(doc, h)
    target = f"{'#' * h.level} {text}".rstrip()
    if h.style == "setext":
        edits = _setext_edits(doc, blocks, h, closing=False)
        message = f'Setext heading; use ATX style "{_quote(target)}"{why}' if edits else f"Setext heading; use ATX style{why}"
    else:
        # delete the closing sequence and the whitespace before it, nothing else
        span = h.text_span
        cut = span.end if span and span.end > span.start else h.span.start + h.level
        closing = doc.text[cut : h.span.end]
        ok = re.fullmatch(r"[ \t]+#+", closing) is not None
        edits = [Edit(cut, h.span.end, "")] if ok else None
        message = f'closed ATX heading; use "{_quote(target)}"{why}'
    return Finding(h.span, message, Fix.safe(*edits) if edits else None)


_HEADING_STYLES = ["consistent", "atx", "atx_closed", "setext", "setext_with_atx", "setext_with_atx_closed"]
_STYLE_NAME = {"atx": "open ATX", "closed": "closed ATX", "setext": "Setext"}


def _vote(doc: Document, voters: list[Heading], style: Any, kind: str) -> tuple[str | None, str]:
    """(the style most of ``voters`` have, why): the earliest style breaks a
    tie, and ``why`` says which of the two decided, with the count. ``style``
    maps a heading to its style in this vote; ``kind`` names the voters."""
    vote = majority(voters, key=style)
    if vote is None:
        return None, ""
    want, first = vote.choice, vote.first
    if not vote.tie:
        return want, f" like most {kind} in this file ({vote.count} of {vote.total})"
    tally = " to ".join(f"{n} {_VOTE_NAME[s]}" for s, n in vote.counts.items())
    if first is doc.headings[0]:
        return want, f" like the file's first heading ({kind} tie: {tally})"
    line = doc.source.line_of(first.span.start) + 1
    return want, f" like the first of the {kind} (line {line}; they tie: {tally})"


_VOTE_NAME = {"setext": "Setext", "atx": "ATX", "open": "open", "closed": "closed"}


def wanted_headings(doc: Document, option: str) -> tuple[str, str | None, str, str]:
    """(style for levels 1-2, style for ATX headings or None for either,
    why Setext or ATX, why open or closed ATX): what each heading should look
    like under ``option``."""
    if option == "atx":
        return "atx", "atx", "", ""
    if option == "atx_closed":
        return "closed", "closed", "", ""
    if option == "setext":
        return "setext", None, "", ""
    if option == "setext_with_atx":
        return "setext", "atx", "", ""
    if option == "setext_with_atx_closed":
        return "setext", "closed", "", ""
    # consistent: two questions, each settled by the document's majority.
    # Setext or ATX is asked of levels 1 and 2 only, the levels where Setext
    # exists; open or closed is asked of every ATX heading.
    top, top_why = _vote(
        doc,
        [h for h in doc.headings if h.level <= 2],
        lambda h: "setext" if h.style == "setext" else "atx",
        "headings at levels 1 and 2",
    )
    closed, atx_why = _vote(
        doc,
        [h for h in doc.headings if h.style != "setext"],
        lambda h: "closed" if h.style == "closed" else "open",
        "ATX headings",
    )
    atx = "closed" if closed == "closed" else "atx"
    return ("setext" if top == "setext" else atx), atx, top_why, atx_why


def _closed_atx(doc: Document, blocks: _BlockIndex, h: Heading, why: str) -> Finding:
    marks = "#" * h.level
    if h.style == "setext":
        edits = _setext_edits(doc, blocks, h, closing=True)
    else:
        end = h.text_span.end if h.text_span else h.span.end
        edits = [Edit(end, end, " " + marks)]
    text = _atx_text(doc, h) if h.style != "setext" else _setext_text(doc, h)
    target = f"{marks} {text} {marks}"
    return Finding(
        h.span,
        f'{_STYLE_NAME[h.style]} heading; use "{_quote(target)}"{why}',
        Fix.safe(*edits) if edits else None,
    )


@rule(
    code="RL501",
    name="heading-style",
    summary="Headings use one style: the style most of the file's headings use.",
    fix="sometimes",
    options={
        "style": {
            "type": "string",
            "enum": _HEADING_STYLES,
            "default": "consistent",
            "description": (
                'Required style: "consistent" (the style most headings of the file use), "atx" (`# Title`), '
                '"atx_closed" (`# Title #`), "setext" (levels 1-2 underlined, levels 3-6 any ATX), '
                '"setext_with_atx" (levels 1-2 underlined, levels 3-6 open ATX) or '
                '"setext_with_atx_closed" (levels 1-2 underlined, levels 3-6 closed ATX).'
            ),
        }
    },
    severity="warning",
)
def heading_style(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    if not doc.headings:
        return
    top, atx, top_why, atx_why = wanted_headings(doc, ctx.options.style)
    for h in doc.headings:
        want = top if h.level <= 2 else atx
        if want is None or h.style == want:
            continue
        # the message gives the vote that settled this heading: Setext or
        # ATX, or else open or closed ATX
        why = top_why if h.level <= 2 and (h.style == "setext") != (want == "setext") else atx_why
        if want == "atx":
            yield _open_atx(doc, ctx.once(_BlockIndex), h, why)
        elif want == "closed":
            yield _closed_atx(doc, ctx.once(_BlockIndex), h, why)
        else:  # Setext: turning a line of text into a Setext heading can change how it reads
            yield Finding(h.span, f"{_STYLE_NAME[h.style]} heading; use Setext style (text underlined with = or -){why}")


# -- RL502 trailing-whitespace ------------------------------------------------


def _break_lines(doc: Document) -> set[int]:
    """Lines whose end can be a hard line break: every line of a paragraph
    (or of a Setext heading's text) except its last."""
    src = doc.source
    out: set[int] = set()
    for block in doc.walk_blocks():
        if block.type == "paragraph":
            out.update(_lines(src, block)[:-1])
        elif block.type == "heading":
            out.update(_lines(src, block)[:-2])
    return out


_FENCE = lazy(r"[ \t>]*(`{3,}|~{3,})")


def _fence_lines(doc: Document) -> set[int]:
    """The opening and closing lines of fenced code blocks: white space at
    their end is not code (CommonMark trims the info string, and a closing
    fence may be followed only by white space), so removing it changes
    nothing on the page."""
    src, text = doc.source, doc.text
    out: set[int] = set()
    for block in doc.walk_blocks():
        if block.type != "code" or block.attrs.get("style") != "fenced":
            continue
        first, last = src.line_of(block.span.start), src.line_of(block.span.end)
        out.add(first)
        opening = _FENCE.match(text, src.line_start(first))
        closing = _FENCE.fullmatch(text[src.line_start(last) : src.line_end(last)].rstrip(" \t"))
        if last > first and opening and closing and closing.group(1)[0] == opening.group(1)[0] \
                and len(closing.group(1)) >= len(opening.group(1)):
            out.add(last)
    return out


def _describe(ws: str, content: bool) -> str:
    n = len(ws)
    kind = "space" if ws == " " * n else "tab" if ws == "\t" * n else "whitespace character"
    kind += "s" if n > 1 else ""
    return f"{n} trailing {kind}" if content else f"whitespace-only line ({n} {kind})"


@rule(code="RL502", name="trailing-whitespace", severity="warning", fix="always", formatting=True,
      summary="No spaces or tabs at the end of a line, except a two-space hard break.",
      options={"allow_hard_breaks": {
          "type": "boolean", "default": True,
          "description": "Keep exactly two trailing spaces where they make a hard line break inside a paragraph."}})
def trailing_whitespace(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    src, text = doc.source, doc.text
    last = _last_content_line(src)  # blank lines after it belong to final-newline
    breaks: set[int] | None = None  # read on the first line that can be a hard break
    allow = ctx.options.allow_hard_breaks
    fences = _fence_lines(doc)
    texts = ctx.once(_texts)
    # only the lines that end in a space or a tab can be reported
    ending = [n for n, t in enumerate(texts) if t[-1:] in (" ", "\t")]
    lines = sorted([
        *((n, src.line_start(n), src.line_end(n)) for n in _prose(doc, ending)),
        *((n, src.line_start(n), src.line_end(n)) for n in fences if texts[n][-1:] in (" ", "\t")),
    ])
    for line, start, end in lines:
        if line > last:
            break
        content = text[start:end].rstrip(" \t")
        cut = start + len(content)
        ws = text[cut:end]
        if not ws or (doc.in_code(cut, end) and line not in fences):
            continue
        message = _describe(ws, bool(content))
        if content and ws.endswith("  ") and breaks is None:
            breaks = _break_lines(doc)
        if content and ws.endswith("  ") and line in breaks:  # type: ignore[operator]
            if allow:
                if ws == "  ":
                    continue
                yield Finding(Span(cut, end), f"{message}; a hard break needs exactly 2 spaces", Fix.safe(Edit(cut, end - 2, "")))
            else:
                # removing it removes a line break from the rendered page
                yield Finding(Span(cut, end), f"{message} (a hard line break)",
                              Fix.unsafe(Edit(cut, end, ""), effect=Rendering.RESTRUCTURED))
            continue
        yield Finding(Span(cut, end), message, Fix.safe(Edit(cut, end, "")))


# -- RL503 final-newline ------------------------------------------------------


_RAW_HTML = lazy(r"<(pre|script|style|textarea)[\s>]|<(pre|script|style|textarea)$", re.I)


def _open_block_at_end(doc: Document, last: int) -> bool:
    """True when the last non-blank line is inside a fenced code block with no
    closing fence, or a ``<pre>``-like HTML block with no closing tag: the
    blank lines after it are then part of that block."""
    src = doc.source
    for block in doc.walk_blocks():
        if src.line_of(block.span.end) != last:
            continue
        raw = doc.text[block.span.start : block.span.end]
        if block.type == "html":
            m = _RAW_HTML.match(raw)
            tag = m and (m.group(1) or m.group(2))
            if tag and f"</{tag.lower()}>" not in raw.lower():
                return True
        if block.type != "code" or block.attrs.get("style") != "fenced":
            continue
        m = re.match(r"`{3,}|~{3,}", raw)
        if m is None:
            return True  # not a fence we recognise: leave it alone
        closing = src.line_text(last).strip(" \t>")
        fence = m.group(0)
        closed = src.line_of(block.span.start) < last and closing.startswith(fence) and closing.strip(fence[0]) == ""
        return not closed
    return False


@rule(code="RL503", name="final-newline", severity="warning", fix="always", formatting=True,
      summary="The file ends with exactly one newline.")
def final_newline(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    src, text = doc.source, doc.text
    if not text:
        return
    last = _last_content_line(src)
    if last < 0:
        yield Finding(Span(0, len(text)), "file holds only blank lines", Fix.safe(Edit(0, len(text), "")))
        return
    end = src.line_end(last)
    tail = text[end:]
    if not tail:
        yield Finding(Span(end, end), "no newline at end of file", Fix.safe(Edit(end, end, src.newline)))
        return
    m = _NEWLINE.match(tail)
    assert m is not None  # a line ends at a line break or at the end of the text
    rest = tail[m.end() :]
    if not rest or _open_block_at_end(doc, last):
        return
    count = len(_NEWLINE.findall(rest)) + (not _NEWLINE.search(rest[-1:]))
    start = end + m.end()
    plural = "s" if count > 1 else ""
    yield Finding(Span(start, len(text)), f"{count} blank line{plural} at end of file", Fix.safe(Edit(start, len(text), "")))


# -- RL504 blank-lines --------------------------------------------------------


@rule(code="RL504", name="blank-lines", severity="warning", fix="sometimes", formatting=True,
      summary="No more than one blank line in a row.",
      options={"maximum": {"type": "integer", "minimum": 1, "default": 1,
                           "description": "The most blank lines allowed in a row."}})
def blank_lines(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    src = doc.source
    maximum = ctx.options.maximum
    last = _last_content_line(src)  # trailing blank lines belong to final-newline
    texts = ctx.once(_texts)
    # the blank lines outside code, front matter and HTML, up to the last
    # line with content: a run of them in a row ends at any other line
    outside = set(_prose(doc, [n for n, t in enumerate(texts[: last + 1]) if not t.strip(" \t")]))
    for block in doc.walk_blocks():
        if block.type == "html":  # <pre> and comments may hold blank lines on purpose
            outside.difference_update(_lines(src, block))
    run: list[int] = []
    for line in [*sorted(outside), last + 1]:
        if run and line == run[-1] + 1 and line <= last:
            run.append(line)
            continue
        if len(run) > maximum:
            start, stop = src.line_start(run[maximum]), src.line_start(run[-1] + 1)
            # after an empty list item, two blank lines end the list where one
            # does not (markdown-it): there the count is structure
            empty_item = run[0] > 0 and _EMPTY_ITEM.fullmatch(src.line_text(run[0] - 1))
            yield Finding(
                Span(start, src.line_end(run[-1])),
                f"{len(run)} blank lines in a row (maximum {maximum})",
                None if empty_item else Fix.safe(Edit(start, stop, "")),
            )
        run = [line]


# -- RL505 heading-increment --------------------------------------------------


@rule(code="RL505", name="heading-increment", severity="warning",
      summary="Heading levels go up one at a time, or skip the same way throughout the file.")
def heading_increment(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    # The outline: each heading's parent is the nearest heading before it at
    # a smaller level. A skip is reported only where the file is not
    # consistent with itself: the children of headings of one level sit at
    # more than one level (`# A` with `### B` under it, `# C` with `## D`
    # under it). A file that skips the same way everywhere chose its sizes.
    heads = _outline(doc)
    stack: list[Heading] = []
    jumps: list[tuple[Heading, Heading]] = []  # (heading, its parent) where the level jumps
    levels: dict[int, dict[int, Heading]] = {}  # parent level -> child level -> first such child
    previous = 0
    for h in heads:
        while stack and stack[-1].level >= h.level:
            stack.pop()
        if stack:
            parent = stack[-1]
            levels.setdefault(parent.level, {}).setdefault(h.level, h)
            if previous and h.level > previous + 1:
                jumps.append((h, parent))
        stack.append(h)
        previous = h.level
    for h, parent in jumps:
        others = {lv: c for lv, c in levels[parent.level].items() if lv != h.level}
        if not others:
            continue
        lv, child = min(others.items(), key=lambda kv: (kv[0] != parent.level + 1, kv[1].span.start))
        line = doc.source.line_of(child.span.start) + 1
        yield Finding(
            h.span,
            f"heading level jumps from {parent.level} to {h.level}, though line {line} puts a level-{lv} "
            f"heading directly under a level-{parent.level} heading",
        )


# -- RL506 single-title -------------------------------------------------------


@rule(code="RL506", name="single-title", severity="warning",
      summary="A file with a title and lower-level sections has no second level-1 heading.")
def single_title(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    outline = _outline(doc)
    if not outline or outline[0].level != 1:
        return
    title = outline[0]
    parts: list[list[Heading]] = []  # each later level-1 heading with the headings under it
    sections: list[Heading] = []  # the headings under the title
    for h in outline[1:]:
        if h.level == 1:
            parts.append([h])
        elif parts:
            parts[-1].append(h)
        else:
            sections.append(h)
    # The file has a title when the first heading is level 1 and its sections
    # (at least two of them, and more than the later level-1 headings) are
    # lower: then a later level-1 heading is one more title. Where a later
    # level-1 heading has sections of its own, or where level-1 headings
    # outnumber the sections under the first, level 1 is the file's section
    # level and there is no title to repeat.
    if len(sections) < 2 or len(sections) <= len(parts) or any(len(part) > 1 for part in parts):
        return
    line = doc.source.line_of(title.span.start) + 1
    level = min(h.level for h in sections)
    for part in parts:
        yield Finding(part[0].span, f"level-1 heading after the title on line {line}; the title's sections are level {level}")


# -- RL507 list-marker-style --------------------------------------------------


def _column(src: Source, block: Block) -> int:
    return block.span.start - src.line_start(src.line_of(block.span.start))


def _lists(
    src: Source, blocks: list[Block], tasks: set[int], level: int = 0, quotes: int = 0, kind: str | None = None
) -> Iterator[tuple[Block, list[Block], int, int, int, str]]:
    """(list, its siblings, its index among them, nesting level, enclosing
    block quotes, kind) in document order.

    The level counts the list items a list sits in, and one more for a list
    that directly follows a sibling list with its marker further right: in
    `* a\n - b` CommonMark starts a second list at the same depth (the `-`
    is not indented past the content of `a`), but the author wrote a
    sub-list. The kind is "task" for a list whose first item opens with a
    task box, and for every list nested in one, else "plain": many files
    write task lists with one bullet and other lists with another."""
    seen: dict[int, tuple[int, str]] = {}  # sibling index -> (level, kind)
    for i, block in enumerate(blocks):
        if block.type == "list":
            items = [c for c in block.children if c.type == "list_item"]
            here, own = level, kind or ("task" if items and id(items[0]) in tasks else "plain")
            before = blocks[i - 1] if i else None
            if before is not None and before.type == "list" and _column(src, block) > _column(src, before):
                here, own = seen[i - 1][0] + 1, seen[i - 1][1]
            seen[i] = here, own
            yield block, blocks, i, here, quotes, own
            for item in block.children:
                # an item with no list or quote in it holds no list
                for child in item.children:
                    if child.type == "list" or child.type == "block_quote":
                        yield from _lists(src, item.children, tasks, here + 1, quotes, own)
                        break
        elif block.type == "block_quote":
            yield from _lists(src, block.children, tasks, level, quotes + 1, kind)


def _quotes(line: str) -> int:
    return line[: len(line) - len(line.lstrip(" \t>"))].count(">")


def _bullet_beside(src: Source, lst: Block) -> bool:
    """The same check on the text: the nearest line above or below the list,
    past blank lines and lazy lines of a quote, is a bullet item in the same
    column. mistune's tree can hide such a neighbour (`text\n> quote\n-\n-
    item`, `>\n> - a\nlazy\n> * b`)."""
    first = src.line_of(lst.span.start)
    own = src.line_text(first)[: lst.span.start - src.line_start(first)]
    depth = own.count(">")

    def skip(line: int) -> bool:
        return _blank(src, line) or _quotes(src.line_text(line)) < depth

    for line, step in ((first - 1, -1), (src.line_of(lst.span.end) + 1, 1)):
        while 0 <= line < src.line_count and skip(line):
            line += step
        if 0 <= line < src.line_count:
            m = _BULLET_LINE.match(src.line_text(line))
            if m and m.start(1) == len(own) and m.group(0).count(">") == own.count(">"):
                return True
    return False


def _bullet_fix(doc: Document, lst: Block, siblings: list[Block], index: int, quotes: int, bullet: str) -> Fix | None:
    for j in (index - 1, index + 1):
        if 0 <= j < len(siblings) and siblings[j].type == "list" and not siblings[j].attrs.get("ordered"):
            return None  # two adjacent bullet lists: one bullet is what keeps them apart
    src, text = doc.source, doc.text
    if _bullet_beside(src, lst):
        return None
    edits = []
    for item in lst.children:
        at = item.span.start
        if item.type != "list_item" or text[at : at + 1] not in _BULLETS.values():
            return None
        line = src.line_of(at)
        before = text[src.line_start(line) : at]
        if before.count(">") < quotes:
            return None  # a lazy line: mistune nests `> - a\n  + b`, CommonMark reads "a + b"
        if _MARKERS_ONLY.fullmatch(before + bullet + text[at + 1 : src.line_end(line)]):
            return None
        edits.append(Edit(at, at + 1, bullet))
    return Fix.safe(*edits)


def _banner(doc: Document, lst: Block, items: list[Block]) -> bool:
    """True for a line of links at the top of the file, such as a language
    switcher (`* [Deutsch](README.de.md)`): a list of one item that holds a
    link and no sub-list, before the first heading or as the first block
    right under it. It is not one of the file's lists."""
    if len(items) != 1 or any(c.type == "list" for c in items[0].children):
        return False
    if not any(it.block is items[0] and it.links for it in doc.items()):
        return False
    heads = _outline(doc)
    if not heads:
        return False
    if lst.span.start < heads[0].span.start:
        return True
    after = [b for b in doc.blocks if b.span.start >= heads[0].span.end]
    return bool(after) and after[0] is lst


@rule(
    code="RL507",
    name="list-marker-style",
    summary="Bullet lists use one marker per nesting level; each odd list is reported once.",
    fix="sometimes",
    options={
        "style": {
            "type": "string",
            "enum": ["consistent", "dash", "asterisk", "plus"],
            "default": "consistent",
            "description": (
                'The bullet to use: "consistent" (at each nesting level, the bullet most lists at that level use) '
                'or "dash" (-), "asterisk" (*), "plus" (+).'
            ),
        }
    },
    severity="warning",
)
def list_marker_style(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    fixed = _BULLETS.get(ctx.options.style)
    src = doc.source
    found = []
    # (level, kind) -> (bullet, 1-based line) of each list there that sets the style
    votes: dict[tuple[int, str], list[tuple[str, int]]] = {}
    tasks = {id(it.block) for it in doc.items() if it.checkbox is not None and it.block is not None}
    for lst, siblings, index, level, quotes, kind in _lists(src, doc.blocks, tasks):
        items = [c for c in lst.children if c.type == "list_item"]
        if lst.attrs.get("ordered") or not items:
            continue
        bullet = items[0].attrs.get("marker", "")
        found.append((lst, siblings, index, (level, kind), quotes, items, bullet))
        if not (level == quotes == 0 and len(found) == 1 and _banner(doc, lst, items)):
            votes.setdefault((level, kind), []).append((bullet, src.line_of(lst.span.start) + 1))
    chosen: dict[tuple[int, str], tuple[str, str]] = {}  # (level, kind) -> (bullet, why), once per level
    for key, at in votes.items():
        lists = "task lists" if key[1] == "task" else "lists"
        vote = majority(at, key=lambda bullet_line: bullet_line[0])
        assert vote is not None
        want = vote.choice
        if vote.unanimous:
            where = f" like the other {lists} at this level"
        elif not vote.tie:
            where = f" like most {lists} at this level ({vote.count} of {vote.total})"
        else:  # a tie: the first list decides
            where = f" like the first of the {lists} at this level (line {vote.first[1]})"
        chosen[key] = want, where
    for lst, siblings, index, key, quotes, items, bullet in found:
        if fixed:
            want, where = fixed, ""
        elif key in chosen:
            want, where = chosen[key]
        else:
            continue  # the banner list alone at its level
        if bullet == want:
            continue
        count = f"{len(items)} items" if len(items) > 1 else "1 item"
        message = f'list of {count} with bullet "{bullet}"; use "{want}"{where}'
        # one finding and one fix for the whole list, at its first marker:
        # fixing it item by item would split it
        fix = _bullet_fix(doc, lst, siblings, index, quotes, want)
        yield Finding(Span(items[0].span.start, items[0].span.start + 1), message, fix)


# -- RL508 heading-blank-lines ------------------------------------------------


@rule(code="RL508", name="heading-blank-lines", severity="warning", fix="always", formatting=True,
      summary="A blank line before and after each top-level heading.")
def heading_blank_lines(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    src = doc.source
    front = len(doc.front_matter_lines())
    for h in doc.headings:
        if h.block.depth:
            continue
        first, last = src.line_of(h.span.start), src.line_of(h.span.end)
        # a comment right above a heading belongs to it (and may be a
        # disable-next-line directive that a blank line would break); a
        # heading right below the front matter opens the Markdown
        before = (first > front and not _blank(src, first - 1)
                  and not _COMMENT_LINE.fullmatch(src.line_text(first - 1)))
        after = last + 1 < src.line_count and not _blank(src, last + 1)
        # a heading with its blank lines needs no look at the tree around it
        if not (before or after) or _tangled(ctx.once(_BlockIndex), h):
            continue
        if before:
            at = src.line_start(first)
            yield Finding(h.span, "no blank line before heading", Fix.safe(Edit(at, at, src.newline)))
        if after:
            # at the start of the next line, where a "before" fix of a heading
            # right below would insert too: the two then never both apply
            at = src.line_start(last + 1)
            yield Finding(h.span, "no blank line after heading", Fix.safe(Edit(at, at, src.newline)))
