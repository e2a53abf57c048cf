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
non-blank character of the block's last line. :func:`tree` hands the model
one record type, :class:`Node`, built from those tokens; :func:`parse` gives
mistune's own tokens.

The parser also repairs two mistune structure bugs that matter for roadmaps:
an ATX heading right after a block quote goes into the quote, and an HTML block
such as ``<details>`` right after a list item is swallowed by it.

All of this leans on mistune internals (private functions wrapped or called,
a regex edited as text, a rule list recognised by equality, regex group
names). Importing this module changes nothing in mistune; the first parser
built checks that those internals are there, installs the two wrappers, and
parses a document that needs every patch: if anything is not as expected it
raises :class:`ParserMismatch`, naming mistune's version and what failed,
before any roadmap is parsed. The block quote repair alone is checked when
the first block quote is parsed (a quote costs two patterns to compile that
most roadmaps never need).

Two more private pieces of mistune are used for speed only, and the layer
works the same without them: the scan for inline rules stops at
``http://``/``https://`` rather than at every ``h`` (``_get_fast_trigger_re``),
and the pattern that ends a list item is made once per indent
(``_compile_list_break_sc``).
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_right
from operator import itemgetter
from typing import Any

import mistune
import mistune.block_parser as _block_parser
import mistune.helpers as _helpers
import mistune.inline_parser as _inline_parser
import mistune.list_parser as _list_parser
from mistune import BlockParser, BlockState, InlineParser, InlineState
from mistune.plugins import import_plugin

from .lazyre import lazy
from .source import DAMAGED, Source, as_replacement

try:  # a private module: its absence is reported by _check_mistune
    from mistune._inline import links as _links
except ImportError:  # pragma: no cover - another mistune
    _links = None  # type: ignore[assignment]

Token = dict[str, Any]


class ParserMismatch(RuntimeError):
    """The installed mistune is not what the position layer is made for: a
    private function it wraps is gone, a regex it edits or a rule list it
    extends has changed, or a patch did not take. Raised when the parser is
    first built, before any document is parsed (for the block quote repair:
    when the first block quote is parsed), naming mistune's version and the
    expectation that failed."""


# the mistune the layer is made for (pyproject pins it)
_MADE_FOR, _REQUIREMENT = "3.4.x", "mistune>=3.4,<3.5"

# (a missing HTML_ATTRIBUTES is reported by _check_mistune); compiled on
# the first HTML block mistune's own pattern does not end
_SELF_CLOSING = lazy(getattr(_helpers, "HTML_ATTRIBUTES", "(?!)") + r"[ \t]*/>[ \t]*(?:\n|$)")
# the lazy-line break rules mistune's extract_block_quote compiles; ours add
# atx_heading to them
_QUOTE_BREAK = ["blank_line", "thematic_break", "fenced_code", "list", "block_html"]
# how BlockParser.BLOCK_HTML ends a type-6 tag name, and how ours does
_TAG_NAME_END = r"(?:[ \t]+|\n|$))"
_TAG_NAME_END_OURS = r"(?:[ \t]+|\n|$|(?<!</pre)(?<!</script)(?<!</style)(?<!</textarea)(?=/?>)))"
_INLINE_STAMPED = {"codespan", "inline_html", "link", "image"}
_NESTED_INLINE = {"strikethrough", "mark", "insert"}
# inline rules that make only text and break tokens: nothing to stamp
_TEXT_RULES = {"emphasis", "escape", "softbreak", "linebreak"}
_WS = " \r\n\t\f"
_WHITESPACE = " \t\n\r\x0b\x0c"  # string.whitespace
# how the url plugin's pattern starts (http:// or https://, case-sensitive)
_URL_START = r"https?:\/\/"


class _Root:
    """What every state of one parse shares: the document's lines."""

    def __init__(self, source: Source, blank: range, tokens: bool = False) -> None:
        self.source = source
        self.starts = source.line_starts  # the document's line starts and ends
        self.ends = source._ends
        self.last_line = source.line_count - 1
        self.blank = blank  # document lines parsed as blank (the front matter's)
        self.tokens = tokens  # render mistune's tokens (with _pos), not Node records
        self.dropped = 0  # blocks left out of the records for want of a position


