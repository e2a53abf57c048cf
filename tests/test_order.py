"""Order and date rules as a user meets them: milestone-order, item-order,
overdue-item, stale-roadmap, date-format."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from roadmaplint import fixes
from roadmaplint.document import load
from roadmaplint.settings import Settings
from roadmaplint.linter import lint
from roadmaplint.source import Source
from helpers import assert_fixture, fixed, found, run, said, violations
from shared_data import SHARED, absent

TODAY = dt.date(2026, 11, 21)


def headings(text: str) -> list[str]:
    return [h.title for h in load(Source(text)).headings]


def nonblank(text: str) -> Counter:
    return Counter(line for line in text.splitlines() if line.strip())


# -- the family at once, in the fixture format ------------------------------------------

# on TODAY (2026-11-21): a review ten months old, two quarters past with open
# work, Q2 after Q3, and one date written unlike the others
ORDER_AND_DATES = """\
# Roadmap

Last reviewed: 2026-01-10  ◀ RL604 3:1

## Q1 2026  ◀ RL603 5:1

- [x] Parser (done 2026-02-14)
- [ ] Importer (target: 2026-03)  ◀ RL603 8:1

## Q3 2026  ◀ RL603 10:1

- [ ] Sync (target: 2026-09)  ◀ RL603 12:1

## Q2 2026  ◀ RL601 14:1 RL603 14:1

- [ ] Themes, shipped March 3, 2026  ◀ RL605 16:23
- [ ] Plugins (target: 2027-01)
"""


def test_fixture_positions() -> None:
    assert_fixture(ORDER_AND_DATES, "RL6", today=TODAY)


# -- RL601 milestone-order -------------------------------------------------------------

QUARTERS = """\
# Roadmap

## Q4 2024

- Sync between devices

## Q1 2024

- Plugin API

## 2025

- A mobile app

## Q2 2024

- Themes
"""


def test_format_puts_periods_in_calendar_order(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(QUARTERS, encoding="utf-8")
    result = run("format", str(path))
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert headings(after) == ["Roadmap", "Q1 2024", "Q2 2024", "Q4 2024", "2025"]
    assert nonblank(after) == nonblank(QUARTERS)
    assert run("format", "--check", str(path)).exit_code == 0


def test_check_names_the_misplaced_period() -> None:
    # the run the list starts with (Q4 2024, 2025) is taken as right; one fix moves both
    assert said(QUARTERS, "RL601") == [
        (7, '"Q1 2024" should come before "Q4 2024" in a list ordered oldest first'),
        (15, '"Q2 2024" should come before "Q4 2024" in a list ordered oldest first')]
    assert [v.fixable for v in violations(QUARTERS, "RL601")] == [True, False]


GO_ROADMAP = """\
# Roadmap for the transport library

## Milestones

### 2022

#### Early Q4 (October)
- Faster handshakes

#### Mid Q4 (November)
- Benchmarks on real hardware

#### End of Q4 (December)
- Swarm metrics

### 2023

#### Early Q1 (January)
- Connection pruning

#### Mid Q1 (February)
- Browser connectivity

