"""The mistune layer checks itself: a mistune whose internals are not what the
position layer patches is one clear error naming mistune's version (exit 2 on
the command line), never wrong positions; and no block is left out of the
model for want of a position."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import mistune
import mistune.block_parser
import mistune.list_parser
import pytest

from roadmaplint import parser as parse
from roadmaplint.parser import ParserMismatch
from roadmaplint.source import Source
from shared_data import SHARED, absent

VERSION = f"mistune {mistune.__version__}"


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The parser is built again (and checked again) on the next parse; the
    one built before comes back after the test."""
    monkeypatch.setattr(parse, "_MARKDOWN", None)
    return monkeypatch


def mismatch(text: str = "# Roadmap\n\n- [ ] ship\n") -> str:
    with pytest.raises(ParserMismatch) as info:
        parse.tree(Source(text))
    message = str(info.value)
    assert VERSION in message and "\n" not in message
    assert parse._MARKDOWN is None  # not kept: the next parse fails the same way
    return message


def test_edited_regex_that_lost_the_text_replaced(fresh: pytest.MonkeyPatch) -> None:
    # the repair for `- item\n<details>` rewrites this part of mistune's regex
    # with str.replace, which would change nothing without it
    changed = mistune.BlockParser.BLOCK_HTML.replace(r"(?:[ \t]+|\n|$))", r"(?:[ \t]+|$))")
    fresh.setattr(mistune.BlockParser, "BLOCK_HTML", changed)
    fresh.setitem(mistune.BlockParser.SPECIFICATION, "block_html", changed)
    assert "BlockParser.BLOCK_HTML no longer contains" in mismatch()


def test_wrapped_private_function_missing(fresh: pytest.MonkeyPatch) -> None:
    fresh.delattr(mistune.list_parser, "_parse_list_item")
    assert "mistune.list_parser._parse_list_item is missing" in mismatch()


def test_wrapper_no_longer_reached(fresh: pytest.MonkeyPatch) -> None:
    # as if mistune held its list item parser by a reference the layer's
    # replacement of the module attribute cannot reach: items would lose
    # their positions, and the lists holding them would drop out of the model
    parse._markdown()
    mistunes_own = parse._orig_parse_list_item
    parse_list = mistune.block_parser.parse_list

    def parse_list_directly(block, m, state):
        wrapper = mistune.list_parser._parse_list_item
        mistune.list_parser._parse_list_item = mistunes_own
        try:
            return parse_list(block, m, state)
        finally:
            mistune.list_parser._parse_list_item = wrapper

    fresh.setattr(parse, "_MARKDOWN", None)
    fresh.setattr(mistune.block_parser, "parse_list", parse_list_directly)
    message = mismatch()
    assert "a task list item gets no position or marker (mistune.list_parser._parse_list_item)" in message


def test_quote_break_rules_that_no_longer_match(fresh: pytest.MonkeyPatch) -> None:
    # the layer recognises mistune's lazy-line break rules for block quotes by
    # comparing lists; when they differ, `> note\n## Q3` would silently put the
    # heading back inside the quote. That is checked on the first block quote
    # parsed: a roadmap without one is not refused for it.
    fresh.setattr(parse, "_QUOTE_BREAK", ["blank_line", "thematic_break", "fenced_code", "list"])
    assert [n.type for n in parse.tree(Source("# Roadmap\n\n- [ ] ship\n")).blocks] == ["heading", "list"]
    message = mismatch("# Roadmap\n\n> Shipped in May.\n\n- [ ] ship\n")
    assert "an ATX heading after a block quote's lazy line stays in the quote" in message


BREAK_MISTUNE = (
    "import sys, mistune.list_parser\n"
    "del mistune.list_parser._parse_list_item\n"
    "from roadmaplint.cli import main\n"
    "main(sys.argv[1:])\n"
)


@pytest.mark.parametrize("files", [1, 8], ids=["one-file", "worker-pool"])
def test_cli_says_it_in_one_line_and_exits_2(tmp_path: Path, files: int) -> None:
    paths = []
    for n in range(files):
        path = tmp_path / f"{n}" / "ROADMAP.md"
        path.parent.mkdir()
        path.write_text("# Roadmap\n\n- [ ] ship\n", encoding="utf-8")
        paths.append(str(path))
    proc = subprocess.run([sys.executable, "-c", BREAK_MISTUNE, "check", *paths],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith(f"roadmaplint: error: the installed {VERSION} does not fit roadmaplint's parser")
    assert proc.stderr.rstrip().endswith("install mistune>=3.4,<3.5")
    assert "mistune.list_parser._parse_list_item is missing" in proc.stderr


# -- blocks without a position are counted, not dropped silently ----------------------
def test_a_block_without_position_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    # list items parsed without the layer's wrapper (built and checked
    # first): `- item` has no position, so the list, the item and its
    # paragraph have nothing to stand on in the model; `text` keeps its place
    parse._markdown()
    monkeypatch.setattr(mistune.list_parser, "_parse_list_item", parse._orig_parse_list_item)
    parsed = parse.tree(Source("- item\n\ntext\n"))
    assert [(n.type, n.pos) for n in parsed.blocks] == [("paragraph", (8, 12))]
    assert parsed.unpositioned == 3


def unpositioned(text: str) -> int:
    return parse.tree(Source(text)).unpositioned


def test_every_block_of_the_spec_examples_has_a_position() -> None:
    examples = SHARED / "peer" / "commonmark-gfm-examples.json"
    if not examples.is_file():
        pytest.skip(absent("peer/commonmark-gfm-examples.json"))
    found = {f"{e['src']} {e['num']}": unpositioned(e["md"]) for e in json.loads(examples.read_text("utf-8"))}
    assert len(found) > 700
    assert {k: n for k, n in found.items() if n} == {}


def test_every_block_of_the_seeds_and_corpus_has_a_position() -> None:
    dirs = [SHARED / "seeds", SHARED / "corpus" / "roadmaps", SHARED / "corpus" / "mojibake"]
    files = sorted(p for d in dirs if d.is_dir() for p in d.iterdir() if p.is_file() and p.name != "README.md")
    if not files:
        pytest.skip(absent())
    found = {p.name: parse.tree(Source.from_bytes(p.read_bytes(), str(p))).unpositioned for p in files}
    assert {k: n for k, n in found.items() if n} == {}