class PosState(BlockState):
    root: _Root
    line_base: int = 0
    child_base: int = 0
    # whether offsets in this state are offsets in the source (the top-level
    # state of a document with "\n" newlines and no front matter)
    identity: bool = False

    _line_starts: list[int] | None = None  # see starts
    last_child: tuple[list[Token], int, str] | None = None  # see child_state

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        if parent is not None:
            self.root = parent.root
            self.line_base = parent.line_base + parent.child_base

    def child_state(self, src: str, lazy_line_starts: Any = None) -> PosState:
        child = super().child_state(src, lazy_line_starts)
        # what the block holding the child's tokens needs of it (the state
        # itself would make a cycle with the child's parent)
        self.last_child = (child.tokens, child.line_base, child.src)
        return child  # type: ignore[return-value]

    def child_end_line(self, tokens: list[Token], blank: bool = True) -> int | None:
        """Document line of the last line with text of the child state whose
        tokens a block quote or list item holds (None if that is not the
        child made last, or, unless ``blank``, if the child has no text)."""
        last = self.last_child
        if last is None or last[0] is not tokens:
            return None
        _, line_base, src = last
        if not blank and (not src or src.isspace()):
            return None
        j = len(src)
        while j and src[j - 1] == "\n":
            j -= 1
        return line_base + src.count("\n", 0, j)

    # -- offsets in this state to lines and document offsets ----------------
    def starts(self) -> list[int]:
        starts = self._line_starts
        if starts is None:
            starts = [0]
            append = starts.append
            find = self.src.find
            i = find("\n")
            while i >= 0:
                i += 1
                append(i)
                i = find("\n", i)
            self._line_starts = starts
        return starts

    def line_of(self, offset: int) -> int:
        return bisect_right(self._line_starts or self.starts(), offset) - 1

    def to_doc(self, offset: int) -> int:
        """Map an offset in this state's text to an offset in the source."""
        if self.identity:
            # the text is the source's (with a final newline added)
            last = len(self.root.source.text)
            return 0 if offset < 0 else offset if offset < last else last
        return self.place(offset)[0]

    def place(self, offset: int) -> tuple[int, int]:
        """An offset in this state's text as (offset, 0-based line) in the source."""
        src = self.src
        n = len(src)
        if offset < 0:
            offset = 0
        elif offset > n:
            offset = n
        root = self.root
        starts = self._line_starts or self.starts()
        line = bisect_right(starts, offset) - 1
        doc_line = self.line_base + line
        if doc_line > root.last_line:
            doc_line = root.last_line
        if self.identity:
            # the text is the source's (with a final newline added)
            last = len(root.source.text)
            return (offset if offset < last else last), doc_line
        start = starts[line]
        # the line runs to the next line's start, less its newline
        own_len = (starts[line + 1] - 1 if line + 1 < len(starts) else n) - start
        doc_start = root.starts[doc_line]
        doc_len = 0 if doc_line in root.blank else root.ends[doc_line] - doc_start
        doc_col = offset - start + doc_len - own_len
        if doc_col < 0:
            doc_col = 0
        elif doc_col > doc_len:
            doc_col = doc_len
        return doc_start + doc_col, doc_line

    def doc_line(self, offset: int) -> int:
        line = self.line_base + bisect_right(self._line_starts or self.starts(), offset) - 1
        last = self.root.last_line
        return line if line < last else last

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
        tokens = self.tokens
        last = tokens[-1] if tokens else None
        cursor = self.cursor
        if last and last["type"] == "paragraph":
            if last.get("_tend") != cursor:
                last["_exact"] = False
            last["text"] += text
            last["_tend"] = cursor + len(text)
        else:
            start = self.first_nonblank(cursor) if self.src.startswith((" ", "\t"), cursor) else cursor
            tokens.append({"type": "paragraph", "text": text, "_state": self, "_start": start,
                           "_tend": cursor + len(text)})

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
        self.specification["block_html"] = self.BLOCK_HTML.replace(_TAG_NAME_END, _TAG_NAME_END_OURS)
        self.list_break_sc: dict[int, Any] = {}  # see _list_break_sc
        self.markdown: Any = None  # the PosMarkdown it parses for
        self.quotes_checked = False  # see _probe_quotes

    def compile_sc(self, rules: list[str] | None = None):  # type: ignore[override]
        # An ATX heading ends a block quote's lazy continuation (mistune put
        # `> note\n## Q3` inside the quote).
        if rules == _QUOTE_BREAK:
            rules = _QUOTE_BREAK + ["atx_heading"]
        return super().compile_sc(rules)

    def parse_method(self, m, state):  # type: ignore[override]
        tokens = state.tokens
        n = len(tokens)
        kind = m.lastgroup
        if kind == "block_quote":
            if not self.quotes_checked:
                self.quotes_checked = True
                _probe_quotes(self.markdown)
            # the quote's child state starts on this line
            saved = state.child_base
            state.child_base = state.line_of(m.start())
            try:
                end = super().parse_method(m, state)
            finally:
                state.child_base = saved
        else:
            end = super().parse_method(m, state)
        if not end:
            return end
        if kind == "ref_link":
            self._record_definition(m, state, end)
            return end
        if kind == "setex_heading":
            last = state.last_token()
            if last and last.get("style") == "setext" and "_end_line" not in last:
                last["_end_line"] = state.doc_line(m.start())
        for i in range(n - 1 if n else 0, len(tokens)):
            tok = tokens[i]
            t = tok["type"]
            if t == "blank_line" or "_start" in tok:
                continue
            tok["_state"] = state
            start = m.start()
            if state.src.startswith((" ", "\t"), start):
                start = state.first_nonblank(start)
            tok["_start"] = start
            if t == "heading" and kind == "atx_heading":
                raw = m.group("atx_2")
                # mistune strips string.whitespace (\v too) off heading text
                tok["_istart"] = m.start("atx_2") + len(raw) - len(raw.lstrip(_WHITESPACE))
            elif t == "table" and kind in ("table", "nptable"):
                _stamp_table(tok, state, m.start(), pipes=kind == "table")
            if t == "block_quote":
                end_line = state.child_end_line(tok["children"])
                if end_line is not None:
                    tok["_end_line"] = end_line
            elif t != "list":
                tok["_end_line"] = state.last_nonblank_line(start, end)
        return end

    def parse_raw_html(self, m, state):  # type: ignore[override]
        end = super().parse_raw_html(m, state)
        if end is None and not m.group(0).strip().startswith("</"):
            # CommonMark's type-7 HTML block may be a self-closing tag
            # (`<img src="logo.png" />`); mistune's end pattern lacks the `/`
            if _SELF_CLOSING.match(state.src, m.end(), state.find_line_end()):
                return _block_parser._parse_html_to_newline(state, self.BLANK_LINE)
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
        start = state.cursor
        if not state.src.startswith((" ", "\t"), start):
            return None  # an indented code line starts with a space or a tab
        n = len(state.tokens)
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


