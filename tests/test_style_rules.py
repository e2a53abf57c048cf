"""The style rules (RL5xx): fixtures with expected positions, and what their
fixes may and may not change."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from roadmaplint import fixes
from roadmaplint.document import load
from roadmaplint.settings import Settings
from roadmaplint.source import Source
from helpers import assert_fixture, fixed, fixture, found, violations
from shared_data import SHARED, absent

SEEDS = SHARED / "seeds"


def shape(text: str) -> list[tuple[str, int, int]]:
    """The block structure of a document: what a fix must not change."""
    return [(b.type, b.depth, len(b.children)) for b in load(Source(text)).walk_blocks()]


# -- fixtures ------------------------------------------------------------------

HEADING_STYLE = """\
Roadmap  ◀ RL501 1:1
=======

## Short-term ##  ◀ RL501 4:1

## Packaging

Long-term  ◀ RL501 8:1
plans
---------

> Quoted  ◀ RL501 12:3
> ------

- Item heading  ◀ RL501 15:3
  ---

## Mid-term

## Later

## Much later

### Maybe

```
# not a heading ##
Nor this
========
```
"""

TRAILING_WHITESPACE = """\
# Roadmap·  ◀ RL502 1:10

Search is the headline feature:··
it lands first.
Sync is next:···  ◀ RL502 5:14
and then plugins.→  ◀ RL502 6:18
····  ◀ RL502 7:1
- item··  ◀ RL502 8:7
- item two→·  ◀ RL502 9:11

```
code···
```

A `code span··
across lines` stays.
"""

BLANK_LINES = """\
# Roadmap


## Next  ◀ RL504 3:1

- one



- two  ◀ RL504 8:1

```
a



b
```

<pre>
x



y
</pre>
"""

HEADING_INCREMENT = """\
## Starts at two

#### Jump  ◀ RL505 3:1

### Back down

# Top

### Same skip

# Other

### Same skip again

> # Quoted
>
> ## Not counted
"""

SINGLE_TITLE = """\
# Roadmap

## Next

## Later

### Much later

# Another  ◀ RL506 9:1

> # Quoted title

Third  ◀ RL506 13:1
=====
"""

LIST_MARKER = """\
- one
- two
  * nested
  + other nested  ◀ RL507 4:3

Text.

* three  ◀ RL507 8:1
  * nested

Text.

- four
  * nested

> + quoted  ◀ RL507 16:3

1. ordered
   - nested in ordered  ◀ RL507 19:4
"""

HEADING_BLANK_LINES = """\
# Roadmap  ◀ RL508 1:1
Intro.
## Next  ◀ RL508 3:1 RL508 3:1
### Sub  ◀ RL508 4:1 RL508 4:1
- item

<!-- roadmaplint-disable-next-line RL506 -->
# Allowed after a comment

> # Quoted
> text

