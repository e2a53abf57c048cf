"""The spec as a user meets it: errors in one line with exit 2, `extends`,
how headings match sections, regexes that cannot hang, a model schema that
never fetches, the schemas the CLI prints, and the preset each seed gets."""

from __future__ import annotations

import json
import socket
import statistics
import time
from pathlib import Path

import pytest

from roadmaplint.document import load
from roadmaplint.settings import Settings
from roadmaplint.linter import bind, lint_document
from roadmaplint.source import Source
from roadmaplint.spec import SpecError, compile_spec, title_key, user_spec, validate
from helpers import assert_fixture, run, violations
from shared_data import SHARED, absent

SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus" / "roadmaps"
EXPECTED = {"000": "horizons", "001": "features", "002": "themes", "003": "status-legend", "004": "checklist"}
seeds = sorted(SEEDS.glob("0*.md")) if SEEDS.is_dir() else []
needs_seeds = pytest.mark.skipif(not seeds, reason=absent("seeds"))

ROADMAP = "# Roadmap\n\n## Now\n\n- Faster startup\n\n## Later\n\n- Plugin API\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory with a roadmap, as the cwd: errors name files relative to it."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "ROADMAP.md").write_text(ROADMAP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err


# -- errors ----------------------------------------------------------------------

def test_inline_spec_error_names_file_path_and_problem(project: Path) -> None:
    (project / ".roadmaplint.toml").write_text(
        '[spec]\nsections = [{name = "Now"}, {name = "Next"}, {name = "Later", status = 3}]\n', encoding="utf-8")
    err = one_line_error(run("check", "ROADMAP.md"))
    assert err == "roadmaplint: error: .roadmaplint.toml [spec]: $.sections[2].status: 3 is not of type 'string'"


def test_spec_file_error_names_the_spec_file(project: Path) -> None:
    (project / ".roadmaplint.toml").write_text('spec = "specs/bad.json"\n', encoding="utf-8")
    (project / "specs").mkdir()
    (project / "specs" / "bad.json").write_text(
        json.dumps({"sections": [{"name": "Now"}, {"name": "Next"}, {"name": "Later", "status": "shipped"}]}),
        encoding="utf-8")
    err = one_line_error(run("check", "ROADMAP.md"))
    assert err == ("roadmaplint: error: specs/bad.json: $.sections[2].status: "
                   "'shipped' is not a defined status")


@pytest.mark.parametrize(
    "toml, expected",
    [
        ("[spec]\nallow_unknown_sections = \"no\"\n", "$.allow_unknown_sections: 'no' is not of type 'boolean'"),
        ("[spec]\nlegend = true\n", "$.legend: True is not one of ['required', 'optional', 'forbidden']"),
        ("[spec]\nsections = [{name = \"Now\", required = \"yes\"}]\n",
         "$.sections[0].required: 'yes' is not of type 'boolean'"),
        ("[spec]\nsections = [{name = \"Now\", repeat = {min = \"1\"}}]\n",
         "$.sections[0].repeat.min: '1' is not of type 'integer'"),
        ("[spec]\nsections = [{name = \"Now\", colour = \"red\"}]\n", "'colour' was unexpected"),
        ("[spec]\nextends = \"classic\"\n", "$.extends: 'classic' is not one of"),
    ],
)
def test_wrong_type_names_the_setting(project: Path, toml: str, expected: str) -> None:
    (project / ".roadmaplint.toml").write_text(toml, encoding="utf-8")
    err = one_line_error(run("check", "ROADMAP.md"))
    assert err.startswith("roadmaplint: error: .roadmaplint.toml [spec]: ")
    assert expected in err


@pytest.mark.parametrize(
    "content, expected",
    [
        ('{"sections": [', "bad.json:1: invalid JSON: Expecting value"),
        ("[]", "bad.json: $: [] is not of type 'object'"),
        ('{"sections": [{"name": "Now", "pattern": "("}]}', "bad.json: $.sections[0].pattern: invalid regular expression"),
    ],
)
def test_broken_spec_file(project: Path, content: str, expected: str) -> None:
    (project / ".roadmaplint.toml").write_text('spec = "bad.json"\n', encoding="utf-8")
    (project / "bad.json").write_text(content, encoding="utf-8")
    assert expected in one_line_error(run("check", "ROADMAP.md"))


def test_missing_spec_file(project: Path) -> None:
    (project / ".roadmaplint.toml").write_text('spec = "nowhere.json"\n', encoding="utf-8")
    assert "nowhere.json: cannot read" in one_line_error(run("check", "ROADMAP.md"))


# -- extends -----------------------------------------------------------------------

def test_extends_keeps_the_preset_and_overrides_parts() -> None:
    spec = compile_spec({"extends": "horizons", "order": "any",
                         "statuses": {"shipped": {"markers": ["🚀"], "done": True}}}, "mine")
    assert spec.preset == "horizons"
    assert [s.name for s in spec.sections] == ["Now", "Next", "Later"]  # kept
    assert spec.order == "any"  # replaced
    assert spec.status_of("🚀") == "shipped" and spec.finished("shipped")
    assert spec.status_of("✅") == "done"  # the preset's statuses merge with the spec's


def test_a_marker_the_spec_claims_leaves_the_preset_status() -> None:
    spec = compile_spec({"extends": "generic", "statuses": {"shipped": {"markers": ["✅"]}}}, "mine")
    assert spec.status_of("✅") == "shipped"
    assert spec.status_of(":white_check_mark:") == "done"


def test_extends_through_the_cli(project: Path) -> None:
    (project / "ROADMAP.md").write_text("# Roadmap\n\n## Later\n\n- A\n\n## Now\n\n- B\n", encoding="utf-8")
    (project / ".roadmaplint.toml").write_text(
        '[spec]\nextends = "horizons"\nallow_unknown_sections = false\n', encoding="utf-8")
    result = run("check", "ROADMAP.md", "--select", "RL2", "--format", "json")
    data = json.loads(result.output)
    assert data["files"][0]["preset"] == "horizons"
    assert [(v["line"], v["code"]) for v in data["violations"]] == [(7, "RL204")]


# -- matching headings to sections ---------------------------------------------------

@pytest.mark.parametrize(
    "title",
    ["Short-term", "short-term", "SHORT-TERM", "Short-term:", "🚀 Short-term", "🚀️ Short-term",
     "1. Short-term", "A. Short-term", "B) Short-term", "iv. Short-term", "1.2. Short-term",
     "A. ⚡ Short-term", "  Short-term  :"],
)
def test_title_key_ignores_case_emoji_numbering_and_colon(title: str) -> None:
    assert title_key(title) == "short-term"


# Every structure rule against one spec: Now and Later required, in that
# order, nothing else allowed.
STRUCTURE_SPEC = {"sections": [{"name": "Now", "required": True}, {"name": "Next"},
                               {"name": "Later", "required": True}],
                  "allow_unknown_sections": False, "order": "strict"}
STRUCTURE = """\
# Roadmap  ◀ RL201 1:1

## Next

- Plugin API

## Now  ◀ RL204 7:1

- Faster start-up

LATER  ◀ RL206 11:1

- Themes

## Ideas  ◀ RL202 15:1

- Sync

## Next  ◀ RL203 19:1 RL205 19:1
"""


def test_fixture_positions() -> None:
    assert_fixture(STRUCTURE, "RL2", spec=STRUCTURE_SPEC)


def test_sections_match_by_name_alias_and_pattern() -> None:
    spec = {
        "sections": [
            {"name": "Now", "required": True},
            {"name": "Later", "aliases": ["Someday"]},
            {"name": "Milestone", "pattern": r"^q[1-4] \d{4}$", "repeat": {"min": 2}},
        ],
        "allow_unknown_sections": False,
    }
    text = "# Roadmap\n\n## 1. NOW:\n\n- a\n\n## 🌙 Someday\n\n- b\n\n## Q3 2025\n\n- c\n\n## Q4 2025\n\n- d\n"
    assert violations(text, "RL2", spec=spec) == []
    text += "\n## Ideas\n\n- e\n"
    found = violations(text, "RL2", spec=spec)
    assert [(v.line, v.code) for v in found] == [(19, "RL202")]
    assert "\"Ideas\"" in found[0].message


@pytest.mark.parametrize(
    "title, name",
    [("Now (Q1 2025)", "now"), ("Next — Q3 2026", "next"), ("2. Later:", "later"),
     ("Short term (0–3 months)", "short term"), ("Later - TBD", "later"), ("Next: Jan–Mar 2026", "next"),
     ("Later Torch Work", "later torch work"), ("Q3 2025", "q3 2025"), ("Mid Q4 (November)", "mid q4"),
     ("Version 0.9 — January 2027", "version 0.9")],
)
def test_section_name_sets_a_trailing_date_or_period_aside(title: str, name: str) -> None:
    from roadmaplint.spec import section_name

    assert section_name(title_key(title)) == name


def test_horizons_match_whole_names_not_first_words() -> None:
    # three sections that begin with "Later" are three sections of their own,
    # not three "Later" horizons: no duplicate-section
    text = ("# Roadmap\n\n## Now (Q1 2027)\n\n- a\n\n## Next — Q3 2027\n\n- b\n\n"
            "## Later Torch Work\n\n- c\n\n## Later Agent Automation\n\n- d\n\n## Later R Work\n\n- e\n")
    doc = load(Source(text, "ROADMAP.md"))
    assert lint_document(doc, Settings(select=["RL2"])) == []
    b = bind(doc, Settings())
    assert b.spec.name == "horizons"
    assert [s.name if (s := b.section_spec(c)) else None for c in b.container.children] == [
        "Now", "Next", None, None, None]
    # the whole name, with a date set aside, is the horizon: two are a duplicate
    text = "# Roadmap\n\n## 1. Now:\n\n- a\n\n## Later (2027)\n\n- b\n\n## Later — H2 2028\n\n- c\n"
    found = violations(text, "RL2")
    assert [(v.line, v.code) for v in found] == [(11, "RL203")]
    assert found[0].message == 'duplicate section "Later — H2 2028" (first on line 7)'


def test_a_heading_is_its_name_before_a_separator_when_no_sibling_shares_it() -> None:
    # "Future Items - Subject to discussion" is the features preset's Future
    # section: empty, it is an empty section
    text = "# Roadmap\n\n## Parser\n\n- a\n\n## Future Items - Subject to discussion\n"
    doc = load(Source(text, "ROADMAP.md"))
    found = lint_document(doc, Settings(select=["RL205"], preset="features"))
    assert [(v.line, v.code) for v in found] == [(7, "RL205")]
    b = bind(doc, Settings(preset="features"))
    assert b.section_spec(b.container.children[1]).name == "Future"
    # two headings that share the lead are topics, not two "Later" sections
    text = ("# Roadmap\n\n## Now\n\n- a\n\n## Later — Torch Work\n\n- b\n\n"
            "## Later — Agent Automation\n\n- c\n")
    assert violations(text, "RL2") == []


def test_milestone_patterns_still_match_the_whole_heading() -> None:
    spec = {"sections": [{"name": "Milestone", "pattern": r"^(q[1-4] \d{4}|v\d+\.\d+)$", "repeat": {"min": 2}}],
            "allow_unknown_sections": False}
    assert violations("# Roadmap\n\n## Q3 2025\n\n- a\n\n## v1.2\n\n- b\n", "RL2", spec=spec) == []


def test_empty_section_is_a_named_section_with_nothing_in_it() -> None:
    spec = {"sections": [{"name": "Now"}, {"name": "Next", "required": True}]}
    found = violations("# Roadmap\n\n## Now\n\n- a\n\n## Next\n", "RL205", spec=spec)
    assert [(v.line, v.message) for v in found] == [(7, 'section "Next" is empty')]
    # headings the spec does not name: a title, a heading that is the content
    text = ("# Roadmap\n\n## Now\n\n- a\n\n## Expected date of completion: TBA\n\n"
            "## We rewrite the parser in the spring.\n")
    assert violations(text, "RL205", spec=spec) == []
    assert violations("# Moved\n\n## See docs/plan.md\n", "RL205") == []
    # a catch-all pattern names no section
    themes = {"sections": [{"name": "Theme", "pattern": ".", "repeat": {"min": 0}}]}
    assert violations("# Roadmap\n\n## Speed\n\n## Plugins\n\n- a\n", "RL205", spec=themes) == []


def test_missing_section_at_parent_or_start() -> None:
    spec = {"sections": [{"name": "Now", "required": True}, {"name": "Later"}]}
    found = violations("# Roadmap\n\n## Later\n\n- a\n", "RL2", spec=spec)
    assert [(v.line, v.column, v.code) for v in found] == [(1, 1, "RL201")]
    assert found[0].message == 'missing section "Now" under "Roadmap"'
    found = violations("## Later\n\n- a\n\n## Other\n\n- b\n", "RL2", spec=spec)
    assert [(v.line, v.column, v.code) for v in found] == [(1, 1, "RL201")]


def test_title_required_and_pattern() -> None:
    spec = {"title": {"required": True, "pattern": "roadmap$"}}
    assert [v.message for v in violations("## Now\n\n- a\n", "RL2", spec=spec)] == ["missing level-1 title"]
    assert [v.line for v in violations("Intro.\n\n# Plans\n\n- a\n", "RL2", spec=spec)] == [3]
    assert violations("# 🗺️ Project Roadmap\n\n- a\n", "RL2", spec=spec) == []


def test_children_sections() -> None:
    spec = {"sections": [{"name": "Theme", "pattern": ".", "repeat": {"min": 1},
                          "children": [{"name": "Why", "required": True}, {"name": "How"}]}]}
    text = "# Roadmap\n\n## Speed\n\n### Why\n\nIt is slow.\n\n## Plugins\n\n### How\n\nHooks.\n"
    found = violations(text, "RL2", spec=spec)
    assert [(v.line, v.message) for v in found] == [(9, 'missing section "Why" under "Plugins"')]


# -- regexes that cannot hang ----------------------------------------------------------

@pytest.mark.parametrize(
    "pattern, why",
    [
        ("(a|aa)+$", "alternation inside a quantified group"),
        ("(a+)+$", "quantifier inside a quantified group"),
        (r"^(\w+\s?)*$", "quantifier inside a quantified group"),
        ("(a|a)*b", "alternation inside a quantified group"),
        ("(x?){30}x{30}", "quantifier inside a quantified group"),
        (r"(\w)\1", "backreference"),
        (".*.*.*.*.*x", "too many quantifiers"),
    ],
)
def test_patterns_that_can_hang_are_refused(pattern: str, why: str) -> None:
    with pytest.raises(SpecError) as exc:
        validate({"sections": [{"name": "A", "pattern": pattern}]}, "spec.json")
    assert str(exc.value).startswith("spec.json: $.sections[0].pattern: ")
    assert why in str(exc.value)
    with pytest.raises(SpecError, match=r"\$\.title\.pattern"):
        validate({"title": {"pattern": pattern}}, "spec.json")


def test_allowed_patterns_finish_quickly_on_long_headings() -> None:
    # the worst the limits let through, against headings far longer than
    # any title: only the title's first characters are searched
    spec = user_spec({"sections": [{"name": "A", "pattern": ".*.*.*x"},
                                   {"name": "B", "pattern": "^(a|b)+$"}]}, "spec.json")
    text = "".join(f"## {'a' * 5000} {i}\n\ntext\n\n" for i in range(40))
    started = time.perf_counter()
    doc = load(Source(text, "ROADMAP.md"))
    lint_document(doc, Settings(select=["RL2"], spec=spec.data))
    assert time.perf_counter() - started < 10


# -- the model schema -------------------------------------------------------------------

def test_model_errors_point_at_the_node() -> None:
    spec = {"model": {"$defs": {"section": {"properties": {
        "items": {"maxItems": 1}, "children": {"items": {"$ref": "#/$defs/section"}}}}},
        "properties": {"root": {"$ref": "#/$defs/section"}}}}
    found = violations("# Roadmap\n\n## Now\n\n- a\n- b\n\n## Later\n\n- c\n", "RL2", spec=spec)
    assert [(v.line, v.code) for v in found] == [(3, "RL207")]
    assert found[0].message == "$.root.children[0].children[0].items: a list of 2 is too long (maxItems 1)"


@pytest.mark.parametrize("ref", ["http://127.0.0.1:9/x.json", "other.json#/a", "file:///etc/passwd"])
def test_model_ref_never_fetches(project: Path, monkeypatch: pytest.MonkeyPatch, ref: str) -> None:
    attempts: list[object] = []

    def no_network(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    (project / "spec.json").write_text(json.dumps({"model": {"properties": {"root": {"$ref": ref}}}}),
                                       encoding="utf-8")
    (project / ".roadmaplint.toml").write_text('spec = "spec.json"\n', encoding="utf-8")
    err = one_line_error(run("check", "ROADMAP.md"))
    assert err.startswith("roadmaplint: error: spec.json: $.model.properties.root.$ref: ")
    assert "is not a reference inside the model" in err
    assert attempts == []


def test_model_ref_that_does_not_resolve() -> None:
    with pytest.raises(SpecError, match=r"\$\.model\.\$ref: '#/\$defs/nope' does not resolve"):
        validate({"model": {"$ref": "#/$defs/nope"}}, "spec.json")


def test_model_that_is_not_a_schema() -> None:
    with pytest.raises(SpecError, match=r"^spec.json: \$\.model\.type: "):
        validate({"model": {"type": 5}}, "spec.json")


# -- schemas -----------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["spec", "config", "roadmap"])
def test_schema_command_prints_a_valid_json_schema(which: str) -> None:
    from jsonschema import Draft202012Validator

    result = run("schema", which)
    assert result.exit_code == 0
    schema = json.loads(result.output)
    Draft202012Validator.check_schema(schema)
    assert schema.get("additionalProperties") is False


def test_presets_are_valid_specs() -> None:
    from roadmaplint.spec import PRESETS, preset_data

    for name in PRESETS:
        validate(preset_data(name), name)


# -- presets the seeds get ------------------------------------------------------------------

@needs_seeds
@pytest.mark.parametrize("seed", seeds, ids=lambda p: p.name[:3])
def test_seed_is_detected_as_its_preset(seed: Path, tmp_path: Path) -> None:
    want = EXPECTED[seed.name[:3]]
    result = run("check", str(seed), "--select", "RL2,RL3", "--format", "json")
    assert json.loads(result.output)["files"][0]["preset"] == want
    result = run("check", str(seed), "--select", "RL2,RL3", "-v")
    assert f"{seed}: config none; preset {want} (detected)" in result.stderr


def detected(text: str) -> str:
    from roadmaplint.binding import detect

    return detect(load(Source(text, "ROADMAP.md")))


@pytest.mark.parametrize(
    "text",
    [
        # themes with Why / Goal parts as subheadings, and a milestone by period
        "# Roadmap\n\n## A. ⚡ Fast handshakes\n\n### Why\n\nRound trips are slow.\n\n### Goal\n\n"
        "One round trip.\n\n#### End of Q4 (December)\n\n- Early data\n\n## B. 🧠 Smart dialing\n\n"
        "Dial fewer peers.\n\n### Q1 2027\n\n- Ranking\n",
        # themes with labelled paragraphs
        "# Roadmap\n\n## Speed\n\n**Why**: it is slow.\n\n**How**: cache it.\n\n"
        "## Plugins\n\n**Goal**: third-party hooks.\n\n**How**: a small API.\n",
    ],
)
def test_themes_are_detected(text: str) -> None:
    assert detected(text) == "themes"


@pytest.mark.parametrize(
    "text",
    [
        "# Roadmap\n\n| Symbol | Meaning |\n|---|---|\n| ✅ | Done |\n| 🚧 | In progress |\n\n"
        "## Next\n\n- ✅ Parser\n- 🚧 Sync\n",
        "# Roadmap\n\n| | |\n|---|---|\n| ✅ | done |\n| 🚧 | in progress |\n\n## Next\n\n- ✅ Parser\n- 🚧 Sync\n",
        "# Roadmap\n\nLegend: ✅ done, 🚧 in progress, 💤 not started\n\n## Next\n\n- ✅ Parser\n- 💤 Sync\n",
        "# Roadmap\n\n**Legend:**\n\n- ✅ shipped\n- 🚧 being built\n\n## Next\n\n- ✅ Parser\n- 🚧 Sync\n",
        "# Roadmap\n\nLegend:\n✅ done\n🚧 in progress\n\n## Next\n\n- ✅ Parser\n- 🚧 Sync\n",
    ],
    ids=["table", "table-without-header", "line", "label-above-list", "label-and-lines"],
)
def test_status_legend_is_detected_in_a_table_or_a_line(text: str) -> None:
    assert detected(text) == "status-legend"
    doc = load(Source(text, "ROADMAP.md"))
    assert lint_document(doc, Settings(select=["RL3"])) == []
    legend = bind(doc, Settings()).legend
    assert legend.entries[0].marker.value == "✅"
    assert legend.entries[1].status in ("in-progress", "being-built")


def test_a_table_of_work_with_a_status_column_is_not_a_legend() -> None:
    text = ("# Roadmap\n\n| Status | Item |\n|---|---|\n| ✅ | Parser |\n| 🚧 | Sync |\n\n"
            "## Next\n\n- Plugins\n")
    assert detected(text) != "status-legend"


@pytest.mark.parametrize(
    "titles",
    [("Now", "Next", "Later"), ("Now", "Soon", "Later"), ("Short Term", "Longer Term"),
     ("Short-term goals", "Long-term goals"), ("Now (Q1 2027)", "Later — 2028")],
)
def test_horizons_are_detected(titles: tuple[str, ...]) -> None:
    text = "# Roadmap\n\n" + "".join(f"## {t}\n\n- item {i}\n\n" for i, t in enumerate(titles))
    assert detected(text) == "horizons"
    assert violations(text, "RL2") == []


def test_first_words_of_a_horizon_are_not_horizons() -> None:
    text = "# Roadmap\n\n## Later Torch Work\n\n- a\n\n## Next Gen Renderer\n\n- b\n\n## Nowcasting\n\n- c\n"
    assert detected(text) == "features"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=absent("corpus"))
def test_corpus_checks_nearly_clean_with_no_config() -> None:
    """The real roadmaps: no crash, every one gets a preset, and structure and
    status rules find little in roadmaps nobody wrote for this tool."""
    counts = []
    for path in sorted(CORPUS.iterdir()):
        source = Source.from_bytes(path.read_bytes(), path.name)
        doc = load(source)
        found = lint_document(doc, Settings(select=["RL2", "RL3"]))
        assert bind(doc, Settings()).spec.preset is not None
        assert not [v for v in found if v.severity == "error"], (path.name, found[:3])
        counts.append(len(found))
    assert statistics.mean(counts) < 1 and max(counts) <= 12


def test_a_marker_may_mean_one_status_only() -> None:
    with pytest.raises(SpecError, match=r"\$\.statuses\.shipped\.markers\[0\]: '✅️' already means 'done'"):
        validate({"statuses": {"done": {"markers": ["✅"]}, "shipped": {"markers": ["✅️"]}}}, "spec.json")


def test_unknown_preset_is_an_error(project: Path) -> None:
    err = one_line_error(run("check", "ROADMAP.md", "--preset", "classic"))
    assert "unknown preset 'classic' (one of auto, horizons," in err


def test_item_order_names_defined_statuses() -> None:
    validate({"items": {"order": "priority"}}, "spec.json")
    validate({"items": {"order": ["planned", "done"]}}, "spec.json")
    with pytest.raises(SpecError, match=r"\$\.sections\[0\]\.items\.order\[1\]: 'shipped' is not a defined status"):
        validate({"sections": [{"name": "Now", "items": {"order": ["done", "shipped"]}}]}, "spec.json")
