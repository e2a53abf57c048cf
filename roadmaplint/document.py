"""The document model: sections, items and links, each with its exact span."""

from __future__ import annotations

import gc
import re
from bisect import bisect_left
from types import MappingProxyType
from typing import Any, Iterator

from .parser import Node, tree
from .source import Source
from .lazyre import lazy
from .violations import Record, Span


class Block(Record):
    """A block node: heading, paragraph, list, list_item, block_quote, code,
    html, thematic_break, table, reference."""

    __slots__ = _fields = ("type", "span", "children", "attrs", "inline", "depth")
    _hidden = ("inline",)

    def __init__(self, type: str, span: Span, children: list[Block] | None = None,
                 attrs: dict[str, Any] | None = None, inline: list[Node] | None = None, depth: int = 0) -> None:
        self.type = type
        self.span = span
        self.children = [] if children is None else children
        self.attrs = {} if attrs is None else attrs
        self.inline = [] if inline is None else inline  # parse.Node records
        self.depth = depth  # container nesting: 0 at the top level

    def walk(self) -> Iterator[Block]:
        yield self
        for child in self.children:
            yield from child.walk()


class Link(Record):
    __slots__ = _fields = ("kind", "text", "url", "span", "text_span", "url_span", "label")

    def __init__(self, kind: str, text: str, url: str, span: Span, text_span: Span | None = None,
                 url_span: Span | None = None, label: str | None = None) -> None:
        self.kind = kind  # inline | reference | collapsed | shortcut | autolink | url | image | definition
        self.text = text
        self.url = url
        self.span = span
        self.text_span = text_span
        self.url_span = url_span
        self.label = label


class Heading(Record):
    __slots__ = _fields = ("block", "level", "style", "title", "text_span")

    def __init__(self, block: Block, level: int, style: str, title: str, text_span: Span | None = None) -> None:
        self.block = block
        self.level = level
        self.style = style  # atx | closed | setext
        self.title = title
        self.text_span = text_span

    @property
    def span(self) -> Span:
        return self.block.span


class Item(Record):
    __slots__ = _fields = ("span", "marker", "marker_span", "text", "checkbox", "children", "links", "block")
    _hidden = ("block",)

    def __init__(self, span: Span, marker: str, marker_span: Span, text: str, checkbox: str | None = None,
                 children: list[Item] | None = None, links: list[Link] | None = None,
                 block: Block | None = None) -> None:
        self.span = span
        self.marker = marker
        self.marker_span = marker_span
        self.text = text
        self.checkbox = checkbox  # the character in [ ] / [x], None without one
        self.children = [] if children is None else children
        self.links = [] if links is None else links
        self.block = block

    @property
    def checked(self) -> bool | None:
        return None if self.checkbox is None else self.checkbox != " "


class Section(Record):
    __slots__ = _fields = ("heading", "level", "title", "span", "children", "blocks", "items")

    def __init__(self, heading: Heading | None, level: int, title: str, span: Span,
                 children: list[Section] | None = None, blocks: list[Block] | None = None,
                 items: list[Item] | None = None) -> None:
        self.heading = heading  # None for the preamble before the first heading
        self.level = level
        self.title = title
        self.span = span
        self.children = [] if children is None else children
        self.blocks = [] if blocks is None else blocks
        self.items = [] if items is None else items

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()


