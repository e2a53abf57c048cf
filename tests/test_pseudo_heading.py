"""RL206 pseudo-heading: which bold and capitals lines stand in for a
heading, and which are labels or captions inside a real section."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import said
from shared_data import SHARED, absent


def pseudo_headings(text: str) -> list[tuple[int, str]]:
    """The line and the quoted words of each line RL206 reports."""
    return [(line, message.split('"')[1]) for line, message in said(text, "RL206")]


def test_a_capitals_line_is_reported_even_inside_a_real_section() -> None:
    text = "# Roadmap\n\n## Editor\n\nMVP\n\n- undo\n\nNEXT RELEASES\n\n- redo\n"
    assert pseudo_headings(text) == [(5, "MVP"), (9, "NEXT RELEASES")]


def test_bold_lines_in_a_file_without_headings_are_reported() -> None:
    text = "**Recently completed**\n\n- login\n\n**Payments**\n\n- cards\n"
    assert pseudo_headings(text) == [(1, "Recently completed"), (5, "Payments")]


def test_bold_lines_under_only_a_title_are_reported() -> None:
    text = "# Roadmap\n\n**Payments**\n\n- cards\n\n**Search**\n\n- filters\n"
    assert pseudo_headings(text) == [(3, "Payments"), (7, "Search")]


def test_a_label_repeated_under_sibling_headings_is_a_field() -> None:
    text = ("# Plan\n\n## Phase 1\n\n**Goals**\n- parser\n\n**Deliverables**\n- parser.rs\n\n"
            "## Phase 2\n\n**Goals**\n- checker\n\n**Deliverables**\n- checker.rs\n")
    assert pseudo_headings(text) == []
    # once only, under one heading, a horizon it names is still reported
    one = "# Plan\n\n## Phase 1\n\n**Long-term**\n- checker\n\n## Phase 2\n\n- more\n"
    assert pseudo_headings(one) == [(5, "Long-term")]


def test_a_caption_inside_a_real_section_is_not_a_heading() -> None:
    text = ("# Roadmap\n\n## Phase 4\n\n**Layout / navigation**\n- [ ] tree view\n\n"
            "**Inputs**\n- [ ] date picker\n\n## Phase 5\n\n- [ ] more\n")
    assert pseudo_headings(text) == []


def test_a_caption_repeating_its_headings_milestone_is_not_a_heading() -> None:
    text = "# Game\n\n## Game v4.0\n\n**Features in v4.0**\n- maps\n\n## Game v3.0\n\n- saves\n"
    assert pseudo_headings(text) == []
    other = "# Game\n\n## Game v4.0\n\n**Features in v4.1**\n- maps\n\n## Game v3.0\n\n- saves\n"
    assert pseudo_headings(other) == [(5, "Features in v4.1")]


@pytest.mark.parametrize("caption", ["MVP", "Next", "Long-term", "Completed", "In progress",
                                     "Q3 2025", "Later", "Phase 2", "Beta"])
def test_a_bold_line_naming_a_horizon_milestone_or_status_is_reported(caption: str) -> None:
    text = f"# Roadmap\n\n## Editor\n\n**{caption}**\n\n- undo\n\n## Viewer\n\n- zoom\n"
    assert pseudo_headings(text) == [(5, caption)]


_SEEDS = SHARED / "seeds"


def test_seed_003_capitals_lines_are_still_reported() -> None:
    seeds = sorted(_SEEDS.glob("003_*.md")) if _SEEDS.is_dir() else []
    if not seeds:
        pytest.skip(absent("seeds/003_*.md"))
    text = seeds[0].read_bytes().decode("utf-8")
    titles = [t for _, t in pseudo_headings(text)]
    assert titles and set(titles) <= {"MVP", "NEXT RELEASES"} and len(titles) >= 10
