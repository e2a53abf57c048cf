"""Position exactness: every span points at what it claims in the source.

Offsets index ``Source.text`` (BOM removed, original newlines kept); lines and
columns are 1-based and count code points. Also: tracking positions does not
change the tree mistune builds (apart from the two repairs parser.py makes on
purpose).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("hypothesis")
pytest.importorskip("markdown_it")

import mistune  # noqa: E402
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from roadmaplint.document import Document, Link, load  # noqa: E402
from roadmaplint.parser import parse  # noqa: E402
from roadmaplint.source import Source  # noqa: E402

# the document generator and the CommonMark oracle live beside this file
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_oracle_markdown_it import _MD, _encode, known_divergences, roadmap_texts  # noqa: E402
from shared_data import SHARED, absent


def doc_of(text: str) -> tuple[Source, Document]:
    source = Source(text)
    return source, load(source)


def blocks(doc: Document, kind: str) -> list:
    return [b for b in doc.walk_blocks() if b.type == kind]


def at(source: Source, span) -> str:
    return source.text[span.start : span.end]


# -- blocks ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("# Roadmap\n", (1, 1)),
        ("   ## Indented ##\n", (1, 4)),
        ("intro\n\n#\tTabbed\n", (3, 1)),
        ("> # Quoted\n", (1, 3)),
        ("- ## In item\n", (1, 3)),
        ("1. x\n\n   ### Under item\n", (3, 4)),
        ("> - a\n>   #### Deep\n", (2, 5)),
        ("> note\n## Q3 2025\n", (2, 1)),  # repaired: outside the quote
        ("text\r\n\r\n## CRLF\r\n", (3, 1)),
        ("✅ 中文\n\n## After emoji\n", (3, 1)),
    ],
)
def test_atx_heading_starts_at_hash(text: str, where: tuple[int, int]) -> None:
    source, doc = doc_of(text)
    (heading,) = doc.headings
    assert source.position(heading.span.start) == where
    assert source.text[heading.span.start] == "#"
    assert source.text[heading.span.end - 1] != " "
    assert at(source, heading.text_span) == heading.title


def test_heading_spans_and_styles() -> None:
    text = "# One #\n\nTwo words\n===\n\n> Quoted\n> ---\n\n- Item title\n  ---\n"
    source, doc = doc_of(text)
    got = [(h.style, h.level, source.position(h.span.start), source.position(h.span.end), at(source, h.text_span)) for h in doc.headings]
    assert got == [
        ("closed", 1, (1, 1), (1, 8), "One"),
        ("setext", 1, (3, 1), (4, 4), "Two words"),
        ("setext", 2, (6, 3), (7, 6), "Quoted"),
        ("setext", 2, (9, 3), (10, 6), "Item title"),
    ]


def test_bom_heading_is_line_1_column_1() -> None:
    source = Source.from_bytes(b"\xef\xbb\xbf# H\n")
    doc = load(source)
    assert source.bom
    assert [(h.level, source.position(h.span.start)) for h in doc.headings] == [(1, (1, 1))]
    assert at(source, doc.headings[0].span) == "# H"


def test_list_item_starts_at_marker() -> None:
    text = (
        "- dash\n"
        "* star\n"  # a new list: another bullet
        "+ plus\n"
        "\n"
        "1. one\n"
        "10. ten\n"
        "\n"
        "3) paren\n"
        "   - nested under paren\n"
        "     1. deeper\n"
        "- [ ] task\n"
        "-\n"
        "  empty marker line\n"
        "> - quoted\n"
        ">   * nested quoted\n"
        "- > quote in item\n"
        "\t- tab nested\n"
    )
    source, doc = doc_of(text)
    got = [(source.position(b.span.start), b.attrs["marker"]) for b in blocks(doc, "list_item")]
    assert got == [
        ((1, 1), "-"),
        ((2, 1), "*"),
        ((3, 1), "+"),
        ((5, 1), "1."),
        ((6, 1), "10."),
        ((8, 1), "3)"),
        ((9, 4), "-"),
        ((10, 6), "1."),
        ((11, 1), "-"),
        ((12, 1), "-"),
        ((14, 3), "-"),
        ((15, 5), "*"),
        ((16, 1), "-"),
        ((17, 2), "-"),
    ]
    for b in blocks(doc, "list_item"):
        assert source.text.startswith(b.attrs["marker"], b.span.start)
    items = {item.text: item for item in doc.items()}
    assert items["task"].checkbox == " "
    assert at(source, items["task"].marker_span) == "-"
    assert at(source, items["ten"].marker_span) == "10."


def test_list_item_and_list_end() -> None:
    source, doc = doc_of("- a\n  more\n\n  para\n- b\n\n\nafter\n")
    first, second = blocks(doc, "list_item")
    assert at(source, first.span) == "- a\n  more\n\n  para"
    assert at(source, second.span) == "- b"
    (lst,) = blocks(doc, "list")
    assert at(source, lst.span) == "- a\n  more\n\n  para\n- b"


def test_block_quote_starts_at_marker() -> None:
    text = "> outer\n> > inner\n\n- > in item\n\n   > indented\nlazy line\n"
    source, doc = doc_of(text)
    quotes = blocks(doc, "block_quote")
    assert [source.position(q.span.start) for q in quotes] == [(1, 1), (2, 3), (4, 3), (6, 4)]
    assert all(source.text[q.span.start] == ">" for q in quotes)
    assert at(source, quotes[0].span) == "> outer\n> > inner"
    assert at(source, quotes[-1].span) == "> indented\nlazy line"


@pytest.mark.parametrize(
    ("text", "where", "body"),
    [
        ("```py\nx = 1\n```\n", (1, 1), "```py\nx = 1\n```"),
        ("para\n\n  ~~~\n  # no heading\n  ~~~\n", (3, 3), "~~~\n  # no heading\n  ~~~"),
        ("- item\n\n  ```\n  code\n  ```\n", (3, 3), "```\n  code\n  ```"),
        ("> ```\n> quoted\n> ```\n", (1, 3), "```\n> quoted\n> ```"),
        ("- ```\n  open\n", (1, 3), "```\n  open"),  # unclosed: ends with its item
        ("text\r\n\r\n```\r\nc\r\n```\r\n", (3, 1), "```\r\nc\r\n```"),
    ],
)
def test_fenced_code_starts_at_fence(text: str, where: tuple[int, int], body: str) -> None:
    source, doc = doc_of(text)
    (code,) = blocks(doc, "code")
    assert source.position(code.span.start) == where
    assert at(source, code.span) == body
    assert doc.headings == []
    assert doc.in_code(code.span.start) and doc.in_code(code.span.end - 1)


def test_other_blocks() -> None:
    text = "para one\ncontinues\n\n***\n\n<details>\n<summary>S</summary>\n\n    indented code\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    source, doc = doc_of(text)
    got = [(b.type, source.position(b.span.start), at(source, b.span)) for b in doc.blocks]
    assert got == [
        ("paragraph", (1, 1), "para one\ncontinues"),
        ("thematic_break", (4, 1), "***"),
        ("html", (6, 1), "<details>\n<summary>S</summary>"),
        ("code", (9, 5), "indented code"),
        ("table", (11, 1), "| a | b |\n|---|---|\n| 1 | 2 |"),
    ]


def test_details_after_item_is_not_swallowed() -> None:
    source, doc = doc_of("- [x] done\n<details>\n<summary>More</summary>\n\n- hidden\n\n</details>\n")
    assert [b.type for b in doc.blocks] == ["list", "html", "list", "html"]
    assert source.position(doc.blocks[1].span.start) == (2, 1)
    assert at(source, doc.blocks[0].span) == "- [x] done"


def test_crlf_offsets_index_the_original_text() -> None:
    text = "# A\r\n\r\n- one\r\n  - two\r\n> q\r\n"
    source, doc = doc_of(text)
    assert source.newline == "\r\n"
    got = [(b.type, source.position(b.span.start), at(source, b.span)) for b in doc.walk_blocks() if b.type != "paragraph"]
    assert got == [
        ("heading", (1, 1), "# A"),
        ("list", (3, 1), "- one\r\n  - two"),
        ("list_item", (3, 1), "- one\r\n  - two"),
        ("list", (4, 3), "- two"),
        ("list_item", (4, 3), "- two"),
        ("block_quote", (5, 1), "> q"),
    ]


# -- links, definitions, code spans ----------------------------------------------
def one_link(doc: Document) -> Link:
    assert len(doc.links) == 1, doc.links
    return doc.links[0]


@pytest.mark.parametrize(
    "prefix",
    ["", "- ", "  - ", "1. ", "- [ ] ", "> ", "> - ", "- > ", "> > ", "## ", "✅ 中文 ", "🦀🦀 see ", "**bold** "],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_inline_link_spans(prefix: str, newline: str) -> None:
    line = f"{prefix}[the plan](https://example.org/plan) after"
    text = f"intro{newline}{newline}- x{newline}{newline}{line}{newline}"
    source, doc = doc_of(text)
    link = one_link(doc)
    assert link.kind == "inline"
    assert at(source, link.span) == "[the plan](https://example.org/plan)"
    assert at(source, link.text_span) == "the plan" == link.text
    assert at(source, link.url_span) == "https://example.org/plan" == link.url
    # columns count code points: the emoji and CJK characters are one each
    assert source.position(link.span.start) == (5, len(prefix) + 1)


def test_link_forms() -> None:
    text = (
        "A [titled](https://e.org/a \"Title\") and [angled](<https://e.org/b c>) link.\n"
        "Autolink <https://e.org/c> and bare https://e.org/d/e?f=g, mail <me@e.org>.\n"
        "Refs [full][lab], [lab][] and [lab]; image ![alt](img.png).\n"
        "\n"
        "[lab]: https://e.org/ref \"T\"\n"
    )
    source, doc = doc_of(text)
    got = [(link.kind, at(source, link.span), at(source, link.text_span), at(source, link.url_span)) for link in doc.links]
    assert got == [
        ("inline", '[titled](https://e.org/a "Title")', "titled", "https://e.org/a"),
        ("inline", "[angled](<https://e.org/b c>)", "angled", "https://e.org/b c"),
        ("autolink", "<https://e.org/c>", "https://e.org/c", "https://e.org/c"),
        ("url", "https://e.org/d/e?f=g", "https://e.org/d/e?f=g", "https://e.org/d/e?f=g"),
        ("autolink", "<me@e.org>", "me@e.org", "me@e.org"),
        ("reference", "[full][lab]", "full", "lab"),
        ("collapsed", "[lab][]", "lab", "lab"),
        ("shortcut", "[lab]", "lab", "lab"),
        ("image", "![alt](img.png)", "alt", "img.png"),
    ]
    refs = [link for link in doc.links if link.kind in ("reference", "collapsed", "shortcut")]
    assert {link.url for link in refs} == {"https://e.org/ref"}
    (definition,) = doc.definitions
    assert at(source, definition.span) == '[lab]: https://e.org/ref "T"'
    assert at(source, definition.text_span) == "lab"
    assert at(source, definition.url_span) == "https://e.org/ref" == definition.url
    assert source.position(definition.span.start) == (5, 1)


def test_link_destinations_of_every_shape() -> None:
    # a plain destination is measured by one pattern; one with parentheses,
    # an escape, a control character or no text is measured as mistune does
    text = (
        "[a](https://e.org/a_(b)) [c](https://e.org/c\\)d) [e]( https://e.org/e ) [f](https://e.org/f\x0bg)\n"
        "[h](https://e.org/h\u00a0i) [j](<https://e.org/j k>) [l]() [m](\thttps://e.org/m \"T\")\n"
    )
    source, doc = doc_of(text)
    assert [(link.kind, at(source, link.url_span)) for link in doc.links] == [
        ("inline", "https://e.org/a_(b)"), ("inline", "https://e.org/c\\)d"), ("inline", "https://e.org/e"),
        ("url", "https://e.org/f"),  # a control character: no link, a bare URL in it
        ("inline", "https://e.org/h\u00a0i"), ("inline", "https://e.org/j k"), ("inline", ""),
        ("inline", "https://e.org/m"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "shah has hh, h&hellip; &http://a.e.org hhttp://b.e.org https//c http:/d\n",
        "Http://caps.e.org HTTPS://CAPS.e.org [h](https://e.org/h) <https://e.org/i> `h` ~~h https://e.org/j~~\n",
        "- the item http://e.org/(a)b) and h\n  more h https://e.org/k.\n",
    ],
)
def test_tree_unchanged_around_h_and_urls(text: str) -> None:
    # the inline scan stops at "http://" and "https://" rather than at every
    # "h" (mistune's url plugin): the same tokens either way
    _same_tree(Source(text))


def test_definitions_in_containers() -> None:
    text = "> [q]: https://e.org/q\n\n- [i]: https://e.org/i\n\n   [top]: <https://e.org/t>\n\n[q] [i] [top]\n"
    source, doc = doc_of(text)
    got = sorted((source.position(d.span.start), at(source, d.text_span), at(source, d.url_span)) for d in doc.definitions)
    assert got == [
        ((1, 3), "q", "https://e.org/q"),
        ((3, 3), "i", "https://e.org/i"),
        ((5, 4), "top", "https://e.org/t"),
    ]
    assert [link.url for link in doc.links] == ["https://e.org/q", "https://e.org/i", "https://e.org/t"]


def test_link_across_lines_and_containers() -> None:
    text = "- a [multi\n  line](https://e.org/m) b\n\n> c [t](\n> https://e.org/q)\n\n- > lazy\n[l](https://e.org/l)\n"
    source, doc = doc_of(text)
    got = [(source.position(link.span.start), at(source, link.text_span), at(source, link.url_span)) for link in doc.links]
    assert got == [
        ((1, 5), "multi\n  line", "https://e.org/m"),
        ((4, 5), "t", "https://e.org/q"),
        ((8, 1), "l", "https://e.org/l"),
    ]


def test_code_spans() -> None:
    text = "Use `lint` and ``a ` b``.\n\n- item `x`\n> `q`\n\n```\n`not a span`\n```\n"
    source, doc = doc_of(text)
    spans = [at(source, s) for s in doc.code_spans]
    assert spans == ["`lint`", "``a ` b``", "`x`", "`q`", "```\n`not a span`\n```"]
    assert doc.in_code(text.index("lint")) and not doc.in_code(text.index("Use"))


def test_link_after_emoji_and_cjk_columns() -> None:
    source, doc = doc_of("## 计划 🚀\n\n- ✅ 完成 [文档](https://e.org/文档)\n")
    link = one_link(doc)
    assert source.position(link.span.start) == (3, 8)
    assert at(source, link.text_span) == "文档"
    assert at(source, link.url_span) == "https://e.org/文档"


def test_bom_link_and_item() -> None:
    source = Source.from_bytes("\ufeff- [t](https://e.org)\r\n".encode())
    doc = load(source)
    link = one_link(doc)
    assert source.position(link.span.start) == (1, 3)
    assert at(source, link.span) == "[t](https://e.org)"
    assert source.position(blocks(doc, "list_item")[0].span.start) == (1, 1)


# -- bugs found here and repaired: regression tests -----------------------------------
def test_link_inside_strikethrough() -> None:
    source, doc = doc_of("- ~~[old plan](https://e.org/old)~~ dropped\n")
    link = one_link(doc)
    assert at(source, link.span) == "[old plan](https://e.org/old)"
    assert link.url == "https://e.org/old"


def test_code_span_inside_strikethrough() -> None:
    source, doc = doc_of("~~use `old`~~\n")
    assert [at(source, s) for s in doc.code_spans] == ["`old`"]


def test_blocks_in_source_order() -> None:
    source, doc = doc_of("## Now\n> tentative\n- [ ] ship A\n## Later\n")
    starts = [b.span.start for b in doc.blocks]
    assert starts == sorted(starts)


def test_whitespace_line_makes_no_block() -> None:
    source, doc = doc_of("# H\n     \n- x\n")
    assert all(b.span.start <= b.span.end for b in doc.walk_blocks())
    assert [b.type for b in doc.blocks] == ["heading", "list"]


def test_heading_with_vertical_tab() -> None:
    source, doc = doc_of("# \x0b[t](https://e.org)\n")
    link = one_link(doc)
    assert at(source, link.span) == "[t](https://e.org)"


def test_setext_text_span_has_no_trailing_space() -> None:
    source, doc = doc_of("Title  \n===\n")
    (heading,) = doc.headings
    assert at(source, heading.text_span) == "Title"


# -- generated documents ------------------------------------------------------------
_MAP = {
    "heading_open": "heading",
    "paragraph_open": "paragraph",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "list_item_open": "list_item",
    "blockquote_open": "block_quote",
    "fence": "code",
    "code_block": "code",
    "html_block": "html",
    "hr": "thematic_break",
    "table_open": "table",
}
_ITEM_MARKER = re.compile(r"[-+*]|\d{1,9}[.)]")


def _trim(lines: list[str], first: int, last: int) -> int:
    """The last line of a block, leaving out blank and ``>``-only lines."""
    while last > first and not lines[last].strip(" \t>"):
        last -= 1
    return last


def _lines_ours(source: Source, doc: Document) -> Counter:
    lines = source.lines()
    out = Counter()
    for b in doc.walk_blocks():
        first = source.line_of(b.span.start)
        out[(b.type, first, _trim(lines, first, source.line_of(b.span.end)))] += 1
    return out


def _lines_commonmark(source: Source) -> Counter:
    lines = source.lines()
    out = Counter()
    for tok in _MD.parse(source.text):
        if tok.type in _MAP:
            out[(_MAP[tok.type], tok.map[0], _trim(lines, tok.map[0], tok.map[1] - 1))] += 1
    return out


def _check_block(source: Source, block, parent) -> None:
    text = source.text
    start, end = block.span.start, block.span.end
    assert 0 <= start < end <= len(text), block
    assert text[start] not in " \t\r\n" and text[end - 1] not in " \t\r\n", block
    if parent is not None:
        assert parent.span.start <= start and end <= parent.span.end, (parent, block)
    first = text[start]
    if block.type == "list_item":
        assert _ITEM_MARKER.fullmatch(block.attrs["marker"]) and text.startswith(block.attrs["marker"], start)
    elif block.type == "block_quote":
        assert first == ">"
    elif block.type == "thematic_break":
        assert first in "-*_"
    elif block.type == "html":
        assert first == "<"
    elif block.type == "code" and block.attrs.get("style") == "fenced":
        assert text[start : start + 3] in ("```", "~~~")
    elif block.type == "heading" and source.line_of(start) == source.line_of(end):
        assert first == "#"
    for child in block.children:
        _check_block(source, child, block)


def _quote_cut_short(text: str) -> bool:
    """A non-blank line with fewer ``>`` in its prefix than the line above: a
    quote may end there, and mistune's prepend_token may put that quote after
    the blocks that cut it short (reported)."""
    lines = text.split("\n")

    def depth(line: str) -> int:
        return _PREFIX.match(line).group().count(">")

    return any(line.strip() and depth(line) < depth(prev) for prev, line in zip(lines, lines[1:]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roadmap_texts(), st.booleans(), st.booleans())
def test_generated_block_positions(text: str, crlf: bool, bom: bool) -> None:
    source = _encode(text, crlf, bom)
    doc = load(source)
    for block in doc.blocks:
        _check_block(source, block, None)
    for link in doc.links:
        assert 0 <= link.span.start < link.span.end <= len(source.text)
        if link.text_span is not None:
            assert link.span.start <= link.text_span.start <= link.text_span.end <= link.span.end
    if not _quote_cut_short(text):
        # siblings come in source order and do not overlap
        for siblings in [doc.blocks] + [b.children for b in doc.walk_blocks()]:
            for before, after in zip(siblings, siblings[1:]):
                assert before.span.end <= after.span.start, (before, after)
    # where mistune and CommonMark agree on the tree, every block's first and
    # last line agree too (not only headings and items); front matter is
    # metadata to us, Markdown to CommonMark
    if not known_divergences(text) and doc.front_matter is None:
        assert _lines_ours(source, doc) == _lines_commonmark(source)


_PREFIXES = ["", "- ", "* [ ] ", "1. ", "> ", "> - ", "- > ", "  - ", "> > ", "## ", "| ", "✅ ", "中文 ", "🦀🦀 "]


@st.composite
def _link_case(draw, i: int) -> tuple[str, str, str, str | None, str]:
    """(kind, raw, text, url-or-label, line)."""
    t, u = f"t{i}", f"https://e.org/{i}"
    kind, raw, txt, url = draw(
        st.sampled_from(
            [
                ("inline", f"[{t}]({u})", t, u),
                ("inline", f'[{t}]({u} "T")', t, u),
                ("inline", f"[{t}](<{u}>)", t, u),
                ("autolink", f"<{u}>", u, u),
                ("autolink", f"<m{i}@e.org>", f"m{i}@e.org", f"m{i}@e.org"),
                ("url", u, u, u),
                ("reference", f"[{t}][l{i}]", t, f"l{i}"),
                ("collapsed", f"[l{i}][]", f"l{i}", f"l{i}"),
                ("shortcut", f"[l{i}]", f"l{i}", f"l{i}"),
                ("image", f"![{t}]({u})", t, u),
                ("code", f"`c{i}`", f"c{i}", None),
            ]
        )
    )
    before = draw(st.sampled_from(["", "see ", "🚀 ", "**b** ", "完成 "]))
    after = draw(st.sampled_from(["", " end", ".", " 📅"]))
    line = draw(st.sampled_from(_PREFIXES)) + before + raw + after
    return kind, raw, txt, url, line


@st.composite
def _link_docs(draw):
    cases = [draw(_link_case(i)) for i in range(draw(st.integers(1, 6)))]
    lines, defs = [], []
    for kind, _raw, _txt, url, line in cases:
        lines.append(line)
        if draw(st.integers(0, 3)) == 0:
            lines.append("")
        if kind in ("reference", "collapsed", "shortcut"):
            defs.append(f"[{url}]: https://d.org/{url}")
    return cases, "\n".join(lines + [""] + defs) + "\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_link_docs(), st.booleans(), st.booleans())
def test_generated_link_positions(case, crlf: bool, bom: bool) -> None:
    cases, text = case
    source = _encode(text, crlf, bom)
    doc = load(source)
    found = {at(source, link.span): link for link in doc.links}
    codes = [at(source, span) for span in doc.code_spans]
    for kind, raw, txt, url, _line in cases:
        if kind == "code":
            assert raw in codes
            continue
        assert raw in found, (raw, sorted(found))
        link = found[raw]
        assert link.kind == kind
        assert link.span.start == source.text.index(raw)
        assert at(source, link.text_span) == txt
        assert at(source, link.url_span) == url
    for definition in doc.definitions:
        label = definition.label
        assert at(source, definition.span).startswith(f"[{label}]:")
        assert at(source, definition.url_span) == f"https://d.org/{label}"


# -- tracking does not change the tree ------------------------------------------------
_PLAIN = mistune.create_markdown(renderer=None, plugins=["table", "strikethrough", "url", "task_lists"])
_PREFIX = re.compile(r"(?:[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*")
_ATX = re.compile(r"#{1,6}(?:[ \t]|$)")
_TAG_AT_ONCE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*/?>")


def _repaired_shape(text: str) -> bool:
    """Where parser.py's two repairs may apply: an ATX heading in a run of lines
    that has a quote line above it, or an HTML tag whose name ends at ``>``
    (a list also asks its break rules after blank lines)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        body = line[_PREFIX.match(line).end() :]
        if _TAG_AT_ONCE.match(body):
            return True
        if _ATX.match(body):
            j = i - 1
            while j >= 0 and lines[j].strip():
                if ">" in lines[j]:
                    return True
                j -= 1
    return False