class Document(Record):
    __slots__ = ("source", "blocks", "headings", "root", "links", "definitions", "code_spans",
                 "comments", "front_matter", "_code_starts", "_index")
    _fields = __slots__[:-1]  # _index (built on first use) takes no part in equality
    _hidden = ("_code_starts",)

    def __init__(self, source: Source, blocks: list[Block], headings: list[Heading], root: Section,
                 links: list[Link], definitions: list[Link], code_spans: list[Span],
                 comments: list[tuple[Span, str]], front_matter: Any = None,
                 _code_starts: list[int] | None = None) -> None:
        self.source = source
        self.blocks = blocks
        self.headings = headings
        self.root = root  # level 0, holds the preamble blocks and top sections
        self.links = links
        self.definitions = definitions
        self.code_spans = code_spans  # code blocks and code spans: never edited
        self.comments = comments  # HTML comments: (span, inner text)
        # frontmatter.FrontMatter: the YAML or TOML block that opens the file,
        # parsed as blank lines; no rule reports in it, no fix touches it
        self.front_matter = front_matter
        self._code_starts = _code_starts
        self._index: Any = None  # _Index: every block, item and code line, built on first use

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def sections(self) -> list[Section]:
        return self.root.children

    def _built(self) -> _Index:
        if self._index is None:
            self._index = _Index(self)
        return self._index

    def walk_blocks(self) -> Iterator[Block]:
        """Every block, containers before what they hold, in document order."""
        return iter(self._built().blocks)

    def items(self) -> Iterator[Item]:
        """Every item, section by section, each before its sub-items."""
        return iter(self._built().items)

    def in_front_matter(self, start: int, end: int | None = None) -> bool:
        """Whether [start, end) touches the front matter."""
        fm = self.front_matter
        return fm is not None and fm.touches(start, start + 1 if end is None else end)

    def front_matter_lines(self) -> range:
        """0-based lines of the front matter, delimiters included (empty
        without one)."""
        return self.front_matter.lines if self.front_matter is not None else range(0)

    def skipped_lines(self) -> list[tuple[int, int]]:
        """The (first, last) 0-based line ranges :meth:`prose_lines` skips
        (code blocks and front matter), merged and in order."""
        return self._built().code_lines

    def prose_lines(self) -> Iterator[tuple[int, int, int]]:
        """(0-based line, start, end) for every line outside code blocks and
        front matter."""
        src = self.source
        line = 0
        for first, last in self.skipped_lines():
            for n in range(line, first):
                yield n, src.line_start(n), src.line_end(n)
            line = max(line, last + 1)
        for n in range(line, src.line_count):
            yield n, src.line_start(n), src.line_end(n)

    def in_code(self, start: int, end: int | None = None) -> bool:
        """Whether [start, end) touches a code block or code span."""
        end = start + 1 if end is None else end
        if self._code_starts is None:
            self.code_spans.sort(key=lambda s: s.start)
            self._code_starts = [s.start for s in self.code_spans]
        # code spans never overlap each other: only the last one starting
        # before `end` can reach `start`
        i = bisect_left(self._code_starts, end)
        return i > 0 and self.code_spans[i - 1].end > start


class _Index:
    """What rules read of every block and item, walked once per document."""

    __slots__ = ("blocks", "items", "code_lines")

    def __init__(self, doc: Document) -> None:
        blocks: list[Block] = []
        add = blocks.append

        def walk(children: list[Block]) -> None:
            for block in children:
                add(block)
                if block.children:
                    walk(block.children)

        walk(doc.blocks)
        self.blocks = blocks
        items: list[Item] = []

        def rec(found: list[Item]) -> None:
            for item in found:
                items.append(item)
                if item.children:
                    rec(item.children)

        for section in doc.root.walk():
            rec(section.items)
        self.items = items
        # (first, last) 0-based lines of the front matter and each code
        # block, in order, overlaps merged
        src = doc.source
        ranges = [(fm.start, fm.stop - 1) for fm in (doc.front_matter_lines(),) if len(fm)]
        ranges += [(src.line_of(b.span.start), src.line_of(b.span.end)) for b in blocks if b.type == "code"]
        ranges.sort()
        merged: list[tuple[int, int]] = []
        for first, last in ranges:
            if merged and first <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], last))
            else:
                merged.append((first, last))
        self.code_lines = merged


_ATX_OPEN = lazy(r"#{1,6}[ \t]*")
_ATX_CLOSE = lazy(r"(?:^|[ \t])#+[ \t]*$")
_COMMENT = lazy(r"<!--(.*?)-->", re.S)
_TASK = lazy(r"\[([ xX])\]")


def load(source: Source) -> Document:
    """Parse ``source`` into a :class:`Document`."""
    # parsing and building the model make many small objects and no cycles:
    # the cyclic collector only costs time here, and more the bigger the
    # document (each full pass walks everything made so far)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(source)
    finally:
        if enabled:
            gc.enable()