def _parse_list_item(block, bullet, item, token, state, rules):
    """Stamp each list item: its marker, and the base line of its child state."""
    if not isinstance(state, PosState):
        return _orig_parse_list_item(block, bullet, item, token, state, rules)
    # On entry the cursor is just past the item's marker line.
    cursor = state.cursor
    marker_line = state.line_of((cursor if cursor < len(state.src) + 1 else len(state.src) + 1) - 1)
    line_start = state._line_starts[marker_line]  # type: ignore[index]
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
    end_line = state.child_end_line(li["children"], blank=False)
    li["_end_line"] = state.doc_line(line_start) if end_line is None else end_line
    return result


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
    # a destination without parentheses, escapes or controls ends at white
    # space or ")"; any other is measured as mistune measures it
    end = _PLAIN_DEST.match(src, pos).end()  # type: ignore[union-attr]
    if end > pos and (end == len(src) or src[end] in _DEST_END):
        return (pos, end)
    _, end = _helpers.parse_link_href(src, pos)
    return (pos, end if end is not None else pos)


_PLAIN_DEST = re.compile(r"[^\x00-\x20\x7f()<\\]*")
_DEST_END = " \t\n\r\f)"  # mistune.helpers.ASCII_WHITESPACE and ")"


class PosInlineState(InlineState):
    pass


class PosInlineParser(InlineParser):
    _trigger: tuple[Any, Any] = (None, None)  # (mistune's set of start characters, the pattern made for it)

    def _get_fast_trigger_re(self, chars):  # type: ignore[override]
        # mistune scans plain text up to the next character that may start a
        # rule, and tries its rules there. With the url plugin every "h" is
        # such a character: the text of a paragraph is cut, matched and
        # joined again at each one. Only "http://" and "https://" can start
        # a bare URL (the rule is case-sensitive, and no other rule starts
        # with "h"), so the scan stops there instead: the same tokens.
        # (mistune keeps one set of start characters until a rule is
        # registered, and makes a new one then)
        if self._trigger[0] is not chars:
            pattern = "[" + re.escape("".join(sorted(chars))) + "]"
            if "h" in chars and self._only_urls_start_with_h():
                pattern = "[" + re.escape("".join(sorted(set(chars) - {"h"}))) + "]|https?://"
            self._trigger = (chars, re.compile(pattern))
        return self._trigger[1]

    def _only_urls_start_with_h(self) -> bool:
        if not self.specification.get("url_link", "").startswith(_URL_START):
            return False
        known = getattr(_inline_parser, "_KNOWN_RULE_START_CHARS", None)
        for name in self.rules:
            starts = self._rule_start_chars.get(name, known.get(name) if known else None)
            if starts is None or "h" in starts and name != "url_link":
                return False
        return True

    def __call__(self, s, env):  # type: ignore[override]
        state = PosInlineState(env)
        state.src = s
        return self.parse(state)

    def parse_method(self, m, state):  # type: ignore[override]
        if m.lastgroup in _TEXT_RULES:
            return super().parse_method(m, state)
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
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.block.markdown = self  # type: ignore[attr-defined]

    def render_state(self, state):  # type: ignore[override]
        # in place of mistune's tokens with their inline children: the
        # records the model reads, made in one walk (or, for parse(),
        # mistune's tokens with _pos spans)
        root = state.root
        if root.tokens:
            tokens = _render_tokens(self.inline, state.tokens, state.env)
            _finish_blocks(tokens, root)
            return tokens
        render = _Render(self.inline, state.env, root)
        nodes = render.blocks(state.tokens)
        root.dropped = render.dropped
        return nodes


