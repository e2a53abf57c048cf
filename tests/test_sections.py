"""missing-section's fix: a missing section the spec requires is inserted
(unsafe) at the place the spec's order gives, in the file's heading and
newline style, with the spec's template or nothing under it; no other byte
moves, and the guard accepts an insertion and nothing more."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from roadmaplint import registry
from roadmaplint import violations as V
from roadmaplint.fixes import fix
from roadmaplint.settings import Settings
from roadmaplint.source import Source
from roadmaplint.spec import SpecError, user_spec
from helpers import fixed, run, violations
from shared_data import SHARED, absent

HORIZONS = {"extends": "horizons", "order": "strict", "sections": [
    {"name": "Now", "required": True}, {"name": "Next", "required": True}, {"name": "Later", "required": True}]}


def test_the_missing_section_goes_after_the_previous_one_of_the_spec() -> None:
    # "Next" is missing between "Now" and "Later": inserted after Now's whole
    # section, before Later; nothing else changes
    text = "# Roadmap\n\n## Now\n\n- a\n\n### Detail\n\ntext\n\n## Later\n\n- c\n"
    assert fixed(text, "RL201", spec=HORIZONS, unsafe=True) == (
        "# Roadmap\n\n## Now\n\n- a\n\n### Detail\n\ntext\n\n## Next\n\n## Later\n\n- c\n")


def test_the_first_section_goes_before_the_next_one_and_after_the_title_text() -> None:
    text = "# Roadmap\n\nWhat we work on.\n\n## Next\n\n- b\n\n## Later\n\n- c\n"
    assert fixed(text, "RL201", spec=HORIZONS, unsafe=True) == (
        "# Roadmap\n\nWhat we work on.\n\n## Now\n\n## Next\n\n- b\n\n## Later\n\n- c\n")


def test_two_missing_sections_are_both_inserted_in_order_and_the_file_checks_clean() -> None:
    text = "# Roadmap\n\n## Later\n\n- c\n"
    out = fixed(text, "RL201", spec=HORIZONS, unsafe=True)
    assert out == "# Roadmap\n\n## Now\n\n## Next\n\n## Later\n\n- c\n"
    assert [v.code for v in violations(out, "RL201", "RL202", "RL203", "RL204", spec=HORIZONS)] == []
    # an inserted section is empty until someone writes it: empty-section says so
    assert [v.message for v in violations(out, "RL205", spec=HORIZONS)] == [
        'section "Now" is empty', 'section "Next" is empty']


def test_with_no_section_of_the_spec_present_they_go_at_the_end() -> None:
    text = "# Roadmap\n\nIntro.\n\n## About\n\nUs."  # no final newline
    assert fixed(text, "RL201", spec=HORIZONS, unsafe=True) == (
        "# Roadmap\n\nIntro.\n\n## About\n\nUs.\n\n## Now\n\n## Next\n\n## Later\n")


def test_after_the_last_section_of_a_repeating_entry_and_after_a_code_block() -> None:
    # "Later" follows every milestone of the pattern entry before it, and
    # goes after the last one's code block
    spec = {"sections": [{"name": "Milestones", "pattern": "^v\\d", "repeat": {"min": 1}},
                         {"name": "Later", "required": True}, {"name": "Notes"}]}
    text = "# Roadmap\n\n## v1\n\n- a\n\n## v2\n\n```\nplan\n```\n\n## Notes\n\ntext\n"
    assert fixed(text, "RL201", spec=spec, unsafe=True) == (
        "# Roadmap\n\n## v1\n\n- a\n\n## v2\n\n```\nplan\n```\n\n## Later\n\n## Notes\n\ntext\n")


def test_only_unsafe_fixes_insert() -> None:
    text = "# Roadmap\n\n## Later\n\n- c\n"
    assert fixed(text, "RL201", spec=HORIZONS) == text
    (v, *_) = violations(text, "RL201", spec=HORIZONS)
    assert v.unsafe_fixable and not v.fixable


@pytest.mark.parametrize("text, out", [
    # Setext headings: the new one is underlined too (levels 1 and 2)
    ("Roadmap\n=======\n\nNext\n----\n\n- b\n\nLater\n-----\n\n- c\n",
     "Roadmap\n=======\n\nNow\n---\n\nNext\n----\n\n- b\n\nLater\n-----\n\n- c\n"),
    # closed ATX headings
    ("# Roadmap #\n\n## Now ##\n\n- a\n\n## Later ##\n\n- c\n",
     "# Roadmap #\n\n## Now ##\n\n- a\n\n## Next ##\n\n## Later ##\n\n- c\n"),
    # CRLF line endings
    ("# Roadmap\r\n\r\n## Now\r\n\r\n- a\r\n\r\n## Later\r\n\r\n- c\r\n",
     "# Roadmap\r\n\r\n## Now\r\n\r\n- a\r\n\r\n## Next\r\n\r\n## Later\r\n\r\n- c\r\n"),
    # no blank line before the next heading: one is added, none removed
    ("# Roadmap\n\n## Now\n- a\n## Later\n- c\n",
     "# Roadmap\n\n## Now\n- a\n\n## Next\n\n## Later\n- c\n"),
])
def test_the_file_s_heading_and_newline_style(text: str, out: str) -> None:
    assert fixed(text.encode(), "RL201", spec=HORIZONS, unsafe=True) == out.encode()


def test_the_spec_level_is_used() -> None:
    spec = {"sections": [{"name": "Now", "level": 3, "required": True}, {"name": "Later", "level": 3}]}
    assert fixed("# Roadmap\n\n### Later\n\n- c\n", "RL201", spec=spec, unsafe=True) == (
        "# Roadmap\n\n### Now\n\n### Later\n\n- c\n")


def test_the_template_is_the_new_section_s_text() -> None:
    spec = {"extends": "horizons", "sections": [
        {"name": "Now", "required": True, "template": "What we are doing this quarter:\n\n- (an item)\n"},
        {"name": "Later"}]}
    text = "# Roadmap\r\n\r\n## Later\r\n\r\n- c\r\n"
    out = fixed(text.encode(), "RL201", spec=spec, unsafe=True)
    assert out == (b"# Roadmap\r\n\r\n## Now\r\n\r\nWhat we are doing this quarter:\r\n\r\n- (an item)\r\n"
                   b"\r\n## Later\r\n\r\n- c\r\n")
    assert violations(out, "RL2", spec=spec) == []


THEMES = {"extends": "themes", "sections": [
    {"name": "Milestone", "pattern": "\\bq[1-4]\\b", "repeat": {"min": 0}},
    {"name": "Theme", "pattern": ".", "repeat": {"min": 1}, "order": "strict", "children": [
        {"name": "Why", "required": True, "template": "(why this matters)"},
        {"name": "Goal", "required": True, "template": "(what done looks like)"},
        {"name": "How", "aliases": ["Approach"], "required": True, "template": "(the plan)"}]}]}


def test_required_subsections_go_under_their_theme() -> None:
    text = ("# Roadmap\n\n## Faster builds\n\nIntro.\n\n### Goal\n\nUnder a minute.\n\n"
            "## Plugins\n\n### Why\n\nUsers ask.\n")
    out = fixed(text, "RL201", spec=THEMES, unsafe=True)
    assert out == (
        "# Roadmap\n\n## Faster builds\n\nIntro.\n\n### Why\n\n(why this matters)\n\n### Goal\n\nUnder a minute.\n\n"
        "### How\n\n(the plan)\n\n"
        "## Plugins\n\n### Why\n\nUsers ask.\n\n### Goal\n\n(what done looks like)\n\n### How\n\n(the plan)\n")
    assert violations(out, "RL2", spec=THEMES) == []


def test_no_fix_when_the_heading_would_not_be_the_section() -> None:
    # a child the spec puts at level 2 cannot go under a level-2 parent
    spec = {"sections": [{"name": "Theme", "pattern": ".", "children": [{"name": "Why", "level": 2, "required": True}]}]}
    (v,) = violations("# Roadmap\n\n## Plugins\n\ntext\n", "RL201", spec=spec)
    assert v.message == 'missing section "Why" under "Plugins"' and v.fix is None
    # a name that GitHub would read as a list item, not as a Setext heading
    spec = {"sections": [{"name": "- Now", "required": True}]}
    (v,) = violations("Roadmap\n=======\n\nText\n----\n\nmore\n", "RL201", spec=spec)
    assert v.fix is None
    # a level-3 section after a level-2 one would be its subsection
    spec = {"sections": [{"name": "Now", "level": 3, "required": True}]}
    (v,) = violations("# Roadmap\n\n## Intro\n\ntext\n", "RL201", spec=spec)
    assert v.fix is None
    # a template whose heading is not below the section's would end it
    spec = {"sections": [{"name": "Now", "required": True, "template": "## Also\n\ntext"}]}
    (v,) = violations("# Roadmap\n\n## Later\n\ntext\n", "RL201", spec=spec)
    assert v.fix is None
    # a missing title has no fix: only the author knows it
    (v,) = violations("## Now\n\n- a\n", "RL201", spec={"title": {"required": True}})
    assert v.message == "missing level-1 title" and v.fix is None


def test_the_template_is_validated_by_the_spec_schema() -> None:
    with pytest.raises(SpecError, match=r"\$\.sections\[0\]\.template: 5 is not of type 'string'"):
        user_spec({"sections": [{"name": "Now", "template": 5}]}, "roadmaplint.toml")
    with pytest.raises(SpecError, match=r"\$\.sections\[0\]\.template"):
        user_spec({"sections": [{"name": "Now", "template": ""}]}, "roadmaplint.toml")
    assert user_spec({"sections": [{"name": "Now", "template": "- x"}]}, "x").sections[0].template == "- x"


# -- the guard: an insertion, and nothing more ------------------------------------


def _with_rule(fix_for, text: str) -> tuple[str, list[str]]:
    """Fix ``text`` with a throwaway rule whose one finding carries
    ``fix_for(text)`` (while the text is unchanged)."""
    @registry.rule(code="RL594", name="test-inserter", summary="inserts", fix="always")
    def insert(ctx):
        if ctx.doc.text == text:
            yield V.Finding(V.Span(0, 0), "insert", fix_for(text))

    try:
        result = fix(Source(text), Settings(select=["RL594"]), unsafe=True)
    finally:
        del registry._REGISTRY["RL594"]
    return result.text, [v.message for v in result.remaining]


def test_an_honest_insertion_passes_the_guard() -> None:
    text = "# Roadmap\n\nSome text.\n"
    out, left = _with_rule(lambda t: V.Fix.unsafe(V.Edit(len(t), len(t), "\n## Now\n\nNew words.\n"),
                                                  effect=V.Rendering.RESTRUCTURED, inserts=True), text)
    assert out == text + "\n## Now\n\nNew words.\n" and left == []


@pytest.mark.parametrize("text, edit, why", [
    # an underline under the last paragraph line makes that paragraph a heading
    ("# Roadmap\n\nSome text.\n", V.Edit(22, 22, "Now\n---\n"), "beyond the blocks it inserts"),
    # a heading dropped inside a paragraph splits it in two
    ("# Roadmap\n\nline one\nline two\n", V.Edit(20, 20, "## Now\n"), "beyond the blocks it inserts"),
    # a blank line and text inside a tight list makes it loose
    ("- a\n- b\n", V.Edit(4, 4, "\n  more\n\n"), "beyond the blocks it inserts"),
    # a link definition that turns existing text into a link
    ("See [x].\n", V.Edit(9, 9, "\n[x]: https://example.com\n"), "beyond the blocks it inserts"),
    # an "insertion" that replaces text (a blank line: no word is lost, and
    # the page only gains the heading, but the fix said it only inserts)
    ("# Roadmap\n\nSome text.\n", V.Edit(10, 11, "\n## Now\n\n"), "not only insert"),
])
def test_a_lying_insertion_is_withheld(text: str, edit: V.Edit, why: str) -> None:
    out, left = _with_rule(lambda t: V.Fix.unsafe(edit, effect=V.Rendering.RESTRUCTURED, inserts=True), text)
    assert out == text
    (message,) = left
    assert "fix withheld" in message and why in message


# -- the command line -----------------------------------------------------------------


def _project(tmp_path: Path, text: str, spec: dict) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    (tmp_path / ".roadmaplint.toml").write_text('spec = "spec.json"\n', encoding="utf-8")
    path = tmp_path / "ROADMAP.md"
    path.write_text(text, encoding="utf-8")
    return path


FEATURES = {"extends": "features", "sections": [
    {"name": "Overview", "required": True},
    {"name": "Plugins"},
    {"name": "Future", "aliases": ["Ideas"], "required": True}]}
TEMPLATED = {"sections": [
    {"name": "Now", "required": True, "template": "- [ ] (what we do now)"},
    {"name": "Next", "required": True, "template": "- [ ] (what comes next)"},
    {"name": "Done", "template": "- [x] (what shipped)"}], "order": "strict"}


@pytest.mark.parametrize("spec, text, expect", [
    (HORIZONS, "# Roadmap\n\n## Next\n\n- b\n", "# Roadmap\n\n## Now\n\n## Next\n\n- b\n\n## Later\n"),
    (FEATURES, "# Widget roadmap\n\n## Plugins\n\n- API\n",
     "# Widget roadmap\n\n## Overview\n\n## Plugins\n\n- API\n\n## Future\n"),
    (THEMES, "# Roadmap\n\n## Q3 2026\n\n- ship\n\n## Plugins\n\n### Goal\n\nThree.\n",
     "# Roadmap\n\n## Q3 2026\n\n- ship\n\n## Plugins\n\n### Why\n\n(why this matters)\n\n### Goal\n\nThree.\n\n"
     "### How\n\n(the plan)\n"),
    (TEMPLATED, "# Roadmap\n\n## Done\n\n- [x] Parser\n",
     "# Roadmap\n\n## Now\n\n- [ ] (what we do now)\n\n## Next\n\n- [ ] (what comes next)\n\n## Done\n\n- [x] Parser\n"),
], ids=["horizons", "features", "themes", "template"])
def test_format_unsafe_fixes_inserts_two_missing_sections_then_checks_clean(
        tmp_path: Path, spec: dict, text: str, expect: str) -> None:
    path = _project(tmp_path, text, spec)
    before = run("check", str(path), "--select", "RL2")
    assert before.exit_code == 1 and before.output.count("RL201") == 2, before.output
    result = run("format", str(path), "--unsafe-fixes")
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == expect
    after = run("check", str(path), "--select", "RL2")
    assert after.exit_code == 0, after.output
    for code in ("RL201", "RL202", "RL203", "RL204"):
        assert code not in after.output, after.output
    # without a template, an inserted section is empty: said, as a warning
    assert after.output.count("RL205") == (2 if spec in (HORIZONS, FEATURES) else 0), after.output


# -- zero config: nothing to insert -------------------------------------------------

CORPUS = SHARED / "corpus" / "roadmaps"
SEEDS = SHARED / "seeds"


def test_zero_config_inserts_no_section_in_real_roadmaps(tmp_path: Path) -> None:
    """No preset requires a section, so at zero config the fix never fires:
    `format --unsafe-fixes` inserts nothing into a real roadmap."""
    files = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []
    files += sorted(SEEDS.glob("0*.md")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip(absent("corpus/roadmaps and seeds"))
    for original in files:
        result = fix(Source.from_bytes(original.read_bytes(), str(original)), Settings(), unsafe=True)
        assert result.applied["RL201"] == 0, original.name


def test_a_section_removed_from_a_real_roadmap_is_put_back_in_its_place() -> None:
    """Each real roadmap, with the spec `init` infers from it, loses one
    required section (its heading and everything under it): the fix puts
    the heading back where it was, between the same neighbours, and the
    guard never withholds it."""
    from roadmaplint.binding import container
    from roadmaplint.document import load
    from roadmaplint.init import infer
    from roadmaplint.linter import bind

    files = sorted(CORPUS.iterdir()) if CORPUS.is_dir() else []
    files += sorted(SEEDS.glob("0*.md")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip(absent("corpus/roadmaps and seeds"))
    tried = restored = 0
    for path in files:
        src = Source.from_bytes(path.read_bytes(), str(path))
        doc = load(src)
        spec = infer(bind(doc, Settings()))
        names = {s["name"] for s in spec.get("sections", []) if s.get("required")}
        top = container(doc)
        kids = [c for c in top.children if c.heading is not None]
        places = [i for i, c in enumerate(kids) if c.title in names]
        if not places:
            continue
        i = places[len(places) // 2]
        start = src.line_start(src.line_of(kids[i].span.start))
        end = src.line_start(src.line_of(kids[i + 1].span.start)) if i + 1 < len(kids) else len(src.text)
        result = fix(src.replace(src.text[:start] + src.text[end:]), Settings(spec=spec, select=["RL201"]),
                     unsafe=True)
        tried += 1
        assert not [v for v in result.remaining if "withheld" in v.message], path.name
        if result.applied["RL201"]:
            after = [c.title for c in container(load(result.source)).children if c.heading is not None]
            assert after == [c.title for c in kids], path.name
            restored += 1
    # (a few removals leave another title in charge of the sections: the
    # fix is not offered there)
    assert restored >= tried * 0.9, (restored, tried)
