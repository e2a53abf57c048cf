"""Every rule has a page in rules/, and every page's examples do what it says."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
from pathlib import Path

import pytest

from roadmaplint import fixes
from roadmaplint.config import load_config
from roadmaplint.registry import Rule, all_rules
from roadmaplint.settings import Settings
from roadmaplint.linter import lint
from roadmaplint.source import Source

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
PAGES = sorted(RULES_DIR.glob("RL*.md"))
SECTIONS = ["What it does", "Why", "Bad", "Good", "Fixed", "Fix safety", "Options"]
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)")
TODAY = dt.date(2026, 11, 21)
# Every example is checked as ROADMAP.md in a folder that holds these files,
# so that examples can link to files that exist (missing-file, broken-anchor).
TREE = {
    "docs/plan.md": "# Plan\n\n## Goals\n\n## Milestones\n",
    "CONTRIBUTING.md": "# Contributing\n",
}


def parse_page(text: str) -> tuple[str, dict[str, str], dict[str, list[tuple[str, str]]]]:
    """(title line, section name -> body, section name -> [(info, code)]).

    A small line scanner of its own, so that a bug in the parser under test
    cannot hide a broken page.
    """
    title = ""
    bodies: dict[str, list[str]] = {}
    blocks: dict[str, list[tuple[str, str]]] = {}
    current: str | None = None
    fence: str | None = None
    info = ""
    code: list[str] = []
    for line in text.split("\n"):
        if fence is not None:
            if line.startswith(fence[0] * len(fence)) and not line.strip(fence[0]).strip():
                blocks.setdefault(current or "", []).append((info, "".join(code)))
                fence = None
            else:
                code.append(line + "\n")
            if current:
                bodies[current].append(line)
            continue
        m = _FENCE.match(line)
        if m:
            fence, info, code = m.group(1), m.group(2).strip(), []
        elif line.startswith("# ") and not title:
            title = line
            continue
        elif line.startswith("## "):
            current = line[3:].strip()
            bodies[current] = []
            continue
        if current:
            bodies[current].append(line)
    assert fence is None, "a code block is not closed"
    return title, {k: "\n".join(v) for k, v in bodies.items()}, blocks


def rule_for(page: Path) -> Rule:
    code = page.name.split("-", 1)[0]
    found = [r for r in all_rules() if r.code == code]
    assert found, f"{page.name}: no registered rule {code}"
    return found[0]


def example(blocks: dict[str, list[tuple[str, str]]], section: str) -> str:
    found = blocks.get(section, [])
    assert len(found) == 1, f"{section}: expected exactly one code block, found {len(found)}"
    info, code = found[0]
    assert info.split()[0] == "markdown", f"{section}: code block info string is {info!r}, not 'markdown'"
    return code


_ESCAPE = re.compile(r"<U\+([0-9A-F]{4,6})>")


def example_bytes(blocks: dict[str, list[tuple[str, str]]], section: str) -> bytes:
    """An example as the bytes of a file. ``<U+XXXX>`` stands for that
    character (an invisible one, a lone CR); words after ``markdown`` in the
    info string say how the file is stored: ``bom`` (a UTF-8 byte-order mark
    first), ``crlf`` (every line ends in CRLF), a codec name (``cp1252``)."""
    code = example(blocks, section)
    flags = blocks[section][0][0].split()[1:]
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), code)
    if "crlf" in flags:
        text = text.replace("\n", "\r\n")
    codec = next((f for f in flags if f not in ("bom", "crlf")), "utf-8")
    return (b"\xef\xbb\xbf" if "bom" in flags else b"") + text.encode(codec)


def test_every_rule_has_a_page_and_every_page_a_rule() -> None:
    expected = {f"{r.code}-{r.name}.md" for r in all_rules()}
    present = {p.name for p in PAGES}
    assert sorted(expected - present) == [], "rules without a page"
    assert sorted(present - expected) == [], "pages without a rule (or with the wrong name)"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_sections(page: Path) -> None:
    r = rule_for(page)
    title, bodies, blocks = parse_page(page.read_text(encoding="utf-8"))
    assert title == f"# {r.code} {r.name}"
    assert list(bodies) == SECTIONS
    for name in SECTIONS:
        assert bodies[name].strip(), f"section {name!r} is empty"
    for name in r.options:
        assert f"`{name}`" in bodies["Options"], f"option {name!r} is not documented"
    if not r.options:
        assert bodies["Options"].strip() == "None."
    if r.fix == "never":
        assert bodies["Fixed"].strip() == "No fix."
        assert "Fixed" not in blocks
    else:
        example(blocks, "Fixed")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_examples(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = rule_for(page)
    _, _, blocks = parse_page(page.read_text(encoding="utf-8"))
    settings = Settings(select=[r.code], spec=page_spec(blocks))
    config = page_config(blocks)
    if config is not None:
        (tmp_path / ".roadmaplint.toml").write_text(config, encoding="utf-8")
        settings = load_config(tmp_path / ".roadmaplint.toml").settings_for(tmp_path / "ROADMAP.md")
        settings.select, settings.spec = [r.code], page_spec(blocks) or settings.spec
    settings.today = TODAY  # date rules give the same answer on any day
    bad, good = example_bytes(blocks, "Bad"), example_bytes(blocks, "Good")
    for name, text in TREE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = str(tmp_path / "ROADMAP.md")

    def source(data: bytes) -> Source:
        return Source.from_bytes(data, path)

    if r.remote:
        # a rule that needs the network: a plain run reports nothing and
        # opens no connection
        def refuse(*args: object) -> None:
            raise AssertionError("a plain run opened a network connection")

        monkeypatch.setattr(socket.socket, "connect", refuse)
        assert lint(source(bad), settings) == [], "a plain run reports a network rule"
        assert lint(source(good), settings) == []
        return

    found = [v for v in lint(source(bad), settings) if v.code == r.code]
    assert found, "the bad example yields no violation"
    assert lint(source(good), settings) == [], "the good example yields violations"

    if r.fix == "never":
        return
    expected = example_bytes(blocks, "Fixed")
    safe = fixes.fix(source(bad), settings).source.to_bytes()
    unsafe = fixes.fix(source(bad), settings, unsafe=True).source.to_bytes()
    assert expected in (safe, unsafe), "the fixed example is neither what format nor --unsafe-fixes gives"
    assert expected != bad, "the fixed example shows no change"
    assert not [v for v in lint(source(expected), settings) if v.fixable]


def page_config(blocks: dict[str, list[tuple[str, str]]]) -> str | None:
    """The configuration a page's examples are checked with: the toml block
    under "What it does", if any, written as .roadmaplint.toml in the
    examples' folder (a configured `repository` lives there)."""
    found = [code for info, code in blocks.get("What it does", []) if info == "toml"]
    assert len(found) <= 1, "What it does: more than one toml block"
    return found[0] if found else None


def page_spec(blocks: dict[str, list[tuple[str, str]]]) -> dict | None:
    """The spec a page's examples are checked against: the json block under
    "What it does", if any; without one they run with no configuration."""
    found = [code for info, code in blocks.get("What it does", []) if info == "json"]
    assert len(found) <= 1, "What it does: more than one json block"
    return json.loads(found[0]) if found else None
