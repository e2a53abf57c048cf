"""Every rule has a page in rules/, and every page's examples do what it says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from roadmaplint import fixes
from roadmaplint.engine import Rule, Settings, all_rules, lint
from roadmaplint.source import Source

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
PAGES = sorted(RULES_DIR.glob("RL*.md"))
SECTIONS = ["What it does", "Why", "Bad", "Good", "Fixed", "Fix safety", "Options"]
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)")


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
    assert info == "markdown", f"{section}: code block info string is {info!r}, not 'markdown'"
    return code


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
def test_page_examples(page: Path) -> None:
    r = rule_for(page)
    _, _, blocks = parse_page(page.read_text(encoding="utf-8"))
    settings = Settings(select=[r.code], spec=page_spec(blocks))
    bad, good = example(blocks, "Bad"), example(blocks, "Good")

    found = [v for v in lint(Source(bad), settings) if v.code == r.code]
    assert found, "the bad example yields no violation"
    assert lint(Source(good), settings) == [], "the good example yields violations"

    if r.fix == "never":
        return
    # unsafe fixes too: "Fixed" shows what --unsafe-fixes gives
    result = fixes.fix(Source(bad), settings, unsafe=True)
    assert result.text == example(blocks, "Fixed")
    assert not [v for v in lint(Source(result.text), settings) if v.fixable]


def page_spec(blocks: dict[str, list[tuple[str, str]]]) -> dict | None:
    """The spec a page's examples are checked against: the json block under
    "What it does", if any; without one they run with no configuration."""
    found = [code for info, code in blocks.get("What it does", []) if info == "json"]
    assert len(found) <= 1, "What it does: more than one json block"
    return json.loads(found[0]) if found else None
