"""Front matter: the YAML (``---``) or TOML (``+++``) block at the start of
a file that Jekyll, Hugo and GitHub read as metadata. No rule reports in it,
no fix touches a byte of it, positions after it stay exact, export shows it
and its date feeds stale-roadmap."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from roadmaplint import fixes
from roadmaplint.document import Span, load
from roadmaplint.violations import Edit, Fix, Violation
from roadmaplint.settings import Settings
from roadmaplint.frontmatter import detect
from roadmaplint.parser import parse
from roadmaplint.resources import data_text
from roadmaplint.source import Source
from helpers import run, violations
from shared_data import SHARED, absent

TODAY = dt.date(2026, 12, 6)

# Every line of this block would draw a finding, or a fix, as Markdown: an
# insecure URL in a long line with two trailing spaces, a tab, a
# zero-width space and a trailing no-break space, mojibake, a replacement
# character, a CRLF line in an LF file, a date in another style, comments
# that look like headings and list items that look like a status legend.
YAML_FM = (
    b"---\n"
    b'title: "Roadmap: see http://github.com/a/very/long/path/that/goes/on/and/on/for/more/than/eighty/characters"  \n'
    b"description: Plans for next year\t\n"
    b"summary: Shipped \xc3\xa2\xc5\x93\xe2\x80\xa6 the\xe2\x80\x8b parser\xc2\xa0\n"
    b"lost: caf\xef\xbf\xbd\r\n"
    b"# Roadmap\n"
    b"## Next: soon\n"
    b"updated: 01/02/2020\n"
    b"tags:\n"
    b"- \xe2\x9c\x85 done\n"
    b"- '[ ] todo'\n"
    b"---\n"
)
BODY = (
    b"# Roadmap\n"
    b"\n"
    b"Last reviewed: 2026-11-01, see https://example.org/plans here.  \n"
    b"\n"
    b"## Next\n"
    b"\n"
    b"- Plugin API\n"
    b"- Links: [a](https://example.org/a), [b](https://example.org/b), [c](https://example.org/c), "
    b"[d](https://example.org/d)\n"
)
TOML_FM = (
    b"+++\n"
    b'title = "Roadmap http://example.com/x"   \n'
    b"lastmod = 2026-11-20T10:00:00Z\n"
    b"draft = false\n"
    b"# Heading lookalike\n"
    b"[params]\n"
    b'owners = ["a", "b"]  \n'
    b"+++\n"
)


def everything(data: bytes, but: str = "") -> list[Violation]:
    """What every rule reports in ``data`` on TODAY, the rule ``but`` aside."""
    return [v for v in violations(data, "ALL", today=TODAY) if v.code != but]


def formatted(data: bytes, tmp_path: Path, *extra: str) -> bytes:
    result = run("format", "-", "--stdin-filename", str(tmp_path / "ROADMAP.md"), *extra, input=data)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


# -- what counts ---------------------------------------------------------------


def test_yaml_and_toml_blocks_are_front_matter() -> None:
    doc = load(Source.from_bytes(YAML_FM + BODY))
    fm = doc.front_matter
    assert fm is not None and fm.format == "yaml"
    assert fm.raw.encode() == YAML_FM[:-1]  # up to the closing ---, its newline aside
    assert (fm.start, fm.end, fm.last_line) == (0, len(YAML_FM.decode()) - 1, 11)
    # the parser saw blank lines: the first heading is the body's
    assert [(h.level, h.title) for h in doc.headings] == [(1, "Roadmap"), (2, "Next")]
    assert doc.headings[0].span.start == len(YAML_FM.decode())
    assert [lk.url for lk in doc.links] == ["https://example.org/plans"] + [f"https://example.org/{c}" for c in "abcd"]
    doc = load(Source.from_bytes(TOML_FM + BODY))
    assert doc.front_matter is not None and doc.front_matter.format == "toml"
    assert doc.headings[0].span.start == len(TOML_FM)


def test_yaml_closes_with_dots_too() -> None:
    fm = detect(Source("---\nkey: value\n...\n# Roadmap\n"))
    assert fm is not None and fm.raw == "---\nkey: value\n..." and fm.keys == {"key": "value"}


def test_thematic_break_then_setext_heading_is_markdown() -> None:
    # `---`, prose, `---`: a thematic break and a Setext heading, as before
    text = "---\nOur plans for 2027\n---\n\n- Plugin API\n"
    doc = load(Source(text))
    assert doc.front_matter is None
    assert [(h.level, h.style, h.title) for h in doc.headings] == [(2, "setext", "Our plans for 2027")]
    # a prose line with a colon is not a key either (a key has no spaces)
    assert detect(Source("---\nSome prose: with a colon\n---\n")) is None
    # ... but the same shape with key lines is front matter, as GitHub shows it
    doc = load(Source("---\nstatus: draft\n---\n\n- Plugin API\n"))
    assert doc.front_matter is not None and doc.headings == []


def test_other_shapes_are_not_front_matter() -> None:
    for text in (
        "\n---\ntitle: x\n---\n",  # not on the first line
        "--- \ntitle: x\n+++\n",  # closed by the other format's delimiter
        "---\n- a\n- b\n---\n",  # a sequence, not keys
        "+++\nnot toml at all\n+++\n",
        "----\ntitle: x\n----\n",
        "---\n# Roadmap\n---\n",  # comments only: a heading between two thematic breaks
        "+++\n# Roadmap\n+++\n",
    ):
        assert detect(Source(text)) is None, text


def test_unclosed_block_behaves_as_before(tmp_path: Path) -> None:
    data = b"---\ntitle: Roadmap  \n\n## Next\n\n- Plugin API\n"
    source = Source.from_bytes(data)
    assert load(source).front_matter is None
    tokens, _ = parse(source)
    plain, _ = parse(source, front_matter=None)
    assert tokens == plain
    # and its trailing spaces are the trailing-whitespace rule's, as before
    assert [(v.line, v.column, v.code) for v in violations(data, "RL502")] == [(2, 15, "RL502")]
    assert formatted(data, tmp_path) == b"---\ntitle: Roadmap\n\n## Next\n\n- Plugin API\n"


def test_empty_front_matter() -> None:
    # Jekyll's `---\n---`, which makes it process a page
    fm = detect(Source("---\n---\n# Roadmap\n"))
    assert fm is not None and fm.keys == {} and fm.raw == "---\n---"


# -- check ---------------------------------------------------------------------


@pytest.mark.parametrize("front", [YAML_FM, TOML_FM], ids=["yaml", "toml"])
def test_check_reports_nothing_inside(front: bytes) -> None:
    found = everything(front + BODY)
    end = len(front.decode("utf-8")) - 1
    # (a finding about the whole file sits at 1:1, before the block)
    assert [v for v in found if v.span.start < end and v.span != Span(0, 0)] == []
    # what the body holds is still reported, where it is
    text = (front + BODY).decode("utf-8")
    by_code = {v.code: v for v in found}
    url = by_code["RL405"]
    assert url.span.start == text.index("https://example.org/plans")
    first = front.count(b"\n") + 1  # 1-based line of the body's first line
    assert (url.line, url.column) == (first + 2, 32)
    ws = by_code["RL502"]
    assert (ws.line, ws.column, ws.end_column) == (first + 2, 63, 65)
    assert text[ws.span.start : ws.span.end] == "  "


def test_without_front_matter_the_same_lines_are_reported() -> None:
    # the control: the block's lines, below a first line that is not `---`,
    # draw findings from the rules the front matter silences
    data = b"# Roadmap\n\n" + YAML_FM[4:-4]
    codes = {v.code for v in everything(data)}
    # (its URLs are in quotes: values, which bare-url leaves alone)
    assert {"RL101", "RL104", "RL105", "RL107", "RL404", "RL502"} <= codes


def test_heading_right_below_front_matter_needs_no_blank_line() -> None:
    data = b"---\ntitle: Roadmap\n---\n# Roadmap\n\n## Next\n\n- Plugin API\n"
    assert violations(data, "RL508") == []
    # but a heading right below a paragraph still does
    data = b"---\ntitle: Roadmap\n---\nIntro\n# Roadmap\n"
    assert [(v.line, v.code) for v in violations(data, "RL508")] == [(5, "RL508")]


def test_key_lines_that_look_like_headings_are_not_titles() -> None:
    data = b"---\ntitle: x\n# Roadmap\n---\n# Roadmap\n\n## Now\n\n## Next\n\n# Another\n"
    assert [(v.line, v.code) for v in violations(data, "RL506")] == [(11, "RL506")]


# -- format --------------------------------------------------------------------


@pytest.mark.parametrize("front", [YAML_FM, TOML_FM], ids=["yaml", "toml"])
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_format_leaves_every_byte(front: bytes, unsafe: bool, tmp_path: Path) -> None:
    out = formatted(front + BODY, tmp_path, *(["--unsafe-fixes"] if unsafe else []))
    assert out.startswith(front)
    # the body was fixed: its bare URL and trailing spaces
    assert out[len(front) :] == BODY.replace(b"https://example.org/plans", b"<https://example.org/plans>").replace(
        b"here.  \n", b"here.\n")


def test_crlf_file(tmp_path: Path) -> None:
    data = (YAML_FM.replace(b"\r\n", b"\n") + BODY).replace(b"\n", b"\r\n")
    doc = load(Source.from_bytes(data))
    assert doc.front_matter is not None and doc.front_matter.raw.encode() == YAML_FM.replace(b"\r\n", b"\n").replace(
        b"\n", b"\r\n")[:-2]
    out = formatted(data, tmp_path)
    assert out.startswith(YAML_FM.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    found = everything(data)
    url = next(v for v in found if v.code == "RL405")
    assert (url.line, url.column) == (15, 32)
    assert doc.text[url.span.start : url.span.end] == "https://example.org/plans"


def test_crlf_front_matter_in_lf_file(tmp_path: Path) -> None:
    # the block's own line endings are left alone; the body's are fixed
    data = b"---\r\ntitle: x\r\n---\r\n# Roadmap\r\n\n- a\n- b\n- c\n- d\n"
    assert [(v.line, v.code) for v in violations(data, "RL104")] == [(4, "RL104")]
    out = formatted(data, tmp_path, "--select", "RL104")
    assert out == b"---\r\ntitle: x\r\n---\r\n# Roadmap\n\n- a\n- b\n- c\n- d\n"
    # a file that is only front matter, its last line unterminated
    assert violations(b"---\r\ntitle: x\n---", "RL104") == []


def test_bom_before_front_matter(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + TOML_FM + BODY
    doc = load(Source.from_bytes(data))
    assert doc.source.bom and doc.front_matter is not None and doc.front_matter.start == 0
    found = everything(data, but="RL103")
    assert not [v for v in found if 0 < v.span.start < doc.front_matter.end]
    # the BOM rule drops the mark; the block itself stays
    assert formatted(data, tmp_path, "--select", "RL103,RL502").startswith(TOML_FM)


def test_file_of_front_matter_only(tmp_path: Path) -> None:
    data = b"---\ntitle: Roadmap  \nurl: http://example.com\n---\n"
    assert [v for v in everything(data) if v.span.start > 0] == []
    assert formatted(data, tmp_path) == data
    # without a final newline: one is added after the block, nothing inside it
    assert formatted(data[:-1], tmp_path) == data


def test_guard_refuses_an_edit_inside_front_matter() -> None:
    before = load(Source("---\ntitle: x  \n---\n# Roadmap\n"))
    edit = Edit(12, 14, "")  # the trailing spaces after "title: x"
    after = load(Source("---\ntitle: x\n---\n# Roadmap\n"))
    v = Violation("<stdin>", "RL502", "trailing-whitespace", "warning", "", before.front_matter.span,
                  2, 9, 2, 11, Fix.safe(edit))
    with pytest.raises(fixes.FixRefused, match="front matter"):
        fixes.guard(before, after, [v])
    # an insertion right before it would end it being front matter
    v = Violation("<stdin>", "RL508", "heading-blank-lines", "error", "", before.front_matter.span,
                  1, 1, 1, 1, Fix.safe(Edit(0, 0, "\n")))
    with pytest.raises(fixes.FixRefused):
        fixes.guard(before, load(Source("\n" + before.text)), [v])


# -- export --------------------------------------------------------------------


def _export(data: bytes, tmp_path: Path) -> dict:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(data)
    result = run("export", str(path))
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(out, json.loads(data_text("schemas", "roadmap.schema.json")))
    return out


def test_export_yaml(tmp_path: Path) -> None:
    data = (b"---\n"
            b"title: \"Roadmap: 2027\"  # a comment\n"
            b"layout: page\n"
            b"weight: 3\n"
            b"draft: false\n"
            b"note: 'it''s fine'\n"
            b"owner: ~\n"
            b"last_modified_at: 2026-11-01 10:00:00 +0000\n"
            b"tags:\n  - a\n  - b\n"
            b"about: |\n  many lines\n"
            b"---\n# Roadmap\n")
    fm = _export(data, tmp_path)["front_matter"]
    assert fm["format"] == "yaml"
    assert fm["raw"] == data.decode()[: data.index(b"---\n# ") + 3]
    assert fm["span"] == {"start": 0, "end": len(fm["raw"]), "line": 1, "column": 1, "end_line": 14, "end_column": 4}
    assert fm["keys"] == {"title": "Roadmap: 2027", "layout": "page", "weight": 3, "draft": False,
                          "note": "it's fine", "owner": None, "last_modified_at": "2026-11-01 10:00:00 +0000"}


def test_export_toml(tmp_path: Path) -> None:
    fm = _export(TOML_FM + BODY, tmp_path)["front_matter"]
    assert fm["format"] == "toml" and fm["raw"].encode() == TOML_FM[:-1]
    assert fm["keys"] == {"title": "Roadmap http://example.com/x", "lastmod": "2026-11-20T10:00:00+00:00",
                          "draft": False, "params": {"owners": ["a", "b"]}}


def test_export_keys_null_when_it_does_not_parse(tmp_path: Path) -> None:
    # a repeated YAML key, a TOML syntax error
    assert _export(b"---\ntitle: a\ntitle: b\n---\n# R\n", tmp_path)["front_matter"]["keys"] is None
    assert _export(b"+++\ntitle = \n+++\n# R\n", tmp_path)["front_matter"]["keys"] is None
    assert _export(b"# R\n", tmp_path)["front_matter"] is None


# -- stale-roadmap ---------------------------------------------------------------


def test_stale_roadmap_reads_last_modified_at() -> None:
    data = b"---\ntitle: Roadmap\nlast_modified_at: 2021-03-01 10:00:00 +0000\n---\n# Roadmap\n"
    found = violations(data, "RL604", today=TODAY)
    assert [(v.line, v.column, v.end_column) for v in found] == [(3, 19, 29)]
    assert "last reviewed 2021-03-01" in found[0].message
    # a recent one: not stale
    assert violations(data.replace(b"2021-03-01", b"2026-11-01"), "RL604", today=TODAY) == []


@pytest.mark.parametrize("key", ["updated", "date", "last_reviewed", "lastmod", "last_updated"])
def test_stale_roadmap_reads_other_date_keys(key: str) -> None:
    data = b"---\n" + key.encode() + b": '2020-01-05'\n---\n# Roadmap\n"
    assert [v.code for v in violations(data, "RL604", today=TODAY)] == ["RL604"]


def test_stale_roadmap_reads_timestamps() -> None:
    # TOML and YAML timestamps with a time of day
    data = b"+++\nlastmod = 2021-11-20T10:00:00Z # Hugo\n+++\n# Roadmap\n"
    found = violations(data, "RL604", today=TODAY)
    assert [(v.line, v.column, v.end_column) for v in found] == [(2, 11, 21)]
    assert "2021-11-20" in found[0].message
    data = b"---\nupdated: 2026-11-20T10:00:00+02:00\n---\n# Roadmap\n\nLast reviewed: 2021-03-01\n"
    assert violations(data, "RL604", today=TODAY) == []


def test_latest_date_counts_front_matter_or_text() -> None:
    # the text says 2021, the front matter (TOML) says last month: not stale
    data = b"+++\nlastmod = 2026-11-20\n+++\n# Roadmap\n\nLast reviewed: 2021-03-01\n"
    assert violations(data, "RL604", today=TODAY) == []
    # and the other way round
    data = b"---\nupdated: 2021-03-01\n---\n# Roadmap\n\nLast reviewed: 2026-11-01\n"
    assert violations(data, "RL604", today=TODAY) == []


def test_title_key_counts_as_the_title() -> None:
    spec = {"title": {"required": True}, "sections": [{"name": "Next"}]}
    data = b"---\ntitle: Roadmap\n---\n## Next\n\n- a\n"
    assert violations(data, "RL201", spec=spec) == []
    data = b"---\nlayout: page\n---\n## Next\n\n- a\n"
    assert [v.message for v in violations(data, "RL201", spec=spec)] == ["missing level-1 title"]


# -- real files ------------------------------------------------------------------


def _peer_files() -> list[Path]:
    d = SHARED / "peer" / "markdownlint"
    return sorted(p for p in d.glob("*.md")) if d.is_dir() else []


def test_markdownlint_front_matter_cases_keep_their_bytes() -> None:
    files = _peer_files()
    if not files:
        pytest.skip(absent("peer/markdownlint"))
    kept = 0
    for path in files:
        data = path.read_bytes()
        try:
            source = Source.from_bytes(data, str(path))
        except Exception:
            continue
        fm = detect(source)
        if fm is None:
            continue
        result = fixes.fix(source, Settings(), unsafe=True)
        before = data.removeprefix(b"\xef\xbb\xbf")[: len(fm.raw.encode())]
        assert result.source.to_bytes().removeprefix(b"\xef\xbb\xbf").startswith(before), path.name
        kept += 1
    assert kept >= 10  # the suite has many front matter cases


def test_corpus_front_matter_is_kept() -> None:
    corpus = SHARED / "corpus" / "roadmaps"
    if not corpus.is_dir():
        pytest.skip(absent("corpus/roadmaps"))
    for path in sorted(corpus.iterdir()):
        data = path.read_bytes()
        try:
            source = Source.from_bytes(data, str(path))
        except Exception:
            continue
        fm = detect(source)
        first = source.line_text(0).rstrip(" \t") if source.line_count else ""
        if first not in ("---", "+++"):
            assert fm is None, path.name
        if fm is not None:
            result = fixes.fix(source, Settings())
            assert result.source.to_bytes()[: len(fm.raw.encode(source.encoding))] == fm.raw.encode(source.encoding)


def test_front_matter_above_real_roadmaps_changes_nothing_below() -> None:
    # a messy block put above real roadmaps: the same findings, shifted by
    # its length (messages that name a line, by its lines), and format
    # keeps it
    files = sorted((SHARED / "seeds").glob("*_*.md")) + sorted((SHARED / "corpus" / "roadmaps").glob("*"))[:12]
    if not files:
        pytest.skip(absent("seeds"))
    import re

    block = '---\ntitle: "Roadmap http://github.com/x/y"  \nlayout: page\t\n# Roadmap\n- \u2705 done\n---\n'
    compared = 0
    for path in files:
        try:
            source = Source.from_bytes(path.read_bytes(), str(path))
        except Exception:
            continue
        if detect(source) is not None or source.text.startswith(("---", "+++")):
            continue
        fm = block.replace("\n", source.newline)
        shifted = source.replace(fm + source.text)
        ignore = {"RL104"}  # the block's line breaks count towards the majority style

        def moved(m: str) -> str:
            return re.sub(r"line (\d+)", lambda g: f"line {int(g.group(1)) + 6}", m)

        want = sorted((v.code, v.span.start + len(fm), v.span.end + len(fm), moved(v.message))
                      for v in everything(source) if v.code not in ignore)
        got = sorted((v.code, v.span.start, v.span.end, v.message)
                     for v in everything(shifted) if v.code not in ignore)
        assert got == want, path.name
        assert fixes.fix(shifted, Settings(), unsafe=True).source.text.startswith(fm), path.name
        compared += 1
    assert compared >= len(files) // 2


def test_front_matter_after_a_second_bom(tmp_path: Path) -> None:
    # a second byte-order mark, kept as text: the bom rule removes it, and
    # nothing else in the block changes
    data = b"\xef\xbb\xbf\xef\xbb\xbf---\ntitle: x  \n---\n# Roadmap\n"
    fm = load(Source.from_bytes(data)).front_matter
    assert fm is not None and (fm.start, fm.raw) == (1, "---\ntitle: x  \n---")
    assert [(v.line, v.column, v.code) for v in everything(data, but="RL205")] == [(1, 1, "RL103")]
    assert formatted(data, tmp_path) == b"---\ntitle: x  \n---\n# Roadmap\n"


def test_commonmark_reads_the_rest_as_we_do() -> None:
    # below the block, the tree is CommonMark's reading of the file with
    # the block's lines blank
    from test_oracle_markdown_it import oracle, ours

    data = YAML_FM + b"Intro\n===\n\n- a\n  - b\n\n> ## Quote\n"
    source = Source.from_bytes(data)
    assert ours(source) == oracle(source.text) == ({(12, 1, 0), (18, 2, 1)}, {(15, 0), (16, 1)})


def test_a_bad_byte_in_front_matter_is_reported_without_a_fix() -> None:
    # the rest of the file is UTF-8 (é written right), so the file stays UTF-8
    vs = violations(b'+++\ntitle = "a\xff"\n+++\n# R\n\nhello \xc3\xa9t\xc3\xa9\n', "RL102")
    assert [(v.line, v.fix) for v in vs] == [(2, None)]
    assert "in the front matter" in vs[0].message