def detect_front_matter(source: Source) -> Any:
    """frontmatter.detect(source), importing that module only for a text
    that opens as front matter does (``---`` or ``+++``, after a second
    byte-order mark if any): most roadmaps have none."""
    if not source.text.startswith(("---", "+++", "\ufeff---", "\ufeff+++")):
        return None
    from .frontmatter import detect

    return detect(source)


def _load(source: Source) -> Document:
    front_matter = detect_front_matter(source)
    parsed = tree(source, front_matter)
    builder = _Builder(source)
    blocks = builder.blocks(parsed.blocks, 0)
    definitions = [
        Link(
            kind="definition",
            text=ref.label or "",
            url=source.text[ref.url_pos[0] : ref.url_pos[1]],
            span=Span(*ref.pos),
            url_span=Span(*ref.url_pos),
            text_span=Span(*ref.text_pos),
            label=ref.label,
        )
        for ref in sorted(parsed.definitions, key=lambda r: r.pos[0])
    ]
    del parsed  # the records the model has read
    root = _sections(source, blocks, builder.headings)
    for section in root.walk():
        for block in section.blocks:
            if block.type == "list":
                section.items.extend(builder.items(block))
    return Document(
        source=source,
        blocks=blocks,
        headings=builder.headings,
        root=root,
        links=builder.links,
        definitions=definitions,
        code_spans=builder.code,
        comments=builder.comments,
        front_matter=front_matter,
    )


_NO_BLOCKS: tuple[()] = ()
_NO_INLINE: tuple[()] = ()
_NO_ATTRS: Any = MappingProxyType({})


