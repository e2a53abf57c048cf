"""Status markers as a user meets them: each problem at the item's line,
legends found and never reported, sections that state their items' status."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from roadmaplint.document import load
from roadmaplint.settings import Settings
from roadmaplint.binding import Bound
from roadmaplint.linter import bind, lint_document
from roadmaplint.model import model_data as export
from roadmaplint.resources import data_text
from roadmaplint.source import Source
from helpers import assert_fixture, found, said, violations
from shared_data import SHARED, absent

SEEDS = SHARED / "seeds"
SEED_003 = SEEDS / "003_f281103d11bec08d.md"
SEED_004 = SEEDS / "004_2e2ab702435c6de5.md"

LEGEND = "# Roadmap\n\n- ✅ done\n- 🚧 in progress\n- 💤 not started\n\n"


def check(text: str, spec: object = None, select: str = "RL3") -> list[tuple[int, str]]:
    """The line and code of each violation, for tests where the column is not the point."""
    return [(line, code) for line, _, code in found(text, select, spec=spec)]


def bound(text: str, spec: object = None) -> Bound:
    return bind(load(Source(text, "ROADMAP.md")), Settings(spec=spec))


# -- every status rule at once, in the fixture format ------------------------------

# the spec knows three statuses; the legend adds a fourth, ⏳
STATUS_SPEC = {"extends": "status-legend", "statuses": {
    "done": {"markers": ["✅"]}, "in-progress": {"markers": ["🚧"]}, "planned": {"markers": ["💤"]}}}
STATUS = """\
# Roadmap

- ✅ done
- 🚧 in progress
- 💤 not started
- ⏳ waiting  ◀ RL304 6:3

## Next

