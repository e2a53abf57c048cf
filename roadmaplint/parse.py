"""mistune 3 with a position layer: every block token and every link, image,
code span, autolink and inline HTML token gets its exact span in the source.

How it works (see ../shared/research/mistune-positions.md for the study):

* Tokens are stamped where mistune creates them, while the cursor is known:
  ``parse_method`` (every regex rule), ``add_paragraph``/``append_paragraph``,
  the indented-code fast path and, through a module-level wrapper, each list
  item.
* Child states (block quotes, list items) are built by mistune line for line
  from their parent, so child line *k* is document line ``line_base + k``.
  Columns map by right alignment: from the first non-blank character of a line
  on, the child line is a suffix of the document line.
* Inline tokens are stamped relative to the inline source, which is a known
  suffix of the block's text; they are mapped to the document when the block
  is rendered.

Positions land on tokens as ``_pos = (start, end)`` offsets into the source
text (BOM removed, original newlines kept). Block ends are just after the last
non-blank character of the block's last line.

The parser also repairs two mistune structure bugs that matter for roadmaps:
an ATX heading right after a block quote goes into the quote, and an HTML block
such as ``<details>`` right after a list item is swallowed by it.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_right
from typing import Any

import mistune
import mistune.list_parser as _list_parser
from mistune._inline import links as _links
from mistune.block_parser import BlockParser, _parse_html_to_newline
from mistune.core import BlockState, InlineState
from mistune.helpers import HTML_ATTRIBUTES, parse_link_href
from mistune.inline_parser import InlineParser
from mistune.plugins import import_plugin
from mistune.plugins.url import URL_LINK_PATTERN, parse_url_link

from .source import DAMAGED, Source, as_replacement

Token = dict[str, Any]

_SELF_CLOSING = re.compile(HTML_ATTRIBUTES + r"[ \t]*/>[ \t]*(?:\n|$)")
_QUOTE_BREAK = ["blank_line", "thematic_break", "fenced_code", "list", "block_html"]
_INLINE_STAMPED = {"codespan", "inline_html", "link", "image"}
_NESTED_INLINE = {"strikethrough", "mark", "insert"}
_WS = " \r\n\t\f"


class _Root:
    """What every state of one parse shares: the document's lines."""

    def __init__(self, source: Source, lines: list[str]) -> None:
        self.source = source
        self.lines = lines
        self.children: dict[int, PosState] = {}  # id(child.tokens) -> child state


class PosState(BlockState):
    root: _Root
    line_base: int = 0
    child_base: int = 0

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._line_starts: list[int] | None = None
        if parent is not None:
            self.root = parent.root
            self.line_base = parent.line_base + parent.child_base

    def child_state(self, src: str, lazy_line_starts: Any = None) -> PosState:
        child = super().child_state(src, lazy_line_starts)
        self.root.children[id(child.tokens)] = child
        return child  # type: ignore[return-value]

    # -- offsets in this state to lines and document offsets ----------------
    def line_of(self, offset: int) -> int:
        if self._line_starts is None or self._line_starts[-1] > len(self.src):
            starts = [0]
            find = self.src.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        return bisect_right(self._line_starts, offset) - 1

    def to_doc(self, offset: int) -> int:
        """Map an offset in this state's text to an offset in the source."""
        offset = max(0, min(offset, len(self.src)))
        line = self.line_of(offset)
        assert self._line_starts is not None
        start = self._line_starts[line]
        col = offset - start
        doc_line = min(self.line_base + line, len(self.root.lines) - 1)
        end = self.src.find("\n", start)
        own_len = (len(self.src) if end < 0 else end) - start
        doc_col = col + len(self.root.lines[doc_line]) - own_len
        doc_col = max(0, min(doc_col, len(self.root.lines[doc_line])))
        return self.root.source.line_start(doc_line) + doc_col

    def doc_line(self, offset: int) -> int:
        return min(self.line_base + self.line_of(offset), len(self.root.lines) - 1)

    def first_nonblank(self, offset: int) -> int:
        n = len(self.src)
        while offset < n and self.src[offset] in " \t":
            offset += 1
        return offset

    def last_nonblank_line(self, start: int, end: int) -> int:
        """Document line of the last non-blank character in [start, end)."""
        end = min(end, len(self.src))
        j = end - 1
        while j > start and self.src[j] in " \t\n":
            j -= 1
        return self.doc_line(max(j, start))

    # -- paragraphs are built here, not in parse_method ----------------------
    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        if last and last["type"] == "paragraph":
            if last.get("_tend") != self.cursor:
                last["_exact"] = False
            last["text"] += text
            last["_tend"] = self.cursor + len(text)
        else:
            self.tokens.append(
                {
                    "type": "paragraph",
                    "text": text,
                    "_state": self,
                    "_start": self.first_nonblank(self.cursor),
                    "_tend": self.cursor + len(text),
                }
            )

    def append_paragraph(self) -> int | None:
        last = self.last_token()
        if last and last["type"] == "paragraph":
            pos = self.find_line_end()
            if last.get("_tend") != self.cursor:
                last["_exact"] = False
            last["text"] += self.get_text(pos)
            last["_tend"] = pos
            return pos
        return None