Last  ◀ RL508 13:1
----
text"""


@pytest.mark.parametrize(
    "code, text",
    [
        ("RL501", HEADING_STYLE),
        ("RL502", TRAILING_WHITESPACE),
        ("RL504", BLANK_LINES),
        ("RL505", HEADING_INCREMENT),
        ("RL506", SINGLE_TITLE),
        ("RL507", LIST_MARKER),
        ("RL508", HEADING_BLANK_LINES),
    ],
)
def test_fixture_positions(code: str, text: str) -> None:
    assert_fixture(text, code)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", []),
        ("# Roadmap\n", []),
        ("# Roadmap", [(1, 10, "RL503")]),
        ("# Roadmap\n\n\n", [(2, 1, "RL503")]),
        ("# Roadmap\n  \n", [(2, 1, "RL503")]),
        ("\n\n", [(1, 1, "RL503")]),
        ("```\ncode\n\n\n", []),  # an unclosed fence: the blank lines are code
        ("```\ncode\n```\n\n", [(4, 1, "RL503")]),
    ],
)
def test_final_newline_positions(text: str, expected: list) -> None:
    assert found(text, "RL503") == expected


@pytest.mark.parametrize(
    "text, result",
    [
        ("# Roadmap", "# Roadmap\n"),
        ("# Roadmap\r\n- a", "# Roadmap\r\n- a\r\n"),
        ("# Roadmap\n\n\n", "# Roadmap\n"),
        ("# Roadmap\r\n\r\n\r\n", "# Roadmap\r\n"),
        ("# Roadmap\n  \n\t", "# Roadmap\n"),
        ("\n \n", ""),
    ],
)
def test_final_newline_fix(text: str, result: str) -> None:
    assert fixed(text, "RL503") == result


# -- heading-style --------------------------------------------------------------


def test_closed_and_setext_become_open_atx_and_nothing_else_changes() -> None:
    text = "Roadmap\n=======\n\nSome  \ntext.\n\n## Next ##  \n\nLater\nplans\n-----\n- x\n"
    assert fixed(text, "RL501", style="atx") == "# Roadmap\n\nSome  \ntext.\n\n## Next  \n\n## Later plans\n- x\n"


def test_heading_style_edits_are_minimal() -> None:
    (v,) = violations("## Next ##\n", "RL501", style="atx")
    assert v.fix is not None
    assert [(e.start, e.end, e.replacement) for e in v.fix.edits] == [(7, 10, "")]
    (v,) = violations("Next\n====\n", "RL501", style="atx")
    assert v.fix is not None
    assert [(e.start, e.end, e.replacement) for e in v.fix.edits] == [(0, 0, "# "), (4, 9, "")]
    assert v.message == 'Setext heading; use ATX style "# Next"'


def test_setext_in_block_quote() -> None:
    assert fixed("> Quoted\n> ------\n> text\n", "RL501", style="atx") == "> ## Quoted\n> text\n"
    assert fixed("- Item\n  ---\n", "RL501", style="atx") == "- ## Item\n"
    # several lines inside a container: reported, not fixed
    text = "> Two\n> lines\n> ---\n"
    assert found(text, "RL501", style="atx") == [(1, 3, "RL501")]
    assert fixed(text, "RL501", style="atx") == text


@pytest.mark.parametrize("text", ["Release ##\n==========\n", "Hard\\\nbreak\n=====\n"])
def test_setext_without_safe_fix(text: str) -> None:
    assert found(text, "RL501", style="atx") == [(1, 1, "RL501")]
    assert fixed(text, "RL501", style="atx") == text
    # the same heading among open ATX ones: the default reports it, unfixed
    among = text + "\n## Next\n\n## Later\n"
    assert found(among, "RL501") == [(1, 1, "RL501")]
    assert fixed(among, "RL501") == among


# a Setext document: levels 1-2 underlined, levels 3-6 in ATX (Setext has no
# form for them)
SETEXT_DOC = "Roadmap\n=======\n\nNext\n----\n\n### Search\n\n### Sync\n\nLater\n-----\n\n### Plugins\n"


@pytest.mark.parametrize(
    "text",
    [
        "# Roadmap #\n\n## Next ##\n\n### Search ###\n",  # closed ATX throughout
        SETEXT_DOC,
        "# Roadmap\n\n## Next\n\n#### Deep\n",
        "No headings at all.\n",
    ],
)
def test_a_consistent_document_is_clean(text: str) -> None:
    assert found(text, "RL501") == []


def test_the_minority_style_is_reported() -> None:
    # three open ATX headings, one closed, one Setext: the open ATX style wins
    text = "# Roadmap\n\n## Next ##\n\n## Later\n\nMaybe\n-----\n\n## Never\n"
    vs = violations(text, "RL501")
    assert [(v.line, v.message) for v in vs] == [
        # the message gives the vote that decided, and its count: open or
        # closed among the 4 ATX headings, Setext or ATX among the 5 at levels 1-2
        (3, 'closed ATX heading; use "## Next" like most ATX headings in this file (3 of 4)'),
        (7, 'Setext heading; use ATX style "## Maybe" like most headings at levels 1 and 2 in this file (4 of 5)'),
    ]
    assert fixed(text, "RL501") == "# Roadmap\n\n## Next\n\n## Later\n\n## Maybe\n\n## Never\n"
    # closed ATX wins: the open and Setext headings get closed
    closed = "# Roadmap #\n\n## Next ##\n\n## Later\n\nMaybe\n-----\n\n### Search ###\n"
    assert found(closed, "RL501") == [(5, 1, "RL501"), (7, 1, "RL501")]
    assert fixed(closed, "RL501") == "# Roadmap #\n\n## Next ##\n\n## Later ##\n\n## Maybe ##\n\n### Search ###\n"


def test_a_tie_goes_to_the_first_heading() -> None:
    # one Setext and one ATX heading at levels 1-2: the first one's style wins;
    # ATX is not turned into Setext (the text could then read differently)
    text = "Roadmap\n=======\n\n## Next\n\n### Search\n"
    (v,) = violations(text, "RL501")
    assert (v.line, v.fix) == (4, None)
    # not "like most headings": three of the four headings are ATX
    assert v.message == (
        "open ATX heading; use Setext style (text underlined with = or -) like the file's first heading"
        " (headings at levels 1 and 2 tie: 1 Setext to 1 ATX)"
    )
    assert fixed(text, "RL501") == text
    assert found("## Next\n\nRoadmap\n=======\n", "RL501") == [(3, 1, "RL501")]
    # the first heading at levels 1 and 2 is not the file's first heading
    later = "### Intro\n\n## Next\n\nLater\n-----\n"
    (v,) = violations(later, "RL501")
    assert (v.line, v.message) == (5, 'Setext heading; use ATX style "## Later" like the first of the headings at'
                                      " levels 1 and 2 (line 3; they tie: 1 ATX to 1 Setext)")
    # a tie between open and closed ATX headings
    closed = "## Next ##\n\n## Later\n"
    (v,) = violations(closed, "RL501")
    assert (v.line, v.message) == (3, 'open ATX heading; use "## Later ##" like the file\'s first heading'
                                      " (ATX headings tie: 1 closed to 1 open)")


def test_setext_titles_over_atx_sections_become_atx() -> None:
    # Setext for level 1 and ATX for level 2 is not exempt (issue 11): the
    # six ATX headings outvote the three Setext ones at levels 1 and 2
    text = "".join(f"{t}\n{'=' * len(t)}\n\n## {t} one\n\n## {t} two\n\n" for t in ("Roadmap", "Features", "Plans"))
    vs = violations(text, "RL501")
    assert [(v.line, v.message) for v in vs] == [
        (line, f'Setext heading; use ATX style "# {t}" like most headings at levels 1 and 2 in this file (6 of 9)')
        for line, t in ((1, "Roadmap"), (8, "Features"), (15, "Plans"))
    ]
    assert fixed(text, "RL501").startswith("# Roadmap\n\n## Roadmap one\n")


@pytest.mark.skipif(not (SEEDS / "003_f281103d11bec08d.md").is_file(), reason=absent("seeds/003_f281103d11bec08d.md"))
def test_seed_003_setext_headings_become_atx() -> None:
    text = (SEEDS / "003_f281103d11bec08d.md").read_bytes().decode("utf-8")
    assert [v.line for v in violations(text, "RL501")] == [2, 9, 41]


def test_setext_majority_reports_atx_at_levels_1_and_2_only() -> None:
    text = SETEXT_DOC + "\n## Open\n\n# Top #\n"
    assert found(text, "RL501") == [(16, 1, "RL501"), (18, 1, "RL501")]
    assert fixed(text, "RL501") == text


SETEXT_MIXED = "Roadmap\n=======\n\nNext\n----\n\n### Search ###\n\n#### Sync\n"


@pytest.mark.parametrize(
    "style, expected, result",
    [
        ("atx", [(1, 1), (4, 1), (7, 1)], "# Roadmap\n\n## Next\n\n### Search\n\n#### Sync\n"),
        ("atx_closed", [(1, 1), (4, 1), (9, 1)], "# Roadmap #\n\n## Next ##\n\n### Search ###\n\n#### Sync ####\n"),
        ("setext", [], SETEXT_MIXED),
        ("setext_with_atx", [(7, 1)], "Roadmap\n=======\n\nNext\n----\n\n### Search\n\n#### Sync\n"),
        ("setext_with_atx_closed", [(9, 1)], SETEXT_MIXED.replace("#### Sync", "#### Sync ####")),
    ],
)
def test_heading_style_options(style: str, expected: list, result: str) -> None:
    assert [(line, col) for line, col, _ in found(SETEXT_MIXED, "RL501", style=style)] == expected
    assert fixed(SETEXT_MIXED, "RL501", style=style) == result


def test_setext_option_reports_atx_at_levels_1_and_2_without_a_fix() -> None:
    text = "# Roadmap\n\n## Next ##\n\n### Search\n"
    assert found(text, "RL501", style="setext") == [(1, 1, "RL501"), (3, 1, "RL501")]
    assert fixed(text, "RL501", style="setext") == text


def test_seed_000_closed_atx_is_clean() -> None:
    paths = sorted(SEEDS.glob("000_*.md"))
    if not paths:
        pytest.skip(absent("seeds"))
    assert found(Source.from_bytes(paths[0].read_bytes()).text, "RL501") == []


@pytest.mark.parametrize("seed, options", [("000_*.md", {"style": "atx"}), ("003_*.md", {})])
def test_seed_headings(seed: str, options: dict) -> None:
    """Only heading lines change; Setext underlines go; nothing else moves.
    Seed 003 has three Setext headings among six ATX ones: the default turns
    them into ATX."""
    paths = sorted(SEEDS.glob(seed))
    if not paths:
        pytest.skip(absent("seeds"))
    source = Source.from_bytes(paths[0].read_bytes())
    headings = load(source).headings
    assert any(h.style != "atx" for h in headings)
    underlines = {source.line_of(h.span.end) for h in headings if h.style == "setext"}
    starts = {source.line_of(h.span.start) for h in headings}
    before = [(i, line) for i, line in enumerate(source.lines()) if i not in underlines]
    result = Source(fixed(source, "RL501", **options))
    after = result.lines()
    assert len(after) == len(before)
    for (i, old), new in zip(before, after):
        if i in starts:
            assert re.fullmatch(r"#{1,6} \S(.*\S)?", new) and not new.endswith("#"), new
            assert new.split(" ", 1)[1] in old
        else:
            assert new == old
    assert result.newline == source.newline
    assert found(result.text, "RL501", **options) == []



# -- single-title -----------------------------------------------------------------


def test_a_second_title_is_reported() -> None:
    text = "# Roadmap\n\n## Next\n\n## Later\n\n# Another\n\n- x\n"
    (v,) = violations(text, "RL506")
    assert (v.line, v.message) == (7, "level-1 heading after the title on line 1; the title's sections are level 2")


@pytest.mark.parametrize(
    "text",
    [
        # level-1 headings are the sections, each with sub-sections of its own
        "# Step 1\n\n### Wiring\n\n### Testing\n\n# Step 2\n\n### Setup\n",
        "# Version 1\n\n## Features\n\n## Fixes\n\n# Version 2\n\n## Features\n",
        # level-1 sections with content and no sub-sections
        "# Roadmap\n\nIntro.\n\n# Q1\n\n- a\n\n# Q2\n\n- b\n",
        # more level-1 headings than sections under the first one
        "# Roadmap\n\n## Goals\n\n## Status\n\n# Q1\n\n# Q2\n\n# Q3\n",
        # one sub-section is not a title's outline
        "# Lazy loading\n\n## Benefits\n\n# Custom fonts\n",
        # the file does not open with a level-1 heading
        "## Intro\n\n# Part 1\n\n## A\n\n## B\n\n# Part 2\n",
        # a level-1 heading in a quote is not part of the outline
        "# Roadmap\n\n## Next\n\n## Later\n\n> # Quoted\n",
    ],
)
def test_level_1_sections_are_not_titles(text: str) -> None:
    assert found(text, "RL506") == []


# -- trailing-whitespace ----------------------------------------------------------


def test_hard_breaks_kept() -> None:
    text = "First line··\nsecond line···\nthird.··\n\n- item··\n  more\n".replace("·", " ")
    assert fixed(text, "RL502") == "First line  \nsecond line  \nthird.\n\n- item  \n  more\n"


def test_hard_breaks_not_allowed_is_unsafe() -> None:
    text = "First line  \nsecond.\n"
    assert found(text, "RL502", allow_hard_breaks=False) == [(1, 11, "RL502")]
    assert fixed(text, "RL502", allow_hard_breaks=False) == text
    assert fixed(text, "RL502", unsafe=True, allow_hard_breaks=False) == "First line\nsecond.\n"


def test_white_space_after_a_fence_is_not_code() -> None:
    # cmark-gfm renders `<pre lang="js"><code>code  \n</code></pre>` with or without
    # the spaces after `js` and after the closing fence; those inside stay
    text = "# R\n\n```js···\ncode··\n```··\n\n> ~~~→\n> x·\n> ~~~·\n\n````\n```·\n".replace("·", " ").replace("→", "\t")
    assert found(text, "RL502") == [(3, 6, "RL502"), (5, 4, "RL502"), (7, 6, "RL502"), (9, 6, "RL502")]
    assert fixed(text, "RL502") == "# R\n\n```js\ncode  \n```\n\n> ~~~\n> x \n> ~~~\n\n````\n``` \n"


def test_trailing_whitespace_messages() -> None:
    messages = [v.message for v in violations("a \nb\t\t\nc \t\n   \nd\n", "RL502")]
    assert messages == [
        "1 trailing space",
        "2 trailing tabs",
        "2 trailing whitespace characters",
        "whitespace-only line (3 spaces)",
    ]


def test_non_ascii_whitespace_left_alone() -> None:
    assert found("Roadmap\u00a0\n", "RL502") == []


# -- code is never touched ----------------------------------------------------------


def test_no_edits_inside_fenced_code() -> None:
    text = (
        "# Roadmap\n\n"
        "```markdown\n"
        "Title ##   \n"
        "=====\n"
        "\n\n\n"
        "* a\n"
        "- b\n"
        "## Closed ##\n"
        "```\n\n"
        "- x\n"
    )
    assert fixed(text, "RL5") == text
    assert [h.title for h in load(Source(text)).headings] == ["Roadmap"]


def test_no_edits_inside_indented_code_and_code_spans() -> None:
    text = "# Roadmap\n\nText:\n\n    code   \n\n\n\n    more\n\nA `span  \nover lines` here.\n"
    assert fixed(text, "RL502", "RL504") == text


# -- heading-increment ------------------------------------------------------------


def rl505(text: str) -> list[tuple[int, str]]:
    return [(v.line, v.message) for v in violations(text, "RL505")]


@pytest.mark.parametrize(
    "text",
    [
        # every step skips level 2 the same way, and ### has #### under it
        "# Step 1\n\n### 1. Wiring\n\n#### Parts\n\n# Step 2\n\n### 1. Motors\n\n#### Parts\n",
        # a title over releases at level 3, all of them
        "# Roadmap\n\n### v3.6\n\n### v3.7\n\n### v4.0\n",
        # a Setext level-2 heading over closed ATX level-4 versions
        "Roadmap:\n--------\n\n#### v1.0 ####\n\n#### v1.1 ####\n",
        # one skip and nothing to compare it with
        "# Roadmap\n\n#### Version 0.3.0\n",
        # going back up is fine, and a first heading of any level
        "### Notes\n\n# Roadmap\n\n## Next\n",
    ],
)
def test_a_skip_made_the_same_way_everywhere_is_clean(text: str) -> None:
    assert rl505(text) == []


def test_a_skip_under_one_parent_but_not_its_sibling() -> None:
    # "### Basics" and "## More" both sit right under "# Guide"
    text = "# Guide\n\n### Basics\n\n## More\n"
    assert rl505(text) == [(3, "heading level jumps from 1 to 3, though line 5 puts a level-2 heading directly under a level-1 heading")]


def test_a_skip_under_some_parents_of_a_level_but_not_others() -> None:
    # every "###" has "####" children except one, whose child is "#####"
    text = "### Alpha\n\n#### a\n\n### Beta\n\n##### b\n\n### Gamma\n\n#### c\n"
    assert rl505(text) == [(7, "heading level jumps from 3 to 5, though line 3 puts a level-4 heading directly under a level-3 heading")]
    # a title with a "###" under it, over numbered "#" sections with "##" children
    title = "Docker\n======\n\n### Contents\n\n# 1. Features\n\n## 1.1 Runtime\n"
    assert [line for line, _ in rl505(title)] == [4]


def test_two_different_skips_are_both_reported() -> None:
    # "#" goes to "###" in one place and to "####" in another: neither is the file's style
    text = "# A\n\n### a\n\n# B\n\n#### b\n"
    assert [line for line, _ in rl505(text)] == [3, 7]


CORPUS = SEEDS.parent / "corpus" / "roadmaps"


@pytest.mark.parametrize(
    "name, lines",
    [
        # inconsistent skips, which the precision review judged true
        ("HymanZHAN--gleedoc--doc_ROADMAP.md", [3]),
        ("APIJSON--APIJSON--Roadmap.md", [12]),
        ("moby--moby--ROADMAP.md", [4]),
        # the same skip in every section, which it judged false
        ("00015775--iot-autocar--roadmap.md", []),
        ("etcd-io--etcd--ROADMAP.md", []),
        ("vidalvanbergen--ViMediaManager--ROADMAP.markdown", []),
    ],
)
def test_heading_increment_on_real_roadmaps(name: str, lines: list[int]) -> None:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(absent(f"corpus/roadmaps/{name}"))
    text = path.read_bytes().decode("utf-8", errors="replace")
    assert [v.line for v in violations(text, "RL505")] == lines


# -- list-marker-style ------------------------------------------------------------


def test_list_fix_does_not_merge_lists() -> None:
    text = "- a\n- b\n\n* c\n* d\n"
    assert found(text, "RL507") == [(4, 1, "RL507")]
    assert fixed(text, "RL507") == text
    assert fixed(text, "RL507", style="plus") == text


def test_list_fix_does_not_make_thematic_breaks() -> None:
    text = "- a\n\ntext\n\n+ - -\n+ x\n"
    assert found(text, "RL507") == [(5, 1, "RL507")]
    assert fixed(text, "RL507") == text
    nested = "* + *\n"  # a single line with three nested bullets
    assert fixed(nested, "RL507", style="dash") == nested


def test_list_fix_changes_only_the_marker() -> None:
    text = "- a\n\ntext\n\n- b\n\ntext\n\n* **c**\n  * d\n\n> * e\n"
    result = fixed(text, "RL507")
    assert result == "- a\n\ntext\n\n- b\n\ntext\n\n- **c**\n  * d\n\n> - e\n"
    assert shape(result) == shape(text)


def test_the_bullet_most_lists_use_wins() -> None:
    # two "-" lists and one "*" list: the "*" list is the odd one out, though it comes first
    text = "* a\n\ntext\n\n- b\n\ntext\n\n- c\n"
    (v,) = violations(text, "RL507")
    assert (v.line, v.message) == (1, 'list of 1 item with bullet "*"; use "-" like most lists at this level (2 of 3)')
    assert fixed(text, "RL507") == "- a\n\ntext\n\n- b\n\ntext\n\n- c\n"
    # more "-" lists than any other bullet, though not more than half
    most = text + "\ntext\n\n+ d\n"
    assert [(v.line, v.message) for v in violations(most, "RL507")][-1] == (
        13, 'list of 1 item with bullet "+"; use "-" like most lists at this level (2 of 4)'
    )
    # a tie: the first list decides
    tie = "* a\n\ntext\n\n- b\n"
    (v,) = violations(tie, "RL507")
    assert (v.line, v.message) == (5, 'list of 1 item with bullet "-"; use "*" like the first of the lists at this level (line 1)')


def test_a_list_is_reported_once_with_its_item_count() -> None:
    # a "*" list of three items among "-" lists: one finding, at its first
    # marker, and one fix for all three items
    text = "- a\n- b\n\ntext\n\n* c\n* d\n  - sub\n* e\n\ntext\n\n- f\n"
    (v,) = violations(text, "RL507")
    assert (v.line, v.column, v.span.end - v.span.start) == (6, 1, 1)
    assert v.message == 'list of 3 items with bullet "*"; use "-" like most lists at this level (2 of 3)'
    assert fixed(text, "RL507") == "- a\n- b\n\ntext\n\n- c\n- d\n  - sub\n- e\n\ntext\n\n- f\n"
    # with a fixed style, each list that differs is one finding
    assert found(text, "RL507", style="plus") == [(1, 1, "RL507"), (6, 1, "RL507"), (8, 3, "RL507"), (13, 1, "RL507")]


@pytest.mark.parametrize(
    "text",
    [
        "* a\n  - b\n\ntext\n\n* c\n  - d\n",  # one bullet per level
        "* [x] a\n  * b\n\n+ c\n",  # the top-level lists are consistent by themselves
        # "-" for task lists, "*" for other lists, throughout
        "# Roadmap\n\n- [x] Import\n- [ ] Export\n\n## Fields\n\n* date\n* price\n  * currency\n",
        # a sub-list indented less than its parent item's text: CommonMark
        # starts a sibling list, but it reads (and is written) as nested
        "* Parser\n - lexer\n - grammar\n* Printer\n - colours\n\ntext\n\n* Docs\n  - guide\n",
    ],
)
def test_consistent_lists_are_clean(text: str) -> None:
    assert found(text, "RL507") == []


def test_task_lists_agree_among_themselves() -> None:
    text = "- [x] a\n\ntext\n\n* [ ] b\n\ntext\n\n- [ ] c\n\n* plain\n"
    (v,) = violations(text, "RL507")
    assert (v.line, v.message) == (5, 'list of 1 item with bullet "*"; use "-" like most task lists at this level (2 of 3)')


@pytest.mark.parametrize(
    "text",
    [
        "* [Deutsch](README.de.md)\n\n# Roadmap\n\n- Search\n",  # before the title
        "# Roadmap\n\n* [Deutsch](README.de.md) | [Français](README.fr.md)\n\n## Next\n\n- Search\n",  # under it
    ],
)
def test_a_language_switcher_does_not_set_the_style(text: str) -> None:
    # without the exception the switcher, first in the file, would win the
    # tie and "- Search" would be the one reported
    (v,) = violations(text, "RL507")
    assert (text[v.span.start], v.message) == ("*", 'list of 1 item with bullet "*"; use "-" like the other lists at this level')


def test_a_one_item_list_further_down_does_set_the_style() -> None:
    # not at the top of the file (or without a link): an ordinary list
    text = "# Roadmap\n\n## Next\n\n* [Search](search.md)\n\n## Later\n\n- Sync\n"
    assert found(text, "RL507") == [(9, 1, "RL507")]
    plain = "# Roadmap\n\n* Search\n\n## Later\n\n- Sync\n"
    assert found(plain, "RL507") == [(7, 1, "RL507")]


def test_list_marker_fixed_style() -> None:
    text = "* a\n  + b\n\ntext\n\n- c\n"
    assert found(text, "RL507", style="dash") == [(1, 1, "RL507"), (2, 3, "RL507")]
    assert fixed(text, "RL507", style="dash") == "- a\n  - b\n\ntext\n\n- c\n"


# -- heading-blank-lines ------------------------------------------------------------


def test_heading_blank_lines_between_headings_inserts_one_line() -> None:
    assert fixed("# A\n## B\ntext\n", "RL508") == "# A\n\n## B\n\ntext\n"


# -- every rule together -------------------------------------------------------------

ALL = [
    HEADING_STYLE,
    TRAILING_WHITESPACE,
    BLANK_LINES,
    HEADING_INCREMENT,
    SINGLE_TITLE,
    LIST_MARKER,
    HEADING_BLANK_LINES,
]


@pytest.mark.parametrize("text", ALL)
def test_idempotent(text: str) -> None:
    doc, _ = fixture(text)
    once = fixed(doc, "RL5")
    assert fixed(once, "RL5") == once
    assert not [v for v in violations(once, "RL5") if v.fixable]


@pytest.mark.parametrize("text", ALL)
def test_crlf_kept(text: str) -> None:
    doc, _ = fixture(text)
    crlf = doc.replace("\n", "\r\n")
    result = fixed(crlf, "RL5")
    assert "\n" not in result.replace("\r\n", "")
    assert result == fixed(doc, "RL5").replace("\n", "\r\n")


@pytest.mark.parametrize("text", ALL)
def test_fixes_keep_the_rendered_page(text: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark").enable("table")

    def render(source: str) -> str:
        html = re.sub(r"\s+", " ", md.render(source))
        html = re.sub(r"\s*(<[^>]+>)\s*", r"\1", html)
        return html.replace("<br />", " ")  # joined Setext lines lose their breaks

    doc, _ = fixture(text)
    assert render(fixed(doc, "RL501", "RL502", "RL503", "RL504", "RL507", "RL508")) == render(doc)


# -- properties ----------------------------------------------------------------------

# Lines to build documents from. Left out on purpose, because the parser
# reads them unlike CommonMark (known parser bugs, reported): an empty bullet
# item (`-`, or the last one of `+ - -`) followed by text, a quote that opens
# with an empty `>` line, `</pre>` right after a list item.
FRAGMENTS = [
    "# Roadmap", "## Next ##", "### Deep", "#### Deeper ####", "Title", "=====", "-----",
    "---", "***", "* * *", "- item", "* item", "+ item", "  - nested", "  * nested",
    "  + nested", "    + deeper", "1. ordered", "   - in ordered", "- [ ] task",
    "> quote", "> - quoted item", "> * quoted", "> ---", "> Title", "text", "more text  ",
    "text   ", "tail\t", "  ", "\t", "", "", "", "```", "~~~", "    indented code  ",
    "<!-- c -->", "<pre>", "`code  ", "span`", "Release ##", "line\\", "   # indented heading",
]


def _property_documents() -> Any:
    st = pytest.importorskip("hypothesis.strategies")
    return st.tuples(
        st.lists(st.sampled_from(FRAGMENTS), max_size=12),
        st.sampled_from(["\n", "\r\n", "\r"]),
        st.booleans(),
    )


def test_fix_properties() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark").enable("table")

    def render(text: str) -> str:
        html = re.sub(r"\s+", " ", md.render(Source(text).normalized().rstrip() + "\n"))
        return re.sub(r"\s*(<[^>]+>)\s*", r"\1", html).replace("<br />", " ")

    @hypothesis.settings(max_examples=200, deadline=None, derandomize=True, database=None)
    @hypothesis.given(_property_documents())
    def check(case: tuple[list[str], str, bool]) -> None:
        lines, newline, final = case
        text = newline.join(lines) + (newline if final else "")
        settings = Settings(select=["RL5"])
        result = fixes.fix(Source(text), settings)  # never FixRefused
        assert fixes.fix(Source(result.text), settings).text == result.text
        assert not [v for v in result.remaining if v.fixable]
        if newline in text:
            rest = result.text.replace(newline, "")
            assert "\n" not in rest and "\r" not in rest
        assert render(result.text) == render(text)

    check()


def test_newline_style_survives_a_pass_without_line_breaks() -> None:
    # pass 1 turns the heading into "# Title", which has no line break left
    # to tell the style by; pass 2 must still add "\r\n", not "\n"
    assert fixed("Title\r\n=====", "RL501", "RL503", style="atx") == "# Title\r\n"