class _Render:
    """mistune's block tokens to :class:`Node` records, in one walk: each
    block placed in the source, its text parsed into inline tokens and
    those placed too.

    Records are made positionally (tuple.__new__ with every field), the fast
    way: a 1 MB roadmap has about 45,000 tokens. Field order: type, pos,
    children, raw, level, style, info, ordered, bullet, marker, checked, url,
    kind, label, text_pos, url_pos."""

    def __init__(self, inline: PosInlineParser, env: Any, root: _Root) -> None:
        self.inline = inline
        self.env = env
        self.root = root
        self.dropped = 0  # blocks left out for want of a position

    def blocks(self, tokens: list[Token]) -> list[Node]:
        out: list[Node] = []
        append = out.append
        root = self.root
        for tok in tokens:
            t = tok["type"]
            if t == "blank_line":
                continue
            # let the state go (it holds the tokens: a cycle)
            st = tok.pop("_state", None)
            kind = _BLOCK_KINDS.get(t)
            if kind == "list":
                # placed by its items (those that have a place)
                items = self.blocks(tok["children"])
                if not items:
                    self.dropped += 1  # its items are counted already
                    continue
                attrs = tok.get("attrs") or {}
                append(_new(Node, (kind, (items[0].pos[0], items[-1].pos[1]), items, "", 0, None, None,  # type: ignore[union-attr]
                                   attrs.get("ordered", False), tok.get("bullet"), "", None, "", None, None, None,
                                   None)))
                continue
            if kind is None or st is None:
                self.dropped += _count_blocks(tok)
                continue
            pos = _block_pos(tok, st, root)
            if kind == "paragraph":
                append(_new(Node, (kind, pos, self.text(tok, st), "", 0, None, None, False, None, "", None, "",
                                   None, None, None, None)))
            elif kind == "list_item":
                checked = tok["attrs"].get("checked") if t == "task_list_item" else None
                append(_new(Node, (kind, pos, self.blocks(tok["children"]), "", 0, None, None, False, None,
                                   tok.get("_marker", ""), checked, "", None, None, None, None)))
            elif kind == "heading":
                append(_new(Node, (kind, pos, self.text(tok, st), "", tok["attrs"]["level"], tok.get("style", "atx"),
                                   None, False, None, "", None, "", None, None, None, None)))
            elif kind == "block_quote":
                append(_new(Node, (kind, pos, self.blocks(tok["children"]), "", 0, None, None, False, None, "",
                                   None, "", None, None, None, None)))
            elif kind == "code":
                raw = tok.get("raw", "")
                if not raw.strip() and pos[1] <= pos[0]:
                    continue  # mistune's code block of a whitespace-only line: nothing to place
                info = (tok.get("attrs") or {}).get("info")
                append(_new(Node, (kind, pos, (), raw, 0, tok.get("style"), info, False, None, "", None, "", None,
                                   None, None, None)))
            else:  # html, thematic_break, table
                children = tok.get("children")
                if children:  # a table's head and body: their cells' text
                    children = _inline_nodes(_render_tokens(self.inline, children, self.env))
                append(_new(Node, (kind, pos, children or [], "", 0, None, None, False, None, "", None, "", None,
                                   None, None, None)))
        return out

    def text(self, tok: Token, st: PosState) -> list[Node]:
        """The inline records of a paragraph's or heading's text."""
        text = tok.get("text", "")
        tokens = self.inline(text.strip(_WS), self.env)
        if not tokens:
            return []
        base = _inline_base(tok, text)
        if base is None:
            return _inline_nodes(tokens)
        return _placed_nodes(tokens, st, base)


def _inline_base(tok: Token, text: str) -> int | None:
    """Where a block's inline text starts in its state, None if it is not
    one run of the state's text."""
    if "_exact" in tok:  # (only ever False)
        return None
    base = tok.get("_istart")
    if base is not None:
        return base  # type: ignore[no-any-return]
    tend = tok.get("_tend")
    if tend is not None:
        lead = 0  # (text.lstrip() would copy the text)
        while lead < len(text) and text[lead] in _WS:
            lead += 1
        return tend - (len(text) - lead)  # type: ignore[no-any-return]
    return None


def _block_pos(tok: Token, st: PosState, root: _Root) -> tuple[int, int]:
    """A block's (start, end) in the source, from its stamps: from its first
    character to the end of the text on its last line."""
    start, line = st.place(tok["_start"])
    end_line = tok.get("_end_line")
    if end_line is None:  # a paragraph: its text ends at _tend in its state
        src = st.src
        j = min(tok["_tend"], len(src)) - 1
        while j > 0 and src[j] in " \t\n":
            j -= 1
        end_line = st.line_base + bisect_right(st._line_starts or st.starts(), j) - 1
        if end_line > root.last_line:
            end_line = root.last_line
    if end_line > line:
        line = end_line
    text = root.source.text
    first, end = root.starts[line], root.ends[line]
    while end > first and text[end - 1] in " \t":
        end -= 1
    return (start, end)


def _render_tokens(inline: Any, tokens: list[Token], env: Any) -> list[Token]:
    """mistune's rendering (each text parsed into inline children), with
    the inline tokens placed: a block keeps its state for _finish_blocks, a
    table cell's is let go here."""
    for tok in tokens:
        if "children" in tok:
            _render_tokens(inline, tok["children"], env)
        elif "text" in tok:
            text = tok.pop("text")
            children = inline(text.strip(_WS), env)
            tok["children"] = children
            st = tok.get("_state") if "_start" in tok else tok.pop("_state", None)
            if st is not None:
                base = _inline_base(tok, text)
                if base is not None:
                    _map_inline(children, st, base)
    return tokens


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


def _finish_blocks(tokens: list[Token], root: _Root) -> None:
    """Turn block stamps into ``_pos`` (start, end) source offsets."""
    for tok in tokens:
        children = tok.get("children")
        if children and tok["type"] in ("block_quote", "list", "list_item", "task_list_item"):
            _finish_blocks(children, root)
        st = tok.pop("_state", None)
        if tok["type"] == "blank_line" or st is None and tok["type"] != "list":
            continue
        if tok["type"] == "list":
            items = [c for c in children or () if "_pos" in c]
            if items:
                tok["_pos"] = (items[0]["_pos"][0], items[-1]["_pos"][1])
            continue
        tok["_pos"] = _block_pos(tok, st, root)
        tok.pop("_start")
        tok.pop("_end_line", None)


def _line_content_end(source: Source, line: int) -> int:
    start, end = source.line_start(line), source.line_end(line)
    text = source.text
    while end > start and text[end - 1] in " \t":
        end -= 1
    return end


# -- the layer's own check: mistune is what it is made for ------------------------
_orig_parse_list_item: Any = None
_orig_close_bracket: Any = None
_orig_list_break_sc: Any = None


def _mismatch(what: str) -> ParserMismatch:
    version = getattr(mistune, "__version__", "of unknown version")
    return ParserMismatch(
        f"the installed mistune {version} does not fit roadmaplint's parser (made for mistune {_MADE_FOR}): "
        f"{what}; install {_REQUIREMENT}"
    )