class PosBlockParser(BlockParser):
    state_cls = PosState

    def __init__(self) -> None:
        super().__init__()
        # CommonMark lets an HTML block's tag name end at ">" or "/>" too;
        # mistune wants a space, so `- item\n<details>` swallowed the <details>.
        # (only closing tags of type-6 tags: `</pre>` is type 7 and cannot
        # interrupt a paragraph)
        self.specification["block_html"] = self.BLOCK_HTML.replace(
            r"(?:[ \t]+|\n|$))",
            r"(?:[ \t]+|\n|$|(?<!</pre)(?<!</script)(?<!</style)(?<!</textarea)(?=/?>)))",
        )

    def compile_sc(self, rules: list[str] | None = None):  # type: ignore[override]
        # An ATX heading ends a block quote's lazy continuation (mistune put
        # `> note\n## Q3` inside the quote).
        if rules == _QUOTE_BREAK:
            rules = _QUOTE_BREAK + ["atx_heading"]
        return super().compile_sc(rules)

    def parse_method(self, m, state):  # type: ignore[override]
        tokens = state.tokens
        n = len(tokens)
        saved = state.child_base
        state.child_base = state.line_of(m.start())
        try:
            end = super().parse_method(m, state)
        finally:
            state.child_base = saved
        if not end:
            return end
        kind = m.lastgroup
        if kind == "ref_link":
            self._record_definition(m, state, end)
            return end
        if kind == "setex_heading":
            last = state.last_token()
            if last and last.get("style") == "setext" and "_end_line" not in last:
                last["_end_line"] = state.doc_line(m.start())
        for i in range(max(0, n - 1), len(tokens)):
            tok = tokens[i]
            if "_start" in tok or tok["type"] == "blank_line":
                continue
            tok["_state"] = state
            tok["_start"] = state.first_nonblank(m.start())
            if tok["type"] == "heading" and kind == "atx_heading":
                raw = m.group("atx_2")
                # mistune strips string.whitespace (\v too) off heading text
                tok["_istart"] = m.start("atx_2") + len(raw) - len(raw.lstrip(string.whitespace))
            if tok["type"] == "table" and kind in ("table", "nptable"):
                _stamp_table(tok, state, m.start(), pipes=kind == "table")
            if tok["type"] == "block_quote":
                child = state.root.children.get(id(tok["children"]))
                if child is not None:
                    tok["_end_line"] = child.line_base + child.src.rstrip("\n").count("\n")
            elif tok["type"] != "list":
                tok["_end_line"] = state.last_nonblank_line(tok["_start"], end)
        return end

    def parse_raw_html(self, m, state):  # type: ignore[override]
        end = super().parse_raw_html(m, state)
        if end is None and not m.group(0).strip().startswith("</"):
            # CommonMark's type-7 HTML block may be a self-closing tag
            # (`<img src="logo.png" />`); mistune's end pattern lacks the `/`
            if _SELF_CLOSING.match(state.src, m.end(), state.find_line_end()):
                return _parse_html_to_newline(state, self.BLANK_LINE)
        return end

    def _record_definition(self, m, state, end) -> None:
        last = state.last_token()
        if last and last["type"] == "paragraph" and last.get("_tend") == end:
            return  # the match only continued a paragraph
        start = state.first_nonblank(m.start())
        url = _dest_span(state.src, m.end())
        state.env.setdefault("_ref_defs", []).append(
            {
                "label": m.group("reflink_1"),
                "_pos": (state.to_doc(start), _line_content_end(
                    state.root.source, state.last_nonblank_line(start, end))),
                "_url": (state.to_doc(url[0]), state.to_doc(url[1])),
                "_label": (state.to_doc(m.start("reflink_1")), state.to_doc(m.end("reflink_1"))),
            }
        )

    def _parse_indent_code_fast(self, state):  # type: ignore[override]
        n = len(state.tokens)
        start = state.cursor
        end = super()._parse_indent_code_fast(state)
        if end is not None and len(state.tokens) > n:
            tok = state.tokens[-1]
            tok["_state"] = state
            tok["_start"] = state.first_nonblank(start)
            tok["_end_line"] = state.last_nonblank_line(start, end)
        return end