#### End of Q1 (March)
- Interoperability tests
"""


def test_milestones_under_year_headings_are_in_order() -> None:
    assert found(GO_ROADMAP, "RL601") == []


def test_two_swapped_milestones_are_reported_and_fixed() -> None:
    swapped = GO_ROADMAP.replace("#### Mid Q1 (February)", "#### @@").replace(
        "#### End of Q1 (March)", "#### Mid Q1 (February)").replace("#### @@", "#### End of Q1 (March)")
    assert said(swapped, "RL601") == [
        (24, '"Mid Q1 (February)" should come before "End of Q1 (March)" in a list ordered oldest first')]
    assert [v.fixable for v in violations(swapped, "RL601")] == [True]
    after = fixed(swapped, "RL601")
    assert after.index("Mid Q1 (February)\n- Interoperability tests") < after.index(
        "End of Q1 (March)\n- Browser connectivity")
    assert nonblank(after) == nonblank(swapped)


def test_years_are_ordered_too() -> None:
    years = "# Plan\n\n## 2024\n\n- b\n\n## 2023\n\n- a\n\n## 2025\n\n- c\n"
    assert [m for _, m in said(years, "RL601")] == [
        '"2023" should come before "2024" in a list ordered oldest first']
    assert headings(fixed(years, "RL601")) == ["Plan", "2023", "2024", "2025"]


def test_two_milestones_are_in_order_either_way() -> None:
    years = GO_ROADMAP.replace("### 2022", "### @@").replace("### 2023", "### 2022").replace("### @@", "### 2023")
    assert found(years, "RL601") == []
    assert found("# Plan\n\n## Q2 2025\n\n- b\n\n## Q1 2025\n\n- a\n", "RL601") == []


@pytest.mark.parametrize("later", ["Later", "Up next", "Future", "Backlog"])
def test_a_later_section_stays_last(later: str) -> None:
    text = f"# Roadmap\n\n## Q2 2025\n\n- b\n\n## Q1 2025\n\n- a\n\n## Q3 2025\n\n- d\n\n## {later}\n\n- c\n"
    assert headings(fixed(text, "RL601")) == ["Roadmap", "Q1 2025", "Q2 2025", "Q3 2025", later]
    # newest first, a later section ends the list all the same
    newest = f"# Roadmap\n\n## v0.2\n\n- b\n\n## v0.1\n\n- a\n\n## {later}\n\n- c\n"
    assert found(newest, "RL601") == []
    in_order = f"# Roadmap\n\n## Q1 2025\n\n- a\n\n## {later}\n\n- c\n"
    assert found(in_order, "RL601") == []
    early = f"# Roadmap\n\n## {later}\n\n- c\n\n## Q1 2025\n\n- a\n\n## Q2 2025\n\n- b\n"
    assert headings(fixed(early, "RL601")) == ["Roadmap", "Q1 2025", "Q2 2025", later]


CHANGELOG = "# Roadmap\n\n## v2.0\n\n- b\n\n## v1.10\n\n- a\n\n## v1.2\n\n- c\n"


def test_versions_in_order() -> None:
    ascending = "# Roadmap\n\n## v1.2\n\n- c\n\n## v1.10\n\n- a\n\n## v2.0\n\n- b\n"
    assert found(ascending, "RL601") == []
    mixed = "# Roadmap\n\n## v1.10\n\n- a\n\n## v2.0\n\n- b\n\n## v1.2\n\n- c\n"
    assert headings(fixed(mixed, "RL601")) == ["Roadmap", "v1.2", "v1.10", "v2.0"]


def test_the_order_option_fixes_the_direction(tmp_path: Path) -> None:
    assert found(CHANGELOG, "RL601") == []  # newest first, as the list is written
    assert found(CHANGELOG, "RL601", order="descending") == []
    assert [m for _, m in said(CHANGELOG, "RL601", order="ascending")] == [
        '"v1.10" should come before "v2.0" in a list ordered oldest first',
        '"v1.2" should come before "v2.0" in a list ordered oldest first']
    (tmp_path / ".roadmaplint.toml").write_text('[rules.milestone-order]\norder = "descending"\n')
    path = tmp_path / "ROADMAP.md"
    path.write_text("# Roadmap\n\n## v1.2\n\n- c\n\n## v2.0\n\n- b\n\n## Later\n\n- d\n", encoding="utf-8")
    assert run("format", str(path)).exit_code == 0
    assert headings(path.read_text(encoding="utf-8")) == ["Roadmap", "v2.0", "v1.2", "Later"]


def test_a_sibling_without_a_period_is_reported_without_a_fix() -> None:
    text = "# Roadmap\n\n## Q3 2025\n\n- b\n\n## Q1 2025\n\n- a\n\n## Q2 2025\n\n- c\n\n## Stretch goals\n\n- d\n"
    assert said(text, "RL601") == [
        (3, '"Q3 2025" should come after "Q2 2025" in a list ordered oldest first '
            '(no fix: "Stretch goals" names no date or version)')]
    assert [v.fixable for v in violations(text, "RL601")] == [False]
    assert fixed(text, "RL601") == text


RELEASES = "# Releases\n\n## v2.1.0\n\n- a\n\n## v2.0.0\n\n- b\n\n## v1.4.0\n\n- c\n\n## v1.3.0\n\n- d\n"


def test_a_newest_first_release_list_is_in_order() -> None:
    assert found(RELEASES, "RL601") == []
    assert fixed(RELEASES, "RL601") == RELEASES


def test_a_release_out_of_a_newest_first_list_moves_the_same_way() -> None:
    text = RELEASES.replace("v2.0.0", "@@").replace("v1.4.0", "v2.0.0").replace("@@", "v1.4.0")
    assert headings(text) == ["Releases", "v2.1.0", "v1.4.0", "v2.0.0", "v1.3.0"]
    assert said(text, "RL601") == [
        (11, '"v2.0.0" should come before "v1.4.0" in a list ordered newest first')]
    assert [v.fixable for v in violations(text, "RL601")] == [True]
    assert headings(fixed(text, "RL601")) == ["Releases", "v2.1.0", "v2.0.0", "v1.4.0", "v1.3.0"]


def test_quarters_in_no_order_are_sorted_oldest_first() -> None:
    text = "# Plan\n\n## Q3 2025\n\n- a\n\n## Q1 2025\n\n- b\n\n## Q2 2026\n\n- c\n\n## Q4 2025\n\n- d\n"
    assert said(text, "RL601") == [
        (7, '"Q1 2025" should come before "Q3 2025" in a list ordered oldest first'),
        (15, '"Q4 2025" should come before "Q2 2026" in a list ordered oldest first')]
    assert [v.fixable for v in violations(text, "RL601")] == [True, False]
    assert headings(fixed(text, "RL601")) == ["Plan", "Q1 2025", "Q3 2025", "Q4 2025", "Q2 2026"]


@pytest.mark.parametrize("order, descending", [("chronological", False), ("reverse-chronological", True)])
def test_the_spec_fixes_the_direction(order: str, descending: bool) -> None:
    ascending = "# Plan\n\n## Q1 2025\n\n- a\n\n## Q2 2025\n\n- b\n\n## Q3 2025\n\n- c\n"
    newest = "# Plan\n\n## Q3 2025\n\n- c\n\n## Q2 2025\n\n- b\n\n## Q1 2025\n\n- a\n"
    spec = {"extends": "generic", "order": order}
    right, wrong = (newest, ascending) if descending else (ascending, newest)
    assert found(right, "RL601", spec=spec) == []
    messages = [m for _, m in said(wrong, "RL601", spec=spec)]
    assert len(messages) == 2
    assert all(m.endswith(f"in a list ordered {'newest' if descending else 'oldest'} first") for m in messages)
    assert fixed(wrong, "RL601", spec=spec) == right


def test_the_spec_direction_is_for_its_own_level() -> None:
    # the spec orders the top-level sections; the list under one of them keeps its own direction
    text = "# Plan\n\n## Q1 2025\n\n- v1.3: c\n- v1.2: b\n- v1.1: a\n\n## Q2 2025\n\n- d\n"
    spec = {"extends": "generic", "order": "chronological"}
    assert found(text, "RL601", spec=spec) == []
    swapped = text.replace("Q1 2025", "@@").replace("Q2 2025", "Q1 2025").replace("@@", "Q2 2025")
    assert [line for line, _, _ in found(swapped, "RL601", spec=spec)] == [9]


def test_four_hundred_sections_are_ordered_at_once() -> None:
    import random
    import time

    # oldest first, with a quarter of them in random places
    rng = random.Random(7)
    versions = list(range(400))
    moved = sorted(rng.sample(range(400), 100))
    values = [versions[i] for i in moved]
    rng.shuffle(values)
    for i, v in zip(moved, values):
        versions[i] = v
    text = "# Releases\n\n" + "".join(f"## v1.{n}\n\n- item {n}\n\n" for n in versions).rstrip("\n") + "\n"
    began = time.perf_counter()
    after = fixed(text, "RL601")
    assert time.perf_counter() - began < 20
    assert headings(after)[1:] == [f"v1.{n}" for n in range(400)]
    newest = "# Releases\n\n" + "".join(f"## v1.{n}\n\n- item {n}\n\n" for n in reversed(range(400)))
    assert found(newest.rstrip("\n") + "\n", "RL601") == []


@pytest.mark.parametrize(
    "titles",
    [
        # only some sections mention a date
        ["Overview", "Goals for 2026", "Released in 2024", "FAQ"],
        ["Where we are (May 2026)", "Next release", "Shipped (March 2025)"],
        # numbered steps and phases are no dates
        ["Phase 3", "Phase 1", "Phase 2"],
        ["Step 3: deploy", "Step 1: build", "Step 2: test"],
        # key-value headings that mention versions
        ["Language: Python 3.11", "Engine: Godot 4.2", "Version: 1.0"],
    ],
)
def test_no_milestones_where_titles_only_mention_dates(titles: list[str]) -> None:
    text = "# Roadmap\n\n" + "".join(f"## {t}\n\n- x\n\n" for t in titles)
    assert found(text.rstrip("\n") + "\n", "RL601") == []


def test_siblings_written_alike_may_name_the_period_later() -> None:
    text = "# Roadmap\n\n## Phase 2 (Q3 2025)\n\n- b\n\n## Phase 1 (Q1 2025)\n\n- a\n\n## Phase 3 (Q4 2025)\n\n- c\n"
    assert headings(fixed(text, "RL601")) == ["Roadmap", "Phase 1 (Q1 2025)", "Phase 2 (Q3 2025)", "Phase 3 (Q4 2025)"]


def test_dated_items_are_ordered() -> None:
    text = "# Log\n\n## 2025\n\n- 2025-03-02: importer\n- 2025-01-15: parser\n  with tests\n- 2025-02-01: docs\n"
    assert said(text, "RL601") == [
        (5, '"2025-03-02: importer" should come after "2025-02-01: docs" in a list ordered oldest first')]
    assert [v.fixable for v in violations(text, "RL601")] == [True]
    assert fixed(text, "RL601") == (
        "# Log\n\n## 2025\n\n- 2025-01-15: parser\n  with tests\n- 2025-02-01: docs\n- 2025-03-02: importer\n")


def test_items_that_mention_versions_are_no_milestones() -> None:
    text = "## Stack\n\n- Dependencies: Quest 0.3\n- Language: Python 3.11\n- AI: Gemini 1.5\n"
    assert found(text, "RL601") == []


# -- RL602 item-order ------------------------------------------------------------------

MIXED = "# Roadmap\n\n## 1.0\n\n- [x] Plugin API\n- [ ] Sync\n- [x] Packages\n- [ ] Themes\n"


def test_item_order_is_off_by_default() -> None:
    assert [v for v in lint(Source(MIXED), Settings(today=TODAY)) if v.code == "RL602"] == []


def test_item_order_by_status_when_selected() -> None:
    assert said(MIXED, "RL602") == [
        (7, '"Packages" (done) should come before "Sync" (planned)')]
    assert [v.fixable for v in violations(MIXED, "RL602")] == [True]
    assert fixed(MIXED, "RL602") == "# Roadmap\n\n## 1.0\n\n- [x] Plugin API\n- [x] Packages\n- [ ] Sync\n- [ ] Themes\n"


def test_item_order_with_its_own_status_order() -> None:
    after = fixed(MIXED, "RL602", statuses=["planned", "done"])
    assert after == "# Roadmap\n\n## 1.0\n\n- [ ] Sync\n- [ ] Themes\n- [x] Plugin API\n- [x] Packages\n"


PLANNED_FIRST = ("# Roadmap\n\n## 1.0\n\n- [ ] Sync\n- [ ] Themes\n- [x] Plugin API\n\n"
                 "## 0.9\n\n- [ ] Docs\n- [x] Parser\n- [x] Packages\n\n"
                 "## 0.8\n\n- [ ] Site\n- [x] Lexer\n- [ ] Logo\n")


def test_a_roadmap_that_lists_open_work_first_is_checked_that_way() -> None:
    assert said(PLANNED_FIRST, "RL602") == [(19, '"Logo" (planned) should come before "Lexer" (done)')]
    assert [v.fixable for v in violations(PLANNED_FIRST, "RL602")] == [True]
    assert fixed(PLANNED_FIRST, "RL602").endswith("## 0.8\n\n- [ ] Site\n- [ ] Logo\n- [x] Lexer\n")


def test_a_status_order_the_user_gives_is_followed_as_written() -> None:
    spec = {"items": {"order": ["done", "planned"]}}
    assert [line for line, _ in said(PLANNED_FIRST, "RL602", spec=spec)] == [7, 12, 18]
    statuses = ["done", "in-progress", "planned"]
    assert [line for line, _ in said(PLANNED_FIRST, "RL602", statuses=statuses)] == [7, 12, 18]


@pytest.mark.parametrize("order, lines", [("chronological", [7, 12, 18]), ("reverse-chronological", [19])])
def test_the_spec_order_fixes_which_end_done_work_goes(order: str, lines: list[int]) -> None:
    spec = {"extends": "generic", "order": order, "items": {"order": "status"}}
    assert [line for line, _ in said(PLANNED_FIRST, "RL602", spec=spec)] == lines


def test_item_order_by_priority() -> None:
    text = "## Next\n\n- Themes [P2]\n- Sync [P0]\n- Docs\n- Plugin API [P1]\n"
    assert fixed(text, "RL602", by="priority") == "## Next\n\n- Sync [P0]\n- Plugin API [P1]\n- Themes [P2]\n- Docs\n"


def test_item_order_leaves_lists_of_unknown_status_alone() -> None:
    assert found("## Next\n\n- [ ] Sync\n- Plugin API\n- [x] Themes\n", "RL602") == []


def test_item_order_leaves_dated_lists_to_milestone_order() -> None:
    text = "## Log\n\n- [ ] 2025-01: parser\n- [x] 2025-02: importer\n- [ ] 2025-03: docs\n"
    assert found(text, "RL601", "RL602") == []
    swapped = text.replace("2025-01", "2025-04")
    assert fixed(swapped, "RL601", "RL602") == (
        "## Log\n\n- [x] 2025-02: importer\n- [ ] 2025-03: docs\n- [ ] 2025-04: parser\n")


def test_item_order_from_the_spec() -> None:
    after = fixed(MIXED, "RL602", spec={"items": {"order": ["planned", "done"]}})
    assert after == "# Roadmap\n\n## 1.0\n\n- [ ] Sync\n- [ ] Themes\n- [x] Plugin API\n- [x] Packages\n"


# -- RL603 overdue-item ----------------------------------------------------------------

DUE = """\
# Roadmap