class _Builder:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.headings: list[Heading] = []
        self.links: list[Link] = []
        self.code: list[Span] = []
        self.comments: list[tuple[Span, str]] = []
        self._link_starts: list[int] | None = None
        self.paragraphs: dict[int, list[Node]] = {}  # id(block) -> its inline records, while loading
        # blocks with the same attributes share one dict of them (the model
        # is read, not edited): a roadmap's items have a few markers between them
        self._attrs: dict[tuple[Any, ...], Any] = {}

    def attrs(self, *pairs: Any) -> Any:
        found = self._attrs.get(pairs)
        if found is None:
            # read-only: blocks with the same attributes share it
            found = self._attrs[pairs] = MappingProxyType(dict(zip(pairs[::2], pairs[1::2])))
        return found

    def blocks(self, nodes: list[Node], depth: int) -> list[Block]:
        out = []
        last = -1  # the start of the block before
        ordered = True
        for node in nodes:
            kind = node.type
            pos = node.pos
            assert pos is not None  # parse.tree leaves out (and counts) blocks without one
            # a leaf shares one immutable empty value for what it lacks (a
            # roadmap has tens of thousands of blocks; the model is read, not
            # edited)
            block = Block(kind, Span(pos[0], pos[1]), _NO_BLOCKS, _NO_ATTRS, _NO_INLINE, depth)  # type: ignore[arg-type]
            if pos[0] < last:
                ordered = False
            last = pos[0]
            if kind in ("list", "list_item", "block_quote"):
                inner = depth + (kind != "list")
                block.children = self.blocks(node.children, inner)  # type: ignore[arg-type]
                if kind == "list":
                    block.attrs = self.attrs("ordered", node.ordered, "bullet", node.bullet)
                elif kind == "list_item":
                    block.attrs = self.attrs("marker", node.marker, "checked", node.checked)
            elif node.children:
                children = node.children
                if len(children) > 1 or children[0].type != "text":  # (plain text holds nothing to index)
                    self.inlines(children)  # type: ignore[arg-type]
                # the model keeps a heading's inline records (its anchor is
                # made from them); a paragraph's only until its item's text
                # is read, the others not at all
                if kind == "heading":
                    block.inline = node.children  # type: ignore[assignment]
                elif kind == "paragraph":
                    self.paragraphs[id(block)] = node.children  # type: ignore[assignment]
            if kind == "heading":
                self.heading(block, node)
            elif kind == "code":
                self.code.append(block.span)
                block.attrs = self.attrs("style", node.style, "info", node.info)
            elif kind == "html":
                raw = self.source.text[block.span.start : block.span.end]
                for m in _COMMENT.finditer(raw):
                    span = Span(block.span.start + m.start(), block.span.start + m.end())
                    self.comments.append((span, m.group(1)))
            out.append(block)
        # mistune puts a quote cut short by a list before the list's last
        # token only; the source order is the order that counts
        if not ordered:
            out.sort(key=lambda b: b.span.start)
        return out

    def heading(self, block: Block, node: Node) -> None:
        style = node.style or "atx"
        start, end = block.span.start, block.span.end
        if style == "setext":
            # the text runs to the end of the line before the underline
            last = self.source.line_of(end) - 1
            line_end = self.source.line_end(last)
            line_end -= len(self.source.text[start:line_end]) - len(self.source.text[start:line_end].rstrip(" \t"))
            text_span = Span(start, max(start, line_end))
        else:
            raw = self.source.text[start:end]
            m = _ATX_OPEN.match(raw)
            body_start = m.end() if m else 0
            body = raw[body_start:]
            close = _ATX_CLOSE.search(body)
            if close:
                style = "closed"
                body = body[: close.start()]
            text_span = Span(start + body_start, start + body_start + len(body.rstrip()))
        title = _plain(block.inline).strip()
        self.headings.append(Heading(block, node.level, style, title, text_span))

    def inlines(self, nodes: list[Node], cell: bool = False) -> None:
        text = self.source.text
        for node in nodes:
            kind = node.type
            children = node.children
            if node.pos is not None:
                span = Span(*node.pos)
                if kind == "codespan":
                    self.code.append(span)
                elif kind == "inline_html":
                    if node.raw.startswith("<!--"):
                        self.comments.append((span, node.raw[4:-3]))
                elif kind in ("link", "image"):
                    ts, us, url = node.text_pos, node.url_pos, node.url
                    if node.kind == "url":  # end it where GitHub does
                        end = self.url_end(span, cell)
                        span = Span(span.start, end)
                        ts = us = (span.start, end)
                        url = text[span.start : end]
                        children = [Node("text", None, raw=url)]
                    self.links.append(
                        Link(
                            kind="image" if kind == "image" else node.kind or "inline",
                            text=_plain(children),
                            url=text[us[0] : us[1]] if us and node.kind == "inline" else url,
                            span=span,
                            text_span=Span(*ts) if ts else None,
                            url_span=Span(*us) if us else None,
                            label=node.label,
                        )
                    )
            if kind != "image" and children:
                self.inlines(children, cell or kind == "table_cell")  # type: ignore[arg-type]

    def url_end(self, span: Span, cell: bool = False) -> int:
        """Where GitHub ends the bare URL mistune found at ``span``: mistune
        cuts ``Foo_(bar)`` before its ``)`` and keeps a trailing ``**``. In
        a table the row is split into cells first: the URL ends before the
        next ``|`` (``| https://a.example/b|``)."""
        src = self.source
        limit = src.line_end(src.line_of(span.start))
        if cell:
            limit = table_cells(src.text, span.start, limit)[0][1]
        end = gfm_url_end(src.text, span.start, limit)
        if "]" in src.text[span.end : end]:
            return span.end  # in brackets, mistune's end is the bracket's
        return end

    def links_in(self, span: Span) -> list[Link]:
        if self._link_starts is None or len(self._link_starts) != len(self.links):
            self._link_starts = [lk.span.start for lk in self.links]
        lo = bisect_left(self._link_starts, span.start)
        hi = bisect_left(self._link_starts, span.end, lo)
        return self.links[lo:hi]

    def items(self, lst: Block) -> list[Item]:
        out = []
        text = self.source.text
        for li in lst.children:
            if li.type != "list_item":
                continue
            attrs = li.attrs
            marker = attrs.get("marker", "")
            span = li.span
            first = None
            for child in li.children:
                if child.type == "paragraph":
                    first = child
                    break
            checkbox = None
            if first is None:
                item = Item(span, marker, Span(span.start, span.start + len(marker)), "", None, None, None, li)
            else:
                checked = attrs.get("checked")
                if checked is not None:
                    m = _TASK.match(text, first.span.start)
                    checkbox = m.group(1) if m else ("x" if checked else " ")
                item = Item(span, marker, Span(span.start, span.start + len(marker)),
                            _plain(self.paragraphs.get(id(first), ())).strip(), checkbox, None,
                            self.links_in(first.span), li)
            for child in li.children:
                if child.type == "list":
                    item.children.extend(self.items(child))
            out.append(item)
        return out