def _stamp_table(tok: Token, state: PosState, start: int, pipes: bool) -> None:
    """Give each table cell the start of its text, as the table plugin split
    it, so that links and code spans in cells get positions too."""
    head, body = tok["children"][0], tok["children"][1]
    rows = [head["children"]] + [row["children"] for row in body["children"]]
    first = state.line_of(start)
    assert state._line_starts is not None
    for i, cells in enumerate(rows):
        line = first + (0 if i == 0 else i + 1)  # the delimiter row is skipped
        if line >= len(state._line_starts):
            return
        begin = state._line_starts[line]
        end = state.src.find("\n", begin)
        text = state.src[begin : end if end >= 0 else len(state.src)].rstrip(" \t")
        offset = begin
        if pipes:
            if not text.startswith("|"):
                offset += len(text) - len(text.lstrip(" "))
                text = text.lstrip(" ")
            text, offset = text[1:-1], offset + 1
        bounds, lo = [], 0
        for pos, ch in enumerate(text):
            if ch == "|" and (pos - len(text[:pos].rstrip("\\"))) % 2 == 0:
                bounds.append((lo, pos))
                lo = pos + 1
        bounds.append((lo, len(text)))
        if len(bounds) != len(cells):
            continue
        for cell, (a, b) in zip(cells, bounds):
            seg = text[a:b]
            cell["_state"] = state
            cell["_istart"] = offset + a + len(seg) - len(seg.lstrip())


_orig_parse_list_item = _list_parser._parse_list_item


def _parse_list_item(block, bullet, item, token, state, rules):
    """Stamp each list item: its marker, and the base line of its child state."""
    if not isinstance(state, PosState):
        return _orig_parse_list_item(block, bullet, item, token, state, rules)
    # On entry the cursor is just past the item's marker line.
    marker_line = state.line_of(min(state.cursor, len(state.src) + 1) - 1)
    state.line_of(0)
    assert state._line_starts is not None
    line_start = state._line_starts[marker_line]
    saved = state.child_base
    state.child_base = marker_line + (0 if item.text.strip() else 1)
    try:
        result = _orig_parse_list_item(block, bullet, item, token, state, rules)
    finally:
        state.child_base = saved
    li = token["children"][-1]
    li["_state"] = state
    li["_start"] = state.first_nonblank(line_start)
    li["_marker"] = item.marker
    child = state.root.children.get(id(li["children"]))
    if child is not None and child.src.strip():
        li["_end_line"] = child.line_base + child.src.rstrip("\n").count("\n")
    else:
        li["_end_line"] = state.doc_line(line_start)
    return result


