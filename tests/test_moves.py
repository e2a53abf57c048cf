"""Moving sections and items: every line kept, code untouched, structure kept."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmaplint import fixes
from roadmaplint.document import Document, load
from roadmaplint.settings import Settings
from roadmaplint.moves import grouped_order, move_items, move_sections, stable_order
from roadmaplint.fixes import apply_edits
from roadmaplint.source import Source

HORIZONS = """\
# Roadmap

Where the project is going.

<!-- roadmaplint-disable list-marker-style -->
## Later

* A web version
* Sync between devices
<!-- roadmaplint-enable list-marker-style -->

### Research

- CRDTs

<!-- roadmaplint-disable-next-line heading-style -->
## Now ##

- [Plugin API][api]
- Packages for Debian
  and Fedora

### In review

1. Themes

## Next

Text with a hard break  
and more.

```sh
## not a heading
```

[api]: https://example.org/api
"""


def nonblank(text: str) -> Counter:
    return Counter(line for line in re.split(r"\r\n|\r|\n", text) if line.strip())


def move(doc: Document, edit) -> str:
    assert edit is not None
    return apply_edits(doc.text, [edit])


def titles(text: str) -> list[tuple[int, str]]:
    return [(h.level, h.title) for h in load(Source(text)).headings]


def horizons_in_order(text: str) -> str:
    doc = load(Source(text))
    top = doc.root.children[0].children
    assert [s.title for s in top] == ["Later", "Now", "Next"]
    return move(doc, move_sections(doc, top, [1, 2, 0]))


def test_horizons_come_out_in_order_with_every_line() -> None:
    after = horizons_in_order(HORIZONS)
    assert nonblank(after) == nonblank(HORIZONS)
    assert titles(after) == [(1, "Roadmap"), (2, "Now"), (3, "In review"), (2, "Next"),
                             (2, "Later"), (3, "Research")]
    # the suppression comment still sits right above the heading it names
    lines = after.splitlines()
    assert lines[lines.index("## Now ##") - 1] == "<!-- roadmaplint-disable-next-line heading-style -->"
    # a disabled range moves whole: its opening comment above the heading,
    # its closing one at the end of the section
    start = lines.index("<!-- roadmaplint-disable list-marker-style -->")
    assert lines[start + 1] == "## Later"
    assert lines.index("<!-- roadmaplint-enable list-marker-style -->") == lines.index("* Sync between devices") + 1
    # the definition belongs to the document, not to the section that was last
    assert after.endswith("- CRDTs\n\n[api]: https://example.org/api\n")
    assert "Text with a hard break  \nand more." in after
    assert "```sh\n## not a heading\n```" in after


def test_sections_are_separated_by_one_blank_line() -> None:
    after = horizons_in_order(HORIZONS)
    assert "\n\n\n" not in after
    assert "1. Themes\n\n## Next" in after
    assert "```\n\n<!-- roadmaplint-disable list-marker-style -->\n## Later" in after


def test_crlf_is_kept() -> None:
    before = HORIZONS.replace("\n", "\r\n")
    after = horizons_in_order(before)
    assert "\n" not in after.replace("\r\n", "")
    assert nonblank(after) == nonblank(before)


def test_no_trailing_newline_stays_so() -> None:
    text = "## Q2\n\n- b\n\n## Q1\n\n- a"
    doc = load(Source(text))
    assert move(doc, move_sections(doc, doc.root.children, [1, 0])) == "## Q1\n\n- a\n\n## Q2\n\n- b"


def test_the_order_they_are_in_is_no_edit() -> None:
    doc = load(Source(HORIZONS))
    assert move_sections(doc, doc.root.children[0].children, [0, 1, 2]) is None


def test_an_unclosed_fence_at_the_end_is_not_moved() -> None:
    # moved up, the open fence would swallow the sections after it
    text = "## B\n\n- b\n\n## A\n\n```\ncode to the end\n"
    doc = load(Source(text))
    assert move_sections(doc, doc.root.children, [1, 0]) is None


def items_of(text: str):
    doc = load(Source(text))
    return doc, doc.root.children[0].items if doc.root.children else doc.root.items


def test_items_move_with_nested_items_and_continuation_lines() -> None:
    text = (
        "## Now\n\n"
        "- C item\n  continued here\n  - nested under C\n"
        "- A item\n"
        "- B item\n    ```\n    code in B\n    ```\n"
        "\nAfter the list.\n"
    )
    doc, items = items_of(text)
    after = move(doc, move_items(doc, items, [1, 2, 0]))
    assert after == (
        "## Now\n\n"
        "- A item\n"
        "- B item\n    ```\n    code in B\n    ```\n"
        "- C item\n  continued here\n  - nested under C\n"
        "\nAfter the list.\n"
    )


def test_a_nested_list_moves_inside_its_parent_item() -> None:
    text = (
        "## Now\n\n"
        "- Theme one\n  - [ ] open\n  - [x] done\n    more about done\n"
        "- Theme two\n  - [ ] also open\n\n"
        "[x]: https://example.org\n"
    )
    doc = load(Source(text))
    nested = doc.root.children[0].items[0].children
    assert len(nested) == 2
    assert move(doc, move_items(doc, nested, [1, 0])) == (
        "## Now\n\n"
        "- Theme one\n  - [x] done\n    more about done\n  - [ ] open\n"
        "- Theme two\n  - [ ] also open\n\n"
        "[x]: https://example.org\n"
    )


def test_items_keep_crlf() -> None:
    text = "- B\r\n  more about B\r\n- A\r\n\r\nAfter.\r\n"
    doc, items = items_of(text)
    assert move(doc, move_items(doc, items, [1, 0])) == "- A\r\n- B\r\n  more about B\r\n\r\nAfter.\r\n"


def test_a_loose_list_stays_loose() -> None:
    text = "- B\n\n- A\n\n  more about A\n\n- C\n"
    doc, items = items_of(text)
    after = move(doc, move_items(doc, items, [1, 0, 2]))
    assert after == "- A\n\n  more about A\n\n- B\n\n- C\n"


def test_a_tight_list_stays_tight() -> None:
    text = "- B\n- A\n- C\n\nNext paragraph.\n"
    doc, items = items_of(text)
    assert move(doc, move_items(doc, items, [1, 0, 2])) == "- A\n- B\n- C\n\nNext paragraph.\n"


def test_a_numbered_list_keeps_its_numbers() -> None:
    text = "3. C\n4. A\n5. B\n"
    doc, items = items_of(text)
    assert move(doc, move_items(doc, items, [1, 2, 0])) == "3. A\n4. B\n5. C\n"


def test_numbers_of_different_widths_are_not_moved() -> None:
    text = "".join(f"{i}. item {i}\n" for i in range(8, 12))
    doc, items = items_of(text)
    assert move_items(doc, items, [3, 0, 1, 2]) is None


def test_orders() -> None:
    assert stable_order([2, 1, 2, 0]) == [3, 1, 0, 2]
    # unnamed sections (None) stay after the named one they followed
    assert grouped_order([None, 2, None, 0, 1, None]) == [0, 3, 4, 5, 1, 2]


# -- property: generated roadmaps -------------------------------------------------------

words = st.sampled_from(["plugin", "sync", "themes", "docs", "api", "cli", "tests", "packaging"])
phrase = st.lists(words, min_size=1, max_size=4).map(" ".join)


@st.composite
def block(draw) -> str:
    kind = draw(st.sampled_from(["para", "tight", "loose", "code", "nested"]))
    if kind == "para":
        return draw(phrase).capitalize() + ".\n"
    if kind == "code":
        body = draw(st.lists(st.sampled_from(["## fake heading", "", "  x = 1", "- not an item"]),
                             min_size=1, max_size=4))
        return "```\n" + "".join(line + "\n" for line in body) + "```\n"
    items = draw(st.lists(phrase, min_size=1, max_size=4))
    if kind == "nested":
        return "".join(f"- {p}\n  - {p} detail\n" for p in items)
    sep = "\n" if kind == "loose" else ""
    return sep.join(f"- {p}\n" for p in items)


@st.composite
def roadmap(draw) -> tuple[str, list[str]]:
    quarters = draw(st.permutations([f"Q{q} {y}" for y in (2024, 2025) for q in (1, 2, 3, 4)]))
    count = draw(st.integers(2, 5))
    names = list(quarters[:count])
    parts = ["# Roadmap\n"]
    for name in names:
        section = [f"## {name}\n", *draw(st.lists(block(), max_size=3))]
        if draw(st.booleans()):
            section += [f"### {name} details\n", *draw(st.lists(block(), min_size=1, max_size=2))]
        parts.append("\n".join(section))
    text = "\n".join(parts)
    if draw(st.booleans()):
        text += "\n[ref]: https://example.org\n"
    return text, names


def code_blocks(doc: Document) -> Counter:
    return Counter(doc.text[s.start : s.end] for s in doc.code_spans)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roadmap(), st.randoms(use_true_random=False))
def test_any_section_permutation_keeps_every_line(case, rnd) -> None:
    text, names = case
    doc = load(Source(text))
    sections = doc.root.children[0].children
    order = list(range(len(sections)))
    rnd.shuffle(order)
    edit = move_sections(doc, sections, order)
    after = text if edit is None else apply_edits(text, [edit])
    assert nonblank(after) == nonblank(text)
    new = load(Source(after))
    assert code_blocks(new) == code_blocks(doc)
    assert [s.title for s in new.root.children[0].children] == [names[i] for i in order]
    for old_index, sec in zip(order, new.root.children[0].children):
        assert [c.title for c in sec.children] == [c.title for c in sections[old_index].children]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roadmap(), st.randoms(use_true_random=False))
def test_any_item_permutation_keeps_every_line(case, rnd) -> None:
    text, _ = case
    doc = load(Source(text))
    lists = [s.items for s in doc.root.walk() if len(s.items) >= 2]
    if not lists:
        return
    items = lists[rnd.randrange(len(lists))]
    order = list(range(len(items)))
    rnd.shuffle(order)
    edit = move_items(doc, items, order)
    after = text if edit is None else apply_edits(text, [edit])
    assert nonblank(after) == nonblank(text)
    new = load(Source(after))
    assert code_blocks(new) == code_blocks(doc)
    assert sorted(it.text for it in new.items()) == sorted(it.text for it in doc.items())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roadmap())
def test_format_sorts_and_a_second_format_changes_nothing(case) -> None:
    text, names = case
    rules = Settings()
    first = fixes.fix(Source(text), rules)
    assert nonblank(first.text) == nonblank(text)
    doc = load(Source(first.text))
    # sorted in the direction that keeps more of the quarters in place; oldest first on a tie
    keys = [(n[-4:], n[:2]) for n in names]

    def longest(le) -> int:
        best = [1] * len(keys)
        for j in range(len(keys)):
            for i in range(j):
                if le(keys[i], keys[j]):
                    best[j] = max(best[j], best[i] + 1)
        return max(best)

    newest_first = longest(lambda a, b: a >= b) > longest(lambda a, b: a <= b)
    assert [s.title for s in doc.root.children[0].children] == sorted(
        names, key=lambda n: (n[-4:], n[:2]), reverse=newest_first)
    assert fixes.fix(first.source, rules).text == first.text