def _check_mistune() -> None:
    """What the layer takes from mistune beyond its public API is there, in
    the shape the layer edits: raise :class:`ParserMismatch` if not."""
    if _links is None:
        raise _mismatch("the module mistune._inline.links is missing (links are stamped in its _close_bracket)")
    for owner, name in (
        (_list_parser, "_parse_list_item"),  # wrapped: list items
        (_links, "_close_bracket"),  # wrapped: links and images
        (_block_parser, "_parse_html_to_newline"),  # called: self-closing HTML blocks
        (_helpers, "parse_link_href"),  # called: link destinations
        (BlockParser, "_parse_indent_code_fast"),  # overridden: indented code
        (BlockParser, "parse_method"),
        (BlockParser, "parse_raw_html"),
        (BlockParser, "compile_sc"),
        (BlockState, "add_paragraph"),
        (BlockState, "append_paragraph"),
        (BlockState, "child_state"),
        (InlineParser, "parse_method"),
        (mistune.Markdown, "render_state"),
    ):
        if not callable(getattr(owner, name, None)):
            raise _mismatch(f"{owner.__name__}.{name} is missing")
    html = getattr(BlockParser, "BLOCK_HTML", "")
    if not isinstance(html, str) or _TAG_NAME_END not in html:
        raise _mismatch(f"BlockParser.BLOCK_HTML no longer contains {_TAG_NAME_END!r}, which the layer "
                        "extends so that an HTML block such as <details> ends a list item")
    spec = getattr(BlockParser, "SPECIFICATION", {})
    if spec.get("block_html") != html:
        raise _mismatch("BlockParser.SPECIFICATION['block_html'] is not BlockParser.BLOCK_HTML")
    for rule, group in (("atx_heading", "atx_2"), ("ref_link", "reflink_1")):
        if f"(?P<{group}>" not in spec.get(rule, ""):
            raise _mismatch(f"the {rule} rule has no group {group!r}")
    fields = getattr(getattr(_links, "Bracket", None), "__dataclass_fields__", {})
    if not {"start", "token_index", "image"} <= set(fields):
        raise _mismatch("mistune._inline.links.Bracket lacks start, token_index or image")
    if not isinstance(getattr(_helpers, "HTML_ATTRIBUTES", None), str):
        raise _mismatch("mistune.helpers.HTML_ATTRIBUTES is missing")


def _install() -> None:
    """Replace the two private functions the layer wraps (once), and the
    one it caches if it is there."""
    global _orig_parse_list_item, _orig_close_bracket, _orig_list_break_sc
    if _list_parser._parse_list_item is not _parse_list_item:
        _orig_parse_list_item = _list_parser._parse_list_item
        _list_parser._parse_list_item = _parse_list_item
    if _links._close_bracket is not _close_bracket:
        _orig_close_bracket = _links._close_bracket
        _links._close_bracket = _close_bracket
    found = getattr(_list_parser, "_compile_list_break_sc", None)
    if callable(found) and found is not _list_break_sc:
        _orig_list_break_sc = found
        _list_parser._compile_list_break_sc = _list_break_sc


def _list_break_sc(block: Any, leading_width: int) -> Any:
    """mistune builds the pattern that ends a list item (and re looks it up)
    for every item; ours is made once per indent (a parser's rules are
    fixed once it is built)."""
    if not isinstance(block, PosBlockParser):
        return _orig_list_break_sc(block, leading_width)
    sc = block.list_break_sc.get(leading_width)
    if sc is None:
        sc = block.list_break_sc[leading_width] = _orig_list_break_sc(block, leading_width)
    return sc


# A document that needs every patch, and what shows each patch took: (what is
# wrong when it did not, where the layer leans on mistune for it, the record
# that must be there). A record is (block depth, type, the source it spans);
# links and definitions add their text and URL, list items marker and box.
_PROBE = (
    "# Title `code`\n"
    "\n"
    "Para [link](https://a.example) and https://b.example\n"
    "more\n"
    "\n"
    "- [ ] task\n"
    "- plain\n"
    "\n"
    "- item\n"
    "<details>\n"
    "\n"
    "    indented code\n"
    "\n"
    "| a | b |\n"
    "|---|---|\n"
    "| [x](https://c.example) | `y` |\n"
    "\n"
    '<img src="i.png" />\n'
    "\n"
    "[ref]: https://d.example\n"
)
_PROBE_EXPECTS = (
    ("an ATX heading gets no position", "BlockParser.parse_method", (0, "heading", "# Title `code`")),
    ("a code span in a heading gets no position", "group atx_2, InlineParser.parse_method, Markdown.render_state",
     (0, "codespan", "`code`")),
    ("a paragraph gets no position", "BlockState.add_paragraph and append_paragraph",
     (0, "paragraph", "Para [link](https://a.example) and https://b.example\nmore")),
    ("a link gets no position", "mistune._inline.links._close_bracket",
     (0, "link", "[link](https://a.example)", "link", "https://a.example")),
    ("a bare URL gets no position", "the url plugin's parse_url_link through InlineParser.parse_method",
     (0, "link", "https://b.example", "https://b.example", "https://b.example")),
    ("a task list item gets no position or marker", "mistune.list_parser._parse_list_item",
     (0, "list_item", "- [ ] task", "-", False)),
    ("a list item gets no position or marker", "mistune.list_parser._parse_list_item",
     (0, "list_item", "- plain", "-", None)),
    ("an HTML block right after a list item stays in the item", "BlockParser.BLOCK_HTML",
     (0, "html", "<details>")),
    ("an indented code block gets no position", "BlockParser._parse_indent_code_fast",
     (0, "code", "indented code")),
    ("a link in a table cell gets no position", "the table plugin's cells",
     (0, "link", "[x](https://c.example)", "x", "https://c.example")),
    ("a self-closing HTML block is not one", "BlockParser.parse_raw_html", (0, "html", '<img src="i.png" />')),
    ("a reference definition is not recorded", "group reflink_1 of the ref_link rule",
     (0, "definition", "[ref]: https://d.example", "ref", "https://d.example")),
)