_list_parser._parse_list_item = _parse_list_item

_orig_close_bracket = _links._close_bracket


def _close_bracket(inline, state, close):
    """Stamp a link or image when a `]` closes it: whole, text and URL spans."""
    if not isinstance(state, PosInlineState):
        return _orig_close_bracket(inline, state, close)
    opener = state.brackets[-1]
    end = _orig_close_bracket(inline, state, close)
    tokens = state.tokens
    if (
        len(tokens) == opener.token_index + 1
        and tokens[-1]["type"] in ("link", "image")
        and "_s" not in tokens[-1]
    ):
        tok = tokens[-1]
        src = state.src
        tok["_s"] = opener.start - (2 if opener.image else 1)
        tok["_e"] = end
        tok["_text"] = (opener.start, close)
        if "ref" not in tok:
            tok["_kind"] = "inline"
            tok["_url"] = _dest_span(src, close + 2)
        elif src.startswith("[", close + 1) and end > close + 3:
            tok["_kind"] = "reference"
            tok["_url"] = (close + 2, end - 1)  # the label
        else:
            tok["_kind"] = "collapsed" if src.startswith("[]", close + 1) else "shortcut"
            tok["_url"] = (opener.start, close)
    return end


def _dest_span(src: str, pos: int) -> tuple[int, int]:
    while pos < len(src) and src[pos] in " \t\n":
        pos += 1
    if pos < len(src) and src[pos] == "<":
        close = src.find(">", pos)
        return (pos + 1, close if close > 0 else pos + 1)
    _, end = parse_link_href(src, pos)
    return (pos, end if end is not None else pos)


_links._close_bracket = _close_bracket


class PosInlineState(InlineState):
    pass


class PosInlineParser(InlineParser):
    def __call__(self, s, env):  # type: ignore[override]
        state = PosInlineState(env)
        state.src = s
        return self.parse(state)

    def parse_method(self, m, state):  # type: ignore[override]
        n = len(state.tokens)
        end = super().parse_method(m, state)
        if end:
            for tok in state.tokens[n:]:
                if tok["type"] in _NESTED_INLINE:
                    # ~~text~~ is parsed as its own source: shift into ours
                    _shift(tok.get("children", []), m.end())
                if tok["type"] in _INLINE_STAMPED and "_s" not in tok:
                    tok["_s"] = m.start()
                    tok["_e"] = end
                    if "_autolink" in tok:
                        bare = not tok["_autolink"].startswith("<")
                        tok["_kind"] = "url" if bare else "autolink"
                        inner = (m.start(), end) if bare else (m.start() + 1, end - 1)
                        tok["_text"] = tok["_url"] = inner
        return end


def _shift(tokens: list[Token], by: int) -> None:
    for tok in tokens:
        if "_s" in tok:
            tok["_s"] += by
            tok["_e"] += by
            for key in ("_text", "_url"):
                if key in tok:
                    tok[key] = (tok[key][0] + by, tok[key][1] + by)
        if tok.get("children"):
            _shift(tok["children"], by)


class PosMarkdown(mistune.Markdown):
    def _iter_render(self, tokens, state):  # type: ignore[override]
        for tok in tokens:
            if "children" in tok:
                tok["children"] = list(self._iter_render(tok["children"], state))
            elif "text" in tok:
                text = tok.pop("text")
                stripped = text.strip(_WS)
                children = self.inline(stripped, state.env)
                tok["children"] = children
                st = tok.get("_state")
                if st is not None and tok.get("_exact", True):
                    if "_istart" in tok:
                        base = tok["_istart"]
                    elif "_tend" in tok:
                        base = tok["_tend"] - len(text.lstrip(_WS))
                    else:
                        base = None
                    if base is not None:
                        _map_inline(children, st, base)
            yield tok