- ✅ Parser
- ⏸️ Sync  ◀ RL302 11:3
- 🚧 Plugins
- Themes  ◀ RL301 13:1
- [ ] ✅ Docs  ◀ RL303 14:7
"""


def test_fixture_positions() -> None:
    assert_fixture(STATUS, "RL3", spec=STATUS_SPEC)


# -- the three problems the issue names, each at the item's line ------------------

def test_marker_outside_the_legend() -> None:
    text = LEGEND + "## Next\n\n- ✅ Parser\n- ⏸️ Sync\n- 🚧 Plugins\n"
    assert check(text) == [(10, "RL302")]


def test_marker_the_spec_knows_but_the_legend_lacks_is_reported_at_the_item() -> None:
    # 💤 is a status every preset knows, but this legend does not define it:
    # the item that uses it is reported, at the marker, naming it
    text = "# Roadmap\n\n- ✅ done\n- 🚧 in progress\n\n## Next\n\n- ✅ Parser\n- 💤 Sync\n  - 💤 Two-way\n"
    assert found(text, "RL3") == [(9, 3, "RL302"), (10, 5, "RL302")]
    assert said(text, "RL3")[0] == (9, 'unknown status marker "💤" (the legend defines ✅ 🚧)')
    # the legend itself is not reported for what it lacks
    assert found(text, "RL304") == []


def test_legend_mismatch_is_a_legend_marker_the_spec_does_not_know() -> None:
    spec = {"statuses": {"done": {"markers": ["✅"]}, "in-progress": {"markers": ["🚧"]}}}
    text = "# Roadmap\n\n- ✅ done\n- 🚧 in progress\n- ⏸️ on hold\n\n## Next\n\n- ✅ Parser\n- ⏸️ Sync\n"
    assert found(text, "RL304", spec=spec) == [(5, 3, "RL304")]
    assert said(text, "RL304", spec=spec) == [(5, 'legend marker "⏸️" is not a status in the spec')]
    # the item uses a marker its legend defines: nothing at the item
    assert check(text, spec, "RL302") == []


def test_item_without_a_status_where_the_preset_requires_one() -> None:
    text = LEGEND + "## Next\n\n- ✅ Parser\n- Sync\n- 🚧 Plugins\n"
    assert check(text) == [(10, "RL301")]


def test_item_without_a_status_where_the_spec_requires_one() -> None:
    spec = {"extends": "generic", "items": {"status": "required"}}
    text = "# Roadmap\n\n## Next\n\n- ✅ Parser\n- Sync\n\n## Links\n\n- [Home](https://example.com)\n"
    assert check(text, spec) == [(6, "RL301"), (10, "RL301")]


def test_guessed_preset_leaves_lists_without_any_status_alone() -> None:
    # a list of links under a legend roadmap is not work
    text = LEGEND + "## Next\n\n- ✅ Parser\n\n## Links\n\n- [Home](https://example.com)\n- [Chat](https://example.com)\n"
    assert check(text) == []


def test_checked_box_next_to_a_not_started_marker() -> None:
    text = "# Roadmap\n\n## Next\n\n- [ ] 💤 Sync\n- [x] 💤 Plugins\n- [x] ✅ Parser\n- [ ] ✅ Docs\n"
    assert check(text) == [(6, "RL303"), (8, "RL303")]


def test_conflict_columns_point_at_the_marker() -> None:
    (v,) = violations("# Roadmap\n\n- [x] 🚧 Plugins\n", "RL303")
    assert (v.line, v.column, v.end_column) == (3, 7, 8)
    assert v.message == 'checked box next to "🚧", an in-progress marker'


# -- legends ----------------------------------------------------------------------------

def test_legend_lines_are_never_reported() -> None:
    # a spec that requires a status everywhere and knows none of the legend's markers
    spec = {"items": {"status": "required"}, "statuses": {"done": {"markers": ["✔"]}}}
    text = "# Roadmap\n\n- 🦀 work item in progress\n- 🍵 work item not started\n\n## Next\n\n- 🦀 Parser\n"
    found = check(text, spec)
    assert [code for line, code in found if line in (3, 4)] == ["RL304", "RL304"]  # the legend's markers
    assert not [code for line, code in found if line in (3, 4) and code != "RL304"]
    b = bound(text, spec)
    assert [b.item(it).in_legend for it in b.doc.items()] == [True, True, False]
    assert [b.status(it) for it in b.doc.items()][2] == "in-progress"


def test_a_legend_on_one_line() -> None:
    text = "# Roadmap\n\nStatus: ✅ done · 🚧 in progress · 💤 planned\n\n## Next\n\n- ✅ Parser\n- Sync\n"
    assert check(text) == [(8, "RL301")]
    assert bound(text).spec.preset == "status-legend"


def test_legend_under_a_legend_heading() -> None:
    text = "# Roadmap\n\n## Legend\n\n- ✅ Shipped and documented\n- 🚧 Someone is on it\n\n## Next\n\n- ✅ A\n"
    b = bound(text)
    assert b.legend is not None and b.spec.preset == "status-legend"


def test_work_items_at_the_top_are_not_a_legend() -> None:
    text = "# Roadmap\n\n- ✅ Shipped the parser\n- 🚧 Working on v2\n\n## Plans\n\n- Plugins\n"
    assert bound(text).legend is None
    assert check(text) == []


def test_mojibake_legend_and_markers() -> None:
    broken = "✅".encode("utf-8").decode("cp1252")  # âœ…
    text = f"# Roadmap\n\n- {broken} done\n- 💤 not started\n\n## Next\n\n- {broken} Parser\n- 💤 Sync\n"
    b = bound(text)
    assert [b.status(it) for it in b.doc.items()] == ["done", "planned", "done", "planned"]
    assert check(text) == []


# -- sections that state a status ------------------------------------------------------------

def test_done_marker_under_a_to_do_section_conflicts() -> None:
    text = "# Roadmap\n\n## To do\n\n- 🚧 Parser\n- ✅ Plugins\n- [x] Docs\n\n## Completed\n\n- [ ] Logo\n- 💤 Sync\n"
    # a checked box in a to-do list is how task lists are ticked off; an open
    # box or a not-started marker among completed work is not
    assert check(text) == [(6, "RL303"), (11, "RL303"), (12, "RL303")]


def test_ongoing_sections_hold_finished_and_unfinished_work() -> None:
    text = "# Roadmap\n\n## Phase 2 (in progress)\n\n- [x] Parser\n- [ ] Plugins\n- ✅ Docs\n"
    assert check(text) == []


def test_items_in_a_completed_section_need_no_marker() -> None:
    text = LEGEND + "## Completed\n\n- Parser\n- Plugins\n\n## Next\n\n- 🚧 Sync\n- Docs\n"
    assert check(text) == [(15, "RL301")]
    spec = {"extends": "generic", "items": {"status": "required"}}
    assert check("# Roadmap\n\n## Done ✅\n\n- Parser\n\n### Phase 1 (complete)\n\n- CLI\n", spec) == []


def test_section_status_from_the_spec() -> None:
    spec = {"extends": "generic", "items": {"status": "required"},
            "sections": [{"name": "Shipped in 2024", "status": "done"}]}
    assert check("# Roadmap\n\n## Shipped in 2024\n\n- Parser\n- [ ] CLI\n", spec) == [(6, "RL303")]


def test_forbidden_markers() -> None:
    spec = {"extends": "generic", "sections": [{"name": "Ideas", "items": {"status": "forbidden"}}]}
    assert check("# Roadmap\n\n## Ideas\n\n- Plugins\n- ✅ Parser\n", spec) == [(6, "RL301")]


def test_decorative_emoji_is_not_a_status_without_a_legend() -> None:
    assert check("# Roadmap\n\n## Features\n\n- 🎨 Themes\n- 🔌 Plugins\n") == []


def test_status_word_in_brackets_the_spec_does_not_know() -> None:
    assert check("# Roadmap\n\n## Next\n\n- [later] Plugins\n- [planned] Sync\n- [Feature] Foo\n") == [(5, "RL302")]


# -- the model shows the binding --------------------------------------------------------------

def test_export_shows_statuses_and_binding() -> None:
    from jsonschema import Draft202012Validator

    text = LEGEND + "## Now\n\n- ✅ Parser\n- [ ] Docs\n\n## Completed\n\n- Logo\n"
    data = export(bound(text))
    schema = json.loads(data_text("schemas", "roadmap.schema.json"))
    Draft202012Validator(schema).validate(data)
    assert data["preset"] == "status-legend"
    title = data["root"]["children"][0]
    assert [it["in_legend"] for it in title["items"]] == [True, True, True]
    now, completed = title["children"]
    parser, docs = now["items"]
    assert (parser["status"], parser["status_source"], parser["status_marker"]["text"]) == ("done", "marker", "✅")
    assert (docs["status"], docs["status_source"], docs["status_marker"]) == ("planned", "checkbox", None)
    assert completed["implied_status"] == "done"
    assert completed["items"][0]["status_source"] == "section"


def test_export_names_the_matched_spec_section() -> None:
    data = export(bound("# Roadmap\n\n## Short-term\n\n- a\n\n## Long-term\n\n- b\n"))
    assert data["preset"] == "horizons"
    assert [c["spec_section"] for c in data["root"]["children"][0]["children"]] == ["Now", "Later"]


# -- the seeds ---------------------------------------------------------------------------------

def demojibake_markers(text: str) -> str:
    """Repair the seed's mojibake by hand: only the marker tokens that open a
    list item, decoded back through the code page that mangled them."""

    def repair(m: re.Match[str]) -> str:
        token = m.group(2)
        for codec in ("cp1252", "cp1254"):
            try:
                return m.group(1) + token.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        return m.group(0)

    return re.sub(r"(?m)^(\s*[-*] )([^\x00-\x7f\s]+)", repair, text)


@pytest.mark.skipif(not SEED_003.is_file(), reason=absent("seeds"))
def test_seed_003_every_item_uses_a_legend_marker() -> None:
    raw = SEED_003.read_bytes().decode("utf-8")
    fixed = demojibake_markers(raw)
    assert "âœ…" not in fixed and "✅" in fixed
    for text in (raw, fixed):
        doc = load(Source(text, "003.md"))
        assert lint_document(doc, Settings(select=["RL3"])) == []
        b = bind(doc, Settings())
        assert b.spec.preset == "status-legend"
        work = [b.item(it) for it in doc.items() if not b.item(it).in_legend]
        assert work and all(state.source == "marker" for state in work)
        assert {e.marker.value for e in b.legend.entries} == {"✅", "🦀", "💤"}


@pytest.mark.skipif(not SEED_003.is_file(), reason=absent("seeds"))
def test_seed_003_has_no_status_finding_after_the_real_mojibake_fix() -> None:
    from roadmaplint import fixes

    source = Source.from_bytes(SEED_003.read_bytes(), "003.md")
    fixed = fixes.fix(source, Settings(), unsafe=True).source
    assert "âœ…" not in fixed.text and "✅" in fixed.text
    doc = load(fixed)
    assert lint_document(doc, Settings(select=["RL3"])) == []
    assert bind(doc, Settings()).spec.preset == "status-legend"


@pytest.mark.skipif(not SEED_004.is_file(), reason=absent("seeds"))
def test_seed_004_needs_no_markers() -> None:
    text = SEED_004.read_bytes().decode("utf-8")
    assert check(text) == []
    # even where a spec requires a status on every item, the sections state it
    assert check(text, {"extends": "checklist", "items": {"status": "required"}}) == []
    b = bound(text)
    assert b.spec.preset == "checklist"
    assert {b.status(it) for it in b.doc.items()} == {"done", "planned"}