def _public(node):
    if isinstance(node, dict):
        return {k: _public(v) for k, v in node.items() if not k.startswith("_")}
    if isinstance(node, list):
        return [_public(v) for v in node]
    return node


def _same_tree(source: Source) -> None:
    # front matter (parsed as blank lines on purpose) is test_front_matter's
    tokens, _refs = parse(source, front_matter=None)
    assert _public(tokens) == _public(_PLAIN(source.normalized()))


def test_repaired_shapes_do_differ() -> None:
    # the exclusion below is needed, and it is the repairs that make the difference
    for text in ("> note\n## Q3 2025\n", "- item\n<details>\n\n- x\n\n</details>\n"):
        assert _repaired_shape(text)
        tokens, _ = parse(Source(text))
        assert _public(tokens) != _public(_PLAIN(text))


def _all_files() -> list[Path]:
    dirs = [SHARED / "seeds", SHARED / "corpus" / "roadmaps", SHARED / "corpus" / "mojibake"]
    return sorted(p for d in dirs if d.is_dir() for p in d.iterdir() if p.is_file() and p.name != "README.md")


def test_tree_unchanged_on_seeds_and_corpus() -> None:
    files = _all_files()
    if not files:
        pytest.skip(absent())
    compared = 0
    for path in files:
        source = Source.from_bytes(path.read_bytes(), str(path))
        if _repaired_shape(source.normalized()):
            continue
        _same_tree(source)
        compared += 1
    assert compared >= len(files) // 2  # the exclusion stays an exception


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roadmap_texts(), st.booleans(), st.booleans())
def test_generated_tree_unchanged(text: str, crlf: bool, bom: bool) -> None:
    assume(not _repaired_shape(text))
    _same_tree(_encode(text, crlf, bom))


def test_links_and_code_in_table_cells() -> None:
    text = (
        "| Item | Link | Code |\n|---|:---:|---|\n"
        "| a \\| b | [x](https://g.nite07.org/a) | `c` |\n"
        "  | 🚀 **b** | <https://x.y> |  |\n\n"
        "A | B\n--|--\n[q](u) | `z`\n"
    )
    doc = load(Source(text))
    assert [text[lk.span.start : lk.span.end] for lk in doc.links] == [
        "[x](https://g.nite07.org/a)", "<https://x.y>", "[q](u)"]
    assert [text[lk.url_span.start : lk.url_span.end] for lk in doc.links] == [
        "https://g.nite07.org/a", "https://x.y", "u"]
    assert sorted(text[s.start : s.end] for s in doc.code_spans) == ["`c`", "`z`"]