def _map_inline(tokens: list[Token], st: PosState, base: int) -> None:
    for tok in tokens:
        if "_s" in tok:
            tok["_pos"] = (st.to_doc(base + tok.pop("_s")), st.to_doc(base + tok.pop("_e")))
            for key in ("_text", "_url"):
                if key in tok:
                    a, b = tok[key]
                    tok[key] = (st.to_doc(base + a), st.to_doc(base + b))
        if "children" in tok:
            _map_inline(tok["children"], st, base)


def _finish_blocks(tokens: list[Token], source: Source) -> None:
    """Turn block stamps into ``_pos`` (start, end) source offsets."""
    for tok in tokens:
        children = tok.get("children")
        if children and tok["type"] in ("block_quote", "list", "list_item", "task_list_item"):
            _finish_blocks(children, source)
        st = tok.pop("_state", None)
        if tok["type"] == "blank_line" or st is None and tok["type"] != "list":
            continue
        if tok["type"] == "list":
            items = [c for c in children or () if "_pos" in c]
            if items:
                tok["_pos"] = (items[0]["_pos"][0], items[-1]["_pos"][1])
            continue
        start = st.to_doc(tok.pop("_start"))
        if "_end_line" in tok:
            end_line = tok.pop("_end_line")
        else:  # a paragraph: its text ends at _tend in its state
            end_line = st.doc_line(_last_char(st.src, tok["_tend"]))
        end_line = max(end_line, source.line_of(start))
        tok["_pos"] = (start, _line_content_end(source, end_line))


def _last_char(src: str, end: int) -> int:
    j = min(end, len(src)) - 1
    while j > 0 and src[j] in " \t\n":
        j -= 1
    return j


def _line_content_end(source: Source, line: int) -> int:
    text = source.line_text(line)
    return source.line_start(line) + len(text.rstrip(" \t"))


_MARKDOWN: PosMarkdown | None = None


def _markdown() -> PosMarkdown:
    global _MARKDOWN
    if _MARKDOWN is None:
        _MARKDOWN = PosMarkdown(
            renderer=None,
            block=PosBlockParser(),
            inline=PosInlineParser(),
            plugins=[import_plugin(name) for name in ("table", "strikethrough", "url", "task_lists")],
        )
        # our stamped bare URLs: the plugin's function, through parse_method
        _MARKDOWN.inline.register("url_link", URL_LINK_PATTERN, parse_url_link)
    return _MARKDOWN


_DETECT: Any = object()


def parse(source: Source, front_matter: Any = _DETECT) -> tuple[list[Token], list[dict[str, Any]]]:
    """Parse ``source`` into mistune tokens carrying ``_pos`` spans.

    Returns the block tokens and the reference definitions, each a dict with
    ``label``, ``url`` and ``_pos``. The lines of the front matter
    (frontmatter.FrontMatter; detected unless given) are parsed as blank
    lines: offsets after it stay those of the source.
    """
    lines = source.lines()
    if front_matter is _DETECT:
        from .frontmatter import detect

        front_matter = detect(source)
    if front_matter is not None:
        for n in front_matter.lines:
            lines[n] = ""
    if DAMAGED.search(source.text):
        # bytes that are not UTF-8 (kept as lone surrogates) would stop
        # mistune's URL quoting: it parses U+FFFD in their place, one for one
        lines = [as_replacement(ln) for ln in lines]
    md = _markdown()
    state = PosState()
    state.root = _Root(source, lines)
    normalized = "\n".join(lines)
    tokens, state = md.parse(normalized, state)
    assert isinstance(tokens, list)
    _finish_blocks(tokens, source)
    refs = _reference_definitions(state)
    return tokens, refs


def _reference_definitions(state: PosState) -> list[dict[str, Any]]:
    return list(state.env.get("_ref_defs", []))
