"""Precision of the order and date rules on forms real roadmaps use:
unscheduled candidates (RL601), years that are no due date (RL603), dated
editorial notes (RL604)."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import said

TODAY = dt.date(2026, 12, 6)


# -- RL601 milestone-order -------------------------------------------------------------


@pytest.mark.parametrize("title", ["v3 candidates (unscheduled)", "v3 (proposed)", "v3 (tentative)",
                                   "v3 (TBD)", "v3 候选(未排期)",
                                   # past ASCII: an emoji; İ (U+0130) and ſ (U+017F), which a case-blind match reads as i and s
                                   "🚧 v3 (tentative)", "v3 (TENTAT\u0130VE)", "v3 (not \u017fcheduled)"])
def test_an_unscheduled_version_is_a_later(title: str) -> None:
    # newest first, then the unscheduled backlog: it stays where it is
    text = f"# Plan\n\n## v2.3 (current)\n\n- a\n\n## v2.2\n\n- b\n\n## v2.1\n\n- c\n\n## {title}\n\n- d\n"
    assert said(text, "RL601", today=TODAY) == []
    # oldest first, it still belongs last
    early = f"# Plan\n\n## {title}\n\n- d\n\n## v2.1\n\n- c\n\n## v2.2\n\n- b\n"
    assert [m.split('"')[1] for _, m in said(early, "RL601", today=TODAY)] == [title]


def test_a_release_candidate_is_a_milestone() -> None:
    text = "# Plan\n\n## v2.3\n\n- a\n\n## v2.2\n\n- b\n\n## v2.1\n\n- c\n\n## v3.0 release candidate\n\n- d\n"
    assert [m.split('"')[1] for _, m in said(text, "RL601", today=TODAY)] == ["v3.0 release candidate"]


# -- RL603 overdue-item ----------------------------------------------------------------


def test_a_lone_year_in_brackets_far_from_any_other_date_is_no_target() -> None:
    text = "# Plan\n\n## Colour\n\n- [ ] CIE Luv colour space (1976)\n- [ ] sRGB output\n"
    assert said(text, "RL603", today=TODAY) == []


def test_a_year_in_brackets_near_the_roadmaps_other_dates_is_a_target() -> None:
    text = ("# Plan\n\n## Phase 1 (2023)\n\n- [x] parser\n\n## Phase 2 (2024)\n\n- [ ] checker\n\n"
            "## Colour\n\n- [ ] CIE Luv colour space (1976)\n")
    assert said(text, "RL603", today=TODAY) == [(7, '"Phase 2 (2024)" was due 2024-12-31 and has 1 unfinished item')]
    # the review date is one of the roadmap's dates
    reviewed = "# Plan\n\nLast updated: 2025-03-01\n\n## Next\n\n- [ ] checker (2024)\n"
    assert said(reviewed, "RL603", today=TODAY) == [(7, 'overdue since 2024-12-31 (2024): "checker (2024)" is planned')]


def test_a_due_word_makes_any_year_a_target() -> None:
    text = "# Plan\n\n## Next\n\n- [ ] checker (by 2019)\n"
    assert said(text, "RL603", today=TODAY) == [(5, 'overdue since 2019-12-31 (2019): "checker (by 2019)" is planned')]


# -- RL604 stale-roadmap ---------------------------------------------------------------


@pytest.mark.parametrize("note", ["> **Direction note (2026-07-16):** priorities moved to PLAN.md",
                                  "## Second review (2026-07-16)", "**Update (2026-07-16)**"])
def test_a_dated_note_or_review_is_a_review_date(note: str) -> None:
    text = f"# Roadmap\n\nDate: 2026-05-31\n\n{note}\n\n## Next\n\n- Plugin API\n"
    assert said(text, "RL604", today=TODAY) == []
    assert said(text, "RL604", today=dt.date(2027, 6, 1)) == [
        (5, "last reviewed 2026-07-16, 320 days ago (more than 180)")]


def test_a_dated_item_or_milestone_is_no_review_date() -> None:
    text = ("# Roadmap\n\nDate: 2026-05-31\n\n## v1.0 (2026-07-16)\n\n- Security update (2026-07-16)\n"
            "- [ ] Docs review (2026-07-16)\n")
    assert said(text, "RL604", today=TODAY) == [(3, "last reviewed 2026-05-31, 189 days ago (more than 180)")]