def _probe_records(parsed: Parsed, text: str) -> set[tuple[Any, ...]]:
    out: set[tuple[Any, ...]] = set()

    def at(pos: tuple[int, int] | None) -> str | None:
        return None if pos is None else text[pos[0] : pos[1]]

    def inline(nodes: Any, depth: int) -> None:
        for n in nodes:
            if n.type == "link":
                out.add((depth, n.type, at(n.pos), at(n.text_pos), at(n.url_pos)))
            elif n.pos is not None:
                out.add((depth, n.type, at(n.pos)))
            inline(n.children, depth)

    def blocks(nodes: Any, depth: int) -> None:
        for n in nodes:
            if n.type == "list_item":
                out.add((depth, n.type, at(n.pos), n.marker, n.checked))
            else:
                out.add((depth, n.type, at(n.pos)))
            if n.type in _CONTAINERS:
                blocks(n.children, depth + (n.type != "list"))
            else:
                inline(n.children, depth)

    blocks(parsed.blocks, 0)
    for d in parsed.definitions:
        out.add((0, d.type, at(d.pos), at(d.text_pos), at(d.url_pos)))
    return out


def _probe(md: PosMarkdown, text: str = _PROBE, expects: Any = _PROBE_EXPECTS) -> None:
    """Parse a document that needs every patch; raise :class:`ParserMismatch`
    naming the first that did not take."""
    source = Source(text)
    try:
        parsed = _tree(md, source, None)
    except ParserMismatch:
        raise
    except Exception as exc:  # a changed internal may fail in any way
        raise _mismatch(f"parsing a test document failed ({type(exc).__name__}: {exc})") from exc
    records = _probe_records(parsed, source.text)
    for what, where, record in expects:
        if record not in records:
            raise _mismatch(f"{what} ({where})")
    if parsed.unpositioned:
        raise _mismatch(f"{parsed.unpositioned} block(s) of a test document have no position")


# The block quote repair is checked on the first block quote a parse meets, not
# when the parser is built: parsing a quote compiles two patterns (3 ms) that a
# roadmap without one never needs.
_QUOTE_PROBE = "> quote\nlazy\n## After quote\n"
_QUOTE_EXPECTS = (
    ("an ATX heading after a block quote's lazy line stays in the quote",
     f"the break rules BlockParser.extract_block_quote passes to compile_sc are not {_QUOTE_BREAK}",
     (0, "heading", "## After quote")),
)


def _probe_quotes(md: PosMarkdown) -> None:
    global _MARKDOWN
    try:
        _probe(md, _QUOTE_PROBE, _QUOTE_EXPECTS)
    except ParserMismatch:
        if _MARKDOWN is md:
            _MARKDOWN = None  # not kept: the next parse fails the same way
        raise


_MARKDOWN: PosMarkdown | None = None

# mistune's plugins the parser runs with: GitHub's tables, strikethrough,
# bare URLs and task list items
PLUGINS = ("table", "strikethrough", "url", "task_lists")


def _markdown() -> PosMarkdown:
    """The parser, built and checked on first use: :class:`ParserMismatch`
    if mistune is not what the layer is made for."""
    global _MARKDOWN
    if _MARKDOWN is None:
        _check_mistune()
        _install()
        try:
            url = importlib.import_module("mistune.plugins.url")
            pattern, parse_url_link = url.URL_LINK_PATTERN, url.parse_url_link
        except (ImportError, AttributeError):
            raise _mismatch("mistune.plugins.url lacks URL_LINK_PATTERN or parse_url_link") from None
        md = PosMarkdown(
            renderer=None,
            block=PosBlockParser(),
            inline=PosInlineParser(),
            plugins=[import_plugin(name) for name in PLUGINS],
        )
        # our stamped bare URLs: the plugin's function, through parse_method
        md.inline.register("url_link", pattern, parse_url_link)
        _probe(md)
        _MARKDOWN = md
    return _MARKDOWN


_DETECT: Any = object()


# -- what the model reads: one record per token -------------------------------------
try:
    from _collections import _tuplegetter
except ImportError:  # pragma: no cover - another Python: what namedtuple falls back to
    def _tuplegetter(index: int, doc: str) -> Any:
        return property(itemgetter(index), doc=doc)


def _field(index: int) -> Any:
    return _tuplegetter(index, f"Alias for field number {index}")