_TRAILING = "?!.,:*_~'\""


def table_cells(text: str, start: int, end: int, trim: bool = False) -> list[tuple[int, int]]:
    """The cells of the table row ``text[start:end]`` as (start, end)
    offsets, split at each pipe: one a backslash escapes is cell text, one
    at ``start`` always divides. The text before the first pipe and after
    the last is a cell too. ``trim``: the cells as GFM shows them, without
    the border's empty cells or the spaces around each cell's text."""
    bounds = [start - 1]
    pipe = text.find("|", start, end)
    while pipe >= 0:
        if pipe == start or text[pipe - 1] != "\\":
            bounds.append(pipe)
        pipe = text.find("|", pipe + 1, end)
    bounds.append(end)
    if not trim:
        return [(a + 1, b) for a, b in zip(bounds, bounds[1:])]
    cells = []
    for a, b in zip(bounds, bounds[1:]):
        a += 1
        while a < b and text[a] in " \t":
            a += 1
        while b > a and text[b - 1] in " \t":
            b -= 1
        cells.append((a, b))
    if text[start:end].lstrip().startswith("|"):
        cells = cells[1:]
    if text[start:end].rstrip().endswith("|"):
        cells = cells[:-1]
    return cells


def gfm_url_end(text: str, start: int, limit: int) -> int:
    """Where GitHub ends a bare URL that starts at ``start``: at white space
    or ``<``, less trailing punctuation, an unbalanced ``)`` and a final
    character reference (cmark-gfm's autolink rules)."""
    end = start
    while end < limit and not text[end].isspace() and text[end] != "<":
        end += 1
    if end == limit and end > start and text[end - 1] == "\\":
        end -= 1  # a hard line break, not part of the URL
    while end > start:
        c = text[end - 1]
        if c in _TRAILING:
            end -= 1
        elif c == ";":
            m = re.search(r"&[A-Za-z0-9]+;$", text[start:end])
            end = start + m.start() if m else end - 1
        elif c == ")":
            seg = text[start:end]
            if seg.count(")") <= seg.count("("):
                break
            end -= 1
        else:
            break
    return end


def _plain(nodes: Any) -> str:
    parts = []
    for node in nodes:
        kind = node.type
        if kind in ("text", "codespan"):
            parts.append(node.raw)
        elif kind in ("softbreak", "linebreak"):
            parts.append(" ")
        elif node.children:
            parts.append(_plain(node.children))
    return "".join(parts)


def _sections(source: Source, blocks: list[Block], headings: list[Heading]) -> Section:
    """Nest the top-level headings into a section tree."""
    end = len(source.text.rstrip())
    root = Section(heading=None, level=0, title="", span=Span(0, end))
    by_block = {id(h.block): h for h in headings}
    stack = [root]
    for block in blocks:
        heading = by_block.get(id(block))
        if heading is None:
            stack[-1].blocks.append(block)
            continue
        while stack[-1].level >= heading.level:
            stack.pop()
        section = Section(heading, heading.level, heading.title, Span(block.span.start, block.span.end))
        stack[-1].children.append(section)
        stack.append(section)
    _close(root, end)
    return root


def _close(section: Section, limit: int) -> None:
    """A section ends with its last block or subsection, before the next
    heading of its level or higher."""
    for i, child in enumerate(section.children):
        nxt = section.children[i + 1].span.start if i + 1 < len(section.children) else limit
        _close(child, nxt)
    last = section.span.end if section.heading else 0
    for block in section.blocks:
        last = max(last, block.span.end)
    for child in section.children:
        last = max(last, child.span.end)
    section.span = Span(section.span.start, min(last, limit))