## Next

- [ ] Plugin API (target: 2026-03)
- [ ] Sync between devices, by 2027-01-15
- [x] Themes (target: 2026-02)
- [ ] Packages (done 2024-02)
- Docs (due 2025-01)
"""


def test_overdue_items_with_today() -> None:
    assert said(DUE, "RL603", today=TODAY) == [
        (5, 'overdue since 2026-03-31 (2026-03): "Plugin API (target: 2026-03)" is planned')]


def test_nothing_is_overdue_before_its_target() -> None:
    assert found(DUE, "RL603", today=dt.date(2026, 1, 1)) == []


def test_overdue_through_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(DUE, encoding="utf-8")
    late = run("check", str(path), "--select", "overdue-item", "--today", "2027-02-01")
    assert late.exit_code == 0  # a warning does not fail the run
    assert late.output.count("RL603") == 2
    early = run("check", str(path), "--select", "overdue-item", "--today", "2026-01-01")
    assert "RL603" not in early.output


def test_a_section_whose_period_passed_with_open_work() -> None:
    text = ("# Plan\n\n## Completed tasks (June 3 2022)\n\n- tuner framework\n\n## To do tasks\n\n"
            "### container tuning (end June 2022)\n\n- per-namespace tuning\n- netns events\n\n"
            "### tcp tuner\n\n- buffer sizing\n")
    assert said(text, "RL603", today=TODAY) == [
        (9, '"container tuning (end June 2022)" was due 2022-06-30 and has 2 unfinished items')]


def test_a_finished_section_is_never_overdue() -> None:
    text = "# Roadmap\n\n## Q1 2024 (done)\n\n- [ ] left over\n\n## Q2 2024\n\n- [x] all done\n"
    assert found(text, "RL603", today=TODAY) == []


# -- RL604 stale-roadmap ---------------------------------------------------------------

REVIEWED = "# Roadmap\n\nLast reviewed: 2026-10-01\n\n## Next\n\n- Plugin API\n"


def test_stale_after_the_default_180_days() -> None:
    assert said(REVIEWED, "RL604", today=dt.date(2027, 6, 1)) == [
        (3, "last reviewed 2026-10-01, 243 days ago (more than 180)")]
    assert found(REVIEWED, "RL604", today=dt.date(2026, 11, 1)) == []


@pytest.mark.parametrize(
    "line, when",
    [
        ("_Updated June 2024_", "2024-06-30"),
        ("Date: 2022-10-07", "2022-10-07"),
        ("> **Last Updated:** 2025-12-25", "2025-12-25"),
        ("This roadmap was last updated on 3 March 2025.", "2025-03-03"),
    ],
)
def test_review_date_forms(line: str, when: str) -> None:
    text = f"# Roadmap\n\n{line}\n\n## Next\n\n- Plugin API\n"
    messages = [m for _, m in said(text, "RL604", today=dt.date(2030, 1, 1))]
    assert len(messages) == 1 and messages[0].startswith(f"last reviewed {when},")


def test_words_about_updates_are_no_review_date() -> None:
    text = "# Roadmap\n\n## Next\n\n- Updated 2024 pricing page\n- Check for updates in 2025\n"
    assert found(text, "RL604", today=dt.date(2030, 1, 1)) == []


def test_review_date_required_by_the_spec() -> None:
    spec = {"review_date": "required", "max_age_days": 30}
    assert said("# Roadmap\n\n## Next\n\n- x\n", "RL604", spec=spec, today=TODAY) == [
        (1, 'the roadmap does not say when it was last reviewed (add "Last reviewed: YYYY-MM-DD")')]
    assert said(REVIEWED, "RL604", spec=spec, today=TODAY) == [
        (3, "last reviewed 2026-10-01, 51 days ago (more than 30)")]


# -- RL605 date-format -----------------------------------------------------------------


def test_mixed_date_styles_when_selected() -> None:
    text = ("# Roadmap\n\n- Parser (done 2025-03-14)\n- Importer (done 2025-04-02)\n"
            "- Themes (done May 20, 2025)\n- `2025/01/01` in code\n")
    assert said(text, "RL605") == [
        (5, "date written as month day, year (June 15, 2025); this roadmap mostly uses ISO (2025-06-15)")]
    assert [v for v in lint(Source(text), Settings(today=TODAY)) if v.code == "RL605"] == []
    assert found(text.replace("May 20, 2025", "2025-05-20"), "RL605") == []


# -- the shared corpus -------------------------------------------------------------------

CORPUS = sorted((SHARED / "corpus" / "roadmaps").glob("*.md")) + sorted((SHARED / "seeds").glob("*.md"))


@pytest.mark.skipif(not CORPUS, reason=absent())
def test_corpus_order_rules_settle() -> None:
    settings = Settings(select=["RL6"], today=TODAY)
    for path in CORPUS:
        source = Source.from_bytes(path.read_bytes(), str(path))
        if not any(v.fixable for v in lint(source, settings)):
            continue
        first = fixes.fix(source, settings)
        assert nonblank(first.text) == nonblank(source.text), path.name
        assert fixes.fix(first.source, settings).text == first.text, path.name


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason=absent("seeds"))
def test_seed_target_dates() -> None:
    seed = next((SHARED / "seeds").glob("004_*.md"))
    messages = [m for _, m in said(seed.read_bytes(), "overdue-item", path=str(seed), today=TODAY)]
    assert len(messages) == 2
    assert all(re.search(r"\(end (June|July) 2022\)", m) for m in messages)


def test_spec_items_order_turns_item_order_on_without_selecting_it() -> None:
    from roadmaplint.settings import Settings
    from roadmaplint.linter import lint
    from roadmaplint.source import Source

    text = "# Roadmap\n\n## Work\n\n- [ ] Later thing\n- [x] Shipped thing\n"
    spec = {"extends": "generic", "items": {"order": ["done", "planned"]}}
    assert "item-order" in {v.name for v in lint(Source(text), Settings(spec=spec))}
    assert "item-order" not in {v.name for v in lint(Source(text), Settings())}
    ignored = Settings(spec=spec, ignore=["item-order"])
    assert "item-order" not in {v.name for v in lint(Source(text), ignored)}