class _Fields(tuple):  # type: ignore[type-arg]
    """What collections.namedtuple gives a class (``_fields``,
    ``_field_defaults``, ``_make``, ``_replace``, ``_asdict``, its repr,
    pickling), for the tuple classes below, written out: namedtuple
    compiles a constructor for each class it makes, at import."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _field_defaults: dict[str, Any] = {}

    @classmethod
    def _make(cls, iterable: Any) -> Any:
        result = tuple.__new__(cls, iterable)
        if len(result) != len(cls._fields):
            raise TypeError(f"Expected {len(cls._fields)} arguments, got {len(result)}")
        return result

    def _replace(self, /, **kwds: Any) -> Any:
        result = self._make(map(kwds.pop, self._fields, self))
        if kwds:
            raise ValueError(f"Got unexpected field names: {list(kwds)!r}")
        return result

    def _asdict(self) -> dict[str, Any]:
        return dict(zip(self._fields, self))

    def __repr__(self) -> str:
        return self.__class__.__name__ + "(" + ", ".join(f"{f}={v!r}" for f, v in zip(self._fields, self)) + ")"

    def __getnewargs__(self) -> tuple[Any, ...]:
        return tuple(self)


class Node(_Fields):
    """A token of mistune's tree as the document model reads it, built once
    here so that the model never reads mistune's dicts.

    ``type`` is the model's block kind for blocks (paragraph, heading, list,
    list_item, block_quote, code, html, thematic_break, table), mistune's
    type for inline tokens (text, codespan, link, image, emphasis, strong,
    softbreak, linebreak, inline_html, strikethrough, table_head, table_body,
    table_row, table_cell) and ``definition`` for a reference definition.
    ``pos``, ``text_pos`` and ``url_pos`` are (start, end) offsets into the
    source text; ``pos`` is None for an inline token without a position (the
    layer stamps links, images, code spans, autolinks and inline HTML).
    """

    # a named tuple (the parser builds it with tuple.__new__, in field order)
    __slots__ = ()
    _fields = ("type", "pos", "children", "raw", "level", "style", "info", "ordered", "bullet", "marker", "checked",
               "url", "kind", "label", "text_pos", "url_pos")
    _field_defaults = {"children": (), "raw": "", "level": 0, "style": None, "info": None, "ordered": False,
                       "bullet": None, "marker": "", "checked": None, "url": "", "kind": None, "label": None,
                       "text_pos": None, "url_pos": None}
    __match_args__ = _fields

    def __new__(cls, type: str, pos: tuple[int, int] | None, children: list[Node] | tuple[()] = (), raw: str = "",
                level: int = 0, style: str | None = None, info: str | None = None, ordered: bool = False,
                bullet: str | None = None, marker: str = "", checked: bool | None = None, url: str = "",
                kind: str | None = None, label: str | None = None, text_pos: tuple[int, int] | None = None,
                url_pos: tuple[int, int] | None = None) -> Node:
        return tuple.__new__(cls, (type, pos, children, raw, level, style, info, ordered, bullet, marker, checked, url,
                                   kind, label, text_pos, url_pos))

    type = _field(0)  # str
    pos = _field(1)  # tuple[int, int] | None
    children = _field(2)  # list[Node] | tuple[()]: a container's blocks, a block's inline tokens
    raw = _field(3)  # str: text, codespan, inline_html, code: mistune's text of the token
    level = _field(4)  # int: heading: 1-6
    style = _field(5)  # str | None: heading: atx | setext; code: fenced | indent
    info = _field(6)  # str | None: code: the fence's info string
    ordered = _field(7)  # bool: list
    bullet = _field(8)  # str | None: list: mistune's bullet
    marker = _field(9)  # str: list_item: its marker as written (`-`, `10.`)
    checked = _field(10)  # bool | None: list_item: a task item's box, None for other items
    url = _field(11)  # str: link, image: mistune's URL
    kind = _field(12)  # str | None: link: inline | reference | collapsed | shortcut | autolink | url
    label = _field(13)  # str | None: link, definition: the reference label
    text_pos = _field(14)  # tuple[int, int] | None: link: its text; definition: its label
    # tuple[int, int] | None: link: its destination (the label of [t][label]); definition: its URL
    url_pos = _field(15)

    # Transitional: rules/links.py (_inline_text) still reads inline tokens
    # as mistune dicts, tok["type"] and tok.get("raw"). Remove both once it
    # reads attributes.
    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            if key in Node._fields:
                return getattr(self, key)
            raise KeyError(key)
        return tuple.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in Node._fields else default


class Parsed(_Fields):
    __slots__ = ()
    _fields = ("blocks", "definitions", "unpositioned")
    __match_args__ = _fields

    def __new__(cls, blocks: list[Node], definitions: list[Node], unpositioned: int) -> Parsed:
        return tuple.__new__(cls, (blocks, definitions, unpositioned))

    blocks = _field(0)  # list[Node]
    definitions = _field(1)  # list[Node]: reference definitions, in the order mistune met them
    # int: blocks the model cannot place (no position, or a type it does not know),
    # left out of ``blocks``: a test asserts there are none
    unpositioned = _field(2)


_BLOCK_KINDS = {
    "paragraph": "paragraph",
    "block_text": "paragraph",
    "heading": "heading",
    "list": "list",
    "list_item": "list_item",
    "task_list_item": "list_item",
    "block_quote": "block_quote",
    "block_code": "code",
    "block_html": "html",
    "thematic_break": "thematic_break",
    "table": "table",
}
_CONTAINERS = ("list", "list_item", "block_quote")
_new = tuple.__new__


def _count_blocks(tok: Token) -> int:
    """A dropped block and the blocks it holds."""
    tok.pop("_state", None)  # (see _Render.blocks)
    n = 1
    if tok["type"] in ("list", "list_item", "task_list_item", "block_quote"):
        for child in tok.get("children", ()):
            if child["type"] != "blank_line":
                n += _count_blocks(child)
    return n


# the same record serves every one of these (records are immutable)
_LEAVES = {t: Node(t, None) for t in ("softbreak", "linebreak")}


def _inline_nodes(tokens: list[Token]) -> list[Node]:
    out = []
    append = out.append
    for tok in tokens:
        t = tok["type"]
        if t == "text":
            append(_new(Node, ("text", None, (), tok["raw"], 0, None, None, False, None, "", None, "", None, None,
                               None, None)))
            continue
        leaf = _LEAVES.get(t)
        if leaf is not None:
            append(leaf)
            continue
        children = tok.get("children")
        kids = _inline_nodes(children) if children else ()
        if t == "link" or t == "image":
            append(_new(Node, (t, tok.get("_pos"), kids, "", 0, None, None, False, None, "", None,
                               tok["attrs"].get("url", ""), tok.get("_kind"), tok.get("label"), tok.get("_text"),
                               tok.get("_url"))))
        else:
            append(_new(Node, (t, tok.get("_pos"), kids, tok.get("raw", ""), 0, None, None, False, None, "", None,
                               "", None, None, None, None)))
    return out


def _placed_nodes(tokens: list[Token], st: PosState, base: int) -> list[Node]:
    """:func:`_inline_nodes`, with the spans the layer stamped (offsets
    from ``base`` in ``st``) placed in the source. A loop of its own rather
    than a flag on _inline_nodes: it is the load's hottest loop."""
    out = []
    append = out.append
    to_doc = st.to_doc
    for tok in tokens:
        t = tok["type"]
        if t == "text":
            append(_new(Node, ("text", None, (), tok["raw"], 0, None, None, False, None, "", None, "", None, None,
                               None, None)))
            continue
        leaf = _LEAVES.get(t)
        if leaf is not None:
            append(leaf)
            continue
        children = tok.get("children")
        kids = _placed_nodes(children, st, base) if children else ()
        s = tok.get("_s")
        if t == "link" or t == "image":
            text_pos, url_pos = tok.get("_text"), tok.get("_url")
            if s is None:
                pos = None
            else:
                pos = (to_doc(base + s), to_doc(base + tok["_e"]))
                if text_pos is not None:
                    text_pos = (to_doc(base + text_pos[0]), to_doc(base + text_pos[1]))
                if url_pos is not None:
                    url_pos = (to_doc(base + url_pos[0]), to_doc(base + url_pos[1]))
            append(_new(Node, (t, pos, kids, "", 0, None, None, False, None, "", None, tok["attrs"].get("url", ""),
                               tok.get("_kind"), tok.get("label"), text_pos, url_pos)))
        else:
            pos = None if s is None else (to_doc(base + s), to_doc(base + tok["_e"]))
            append(_new(Node, (t, pos, kids, tok.get("raw", ""), 0, None, None, False, None, "", None, "", None,
                               None, None, None)))
    return out


def _definition_nodes(refs: list[dict[str, Any]]) -> list[Node]:
    return [
        Node("definition", ref["_pos"], label=ref["label"], text_pos=ref["_label"], url_pos=ref["_url"])
        for ref in refs
    ]


def tree(source: Source, front_matter: Any = _DETECT) -> Parsed:
    """Parse ``source`` into the records the document model reads: blocks
    with their inline tokens, reference definitions, and how many blocks
    had to be left out for want of a position (none, on every input known)."""
    return _tree(_markdown(), source, front_matter)


def _tree(md: PosMarkdown, source: Source, front_matter: Any) -> Parsed:
    blocks, refs, root = _parse(md, source, front_matter, tokens=False)
    return Parsed(blocks, _definition_nodes(refs), root.dropped)


def parse(source: Source, front_matter: Any = _DETECT) -> tuple[list[Token], list[dict[str, Any]]]:
    """Parse ``source`` into mistune tokens carrying ``_pos`` spans (mistune's
    tree as it is, for tests that compare it with plain mistune; the model
    reads :func:`tree`).

    Returns the block tokens and the reference definitions, each a dict with
    ``label``, ``_pos``, ``_label`` and ``_url``. The lines of the front
    matter (frontmatter.FrontMatter; detected unless given) are parsed as
    blank lines: offsets after it stay those of the source.
    """
    tokens, refs, _ = _parse(_markdown(), source, front_matter, tokens=True)
    return tokens, refs


def _damaged(text: str) -> bool:
    """``DAMAGED.search(text)``, the scan (and the pattern's compiling) left
    to a text that holds a surrogate: encoding a text as UTF-8 fails on a
    surrogate and only there, and takes a tenth of the scan's time."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return DAMAGED.search(text) is not None
    return False


def _parse(md: PosMarkdown, source: Source, front_matter: Any, tokens: bool) -> tuple[Any, list[dict[str, Any]], _Root]:
    if front_matter is _DETECT:
        from .frontmatter import detect

        front_matter = detect(source)
    blank = front_matter.lines if front_matter is not None else range(0)
    text = source.text
    identity = not blank and "\r" not in text
    if identity:
        normalized = text
    else:
        lines = source.lines()
        for n in blank:
            lines[n] = ""
        normalized = "\n".join(lines)
    if _damaged(text):
        # bytes that are not UTF-8 (kept as lone surrogates) would stop
        # mistune's URL quoting: it parses U+FFFD in their place, one for one
        normalized = as_replacement(normalized)
    state = PosState()
    state.root = root = _Root(source, blank, tokens)
    if identity:
        state.identity = True
        # the lines mistune parses are the source's (and a last one, if
        # mistune adds a newline)
        starts = list(source.line_starts)
        if not text.endswith("\n"):
            starts.append(len(text) + 1)
        state._line_starts = starts
    result, state = md.parse(normalized, state)
    return result, list(state.env.get("_ref_defs", [])), root
