"""The link rules (RL401-RL409, RL411): a fixture with every problem at a
known line and column, GitHub's anchors, files beside the roadmap, and what
the fixes may and may not change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from roadmaplint import fixes
from roadmaplint.document import load
from roadmaplint.settings import Settings
from roadmaplint.linter import lint
from roadmaplint.document import gfm_url_end, table_cells
from roadmaplint.anchors import Slugger, anchors, slug
from roadmaplint.source import Source
from roadmaplint.spec import SpecError
from helpers import assert_fixture, fixed, fixture, found, said, violations
from shared_data import SHARED, absent

SEED_002 = SHARED / "seeds" / "002_99bc2a0528172d8e.md"
CORPUS = SHARED / "corpus" / "roadmaps"
LINK_RULES = ["RL401", "RL402", "RL403", "RL404", "RL405", "RL406", "RL407", "RL408", "RL409"]


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# -- every rule at its link's own line and column ------------------------------------

ROADMAP = """\
# Roadmap

<a name="legacy"></a>

Jump to [start](#-fast-start), [setup](#%EF%B8%8F-setup), [setup too](#-setup),
[goals again](#goals-1), [the API](#the-lint-api), [notes](#café-crème),
[plan](#路线图-2024), [legacy](#legacy), [box](#box), [top](#top),
[ship](#q3-ship-it), [C++](#c--c-support), [done](#100-done-).

## 🚀 Fast Start

## ⚙️ Setup

## Goals

## Goals

## The `lint()` API

## Café crème

## 路线图 2024

## Q3: [ship](https://example.com/ship) it!

## C++ / C# support

## 100% done ✅

<div id="box"></div>

## Problems

- [Gone](#gone-section)  ◀ RL401 34:10
- Goals are in [the plan](docs/plan.md#goal) and [notes](docs/notes.md).  ◀ RL401 35:27 RL402 35:58
- Tracked in [issue 1](https://g.nite07.org/acme/app/issues/1?tab=new#top).  ◀ RL403 36:32
- Docs on [Python](http://docs.python.org/3/) and [site](http://example.org/).  ◀ RL404 37:20
- Benchmarks at https://example.com/bench, results soon.  ◀ RL405 38:17
- [Search][search-issue] lands first, then [sync][] and [ref].  ◀ RL406 39:3
- [Empty]() and [](https://example.com/x) are placeholders.  ◀ RL409 40:3 RL409 40:17
- `[code](#nope)` and `http://github.com/x` and `https://g.nite07.org/x` are code.  ◀ RL403 41:58

```text
[code](#nope) https://g.nite07.org/y http://github.com/y [a][nope]  ◀ RL403 44:23
```

[sync]: https://example.com/sync
[ref]: #goals
[unused]: https://example.com/unused  ◀ RL407 49:1
[sync]: https://example.com/other  ◀ RL408 50:1
[broken]: #nowhere  ◀ RL401 51:11

Use the [broken] one too.
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write(tmp_path, {"docs/plan.md": "# Plan\n\n## Goals\n\n## 🚀 Launch\n\n## Goals\n"})
    return tmp_path


def test_every_rule_fires_at_its_link(tree: Path) -> None:
    assert_fixture(ROADMAP, *LINK_RULES, path=str(tree / "ROADMAP.md"))


def test_columns_point_at_what_they_name(tree: Path) -> None:
    text, _ = fixture(ROADMAP)
    source = Source(text, path=str(tree / "ROADMAP.md"))
    spans = {(v.code, v.line): text[v.span.start : v.span.end]
             for v in violations(source, *LINK_RULES)}
    assert spans[("RL401", 34)] == "#gone-section"
    assert spans[("RL401", 35)] == "docs/plan.md#goal"
    assert spans[("RL402", 35)] == "docs/notes.md"
    assert spans[("RL403", 36)] == "g.nite07.org"
    assert spans[("RL404", 37)] == "http://"
    assert spans[("RL405", 38)] == "https://example.com/bench"
    assert spans[("RL406", 39)] == "[Search][search-issue]"
    assert spans[("RL401", 51)] == "#nowhere"


def test_nothing_in_code_is_rewritten_but_a_mirror_on_request(tree: Path) -> None:
    code = "- `[code](#nope)` and `http://github.com/x` and `https://g.nite07.org/x` and `https://a.example/b` are code.\n"
    block = "```text\n[code](#nope) https://g.nite07.org/y http://github.com/y [a][nope] https://a.example/b\n```\n"
    indented = "    [x](#nope) git clone https://g.nite07.org/z\n"
    text = f"# Roadmap\n\n{code}\n{block}\n{indented}"
    source = Source(text, path=str(tree / "ROADMAP.md"))
    # only the mirror host is reported in code, with an unsafe fix
    assert found(source, *LINK_RULES, "RL411") == [(3, 58, "RL403"), (6, 23, "RL403"), (9, 34, "RL403")]
    assert [m for _, m in said(source, "RL403")] == ["URL through mirror host g.nite07.org in code; use github.com"] * 3
    assert fixed(source, *LINK_RULES) == text
    assert fixed(source, *LINK_RULES, unsafe=True) == text.replace("g.nite07.org", "github.com")


def test_guard_lets_an_unsafe_fix_change_only_the_code_it_edits() -> None:
    from roadmaplint.document import Span
    from roadmaplint.violations import Edit, Fix, Violation

    text = "# R\n\n`https://g.nite07.org/x` and `keep  it`\n"
    i = text.index("g.nite07.org")
    edit = Edit(i, i + 12, "github.com")
    before = load(Source(text))
    after = load(Source(text.replace("g.nite07.org", "github.com")))

    def chosen(fix: Fix) -> list[Violation]:
        return [Violation("R.md", "RL403", "mirror-link", "error", "m", Span(i, i + 12), 3, 10, 3, 22, fix)]

    fixes.guard(before, after, chosen(Fix.unsafe(edit, rewrites=True)))
    with pytest.raises(fixes.FixRefused, match="code"):
        fixes.guard(before, after, chosen(Fix.safe(edit, rewrites=True)))
    # the edit licenses its own code span, not another one
    other = load(Source(text.replace("g.nite07.org", "github.com").replace("keep  it", "keep it")))
    with pytest.raises(fixes.FixRefused, match="code"):
        fixes.guard(before, other, chosen(Fix.unsafe(edit, rewrites=True)))


# -- anchors ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("🚀 Fast Start", "-fast-start"),
        ("v1.0 (beta)", "v10-beta"),
        ("What’s next?", "whats-next"),
        ("Café crème", "café-crème"),
        ("路线图 2024", "路线图-2024"),
        ("Ünïcödé & Ärger", "ünïcödé--ärger"),
        ("C++ / C# support", "c--c-support"),
        ("⚙️ Setup", "\ufe0f-setup"),  # GitHub keeps the emoji presentation selector
        ("1️⃣ First", "1\ufe0f\u20e3-first"),
        ("snake_case names", "snake_case-names"),
        ("-dash-", "-dash-"),
        ("Hello  World", "hello--world"),
        ("a—b–c", "abc"),
        ("100% done ✅", "100-done-"),
        ("Ⓐ circled", "ⓐ-circled"),
        ("Σ ΣΑΣ", "σ-σας"),
        ("x² ½", "x-"),
        (":rocket: Launch", "rocket-launch"),
    ],
)
def test_slug_is_githubs(text: str, anchor: str) -> None:
    # expected values are what github-slugger, which mirrors GitHub, gives
    assert slug(text) == anchor


def test_repeated_slugs_get_suffixes_that_are_not_taken() -> None:
    s = Slugger()
    assert [s.slug(t) for t in ["echo", "echo", "echo 1", "echo-1", "echo", "foxtrot-1", "foxtrot", "foxtrot"]] == [
        "echo", "echo-1", "echo-1-1", "echo-1-2", "echo-2", "foxtrot-1", "foxtrot", "foxtrot-2"]


def test_heading_text_is_what_github_shows() -> None:
    doc = load(Source(
        "# Roadmap\n\n"
        "## The `lint()` API\n\n"
        "## [Search](https://example.com/12) *first*\n\n"
        "## ![logo](logo.png) Brand\n\n"
        "## Fish &amp; chips\n\n"
        "Two\nlines\n---\n\n"
        "<h2>Raw <em>HTML</em> heading</h2>\n\n"
        "<span id='Kept'></span> <a name=bare>x</a>\n"
    ))
    names = anchors(doc)
    assert names.slugs == ["roadmap", "the-lint-api", "search-first", "-brand", "fish--chips", "twolines",
                           "raw-html-heading"]
    # another renderer's reading is accepted too: a line break as a space
    for fragment in ["two-lines", "kept", "bare", "user-content-search-first", "SEARCH-FIRST", "top"]:
        assert fragment in names, fragment
    # GitHub's text content has no alt text, and the space the image leaves is kept
    assert "brand" not in names and "logo-brand" not in names


def test_an_image_in_a_heading_adds_no_alt_text() -> None:
    # cmark-gfm renders `<h3><img src="u" alt="Alt" /> Text</h3>`: the text content is " Text"
    text = "# R\n\n### ![Alt](u) Text\n\n[a](#alt-text) [b](#-text)\n"
    assert [m for _, m in said(Source(text), "RL401")] == ["no heading or anchor for #alt-text; did you mean #-text?"]


def test_a_space_written_as_a_character_reference_is_kept() -> None:
    # cmark-gfm renders `<h2> b</h2>`: the slug is `-b`, not `b`
    text = "# R\n\n## &#x20;b\n\n[a](#b) [b](#-b)\n"
    assert found(Source(text), "RL401") == [(5, 5, "RL401")]


def test_html_anchors_are_ids_and_names_of_a() -> None:
    text = (
        "# R\n\n"
        '<a name="n1" id="i1"></a>\n'
        '<p id="pi" name="pn"></p>\n'
        '<input name="q" data-id="d" ID=Up>\n\n'
        "[1](#n1) [2](#i1) [3](#pi) [4](#up) [5](#pn) [6](#q) [7](#d)\n"
    )
    # every id counts, whatever comes before it in the tag; a name only on <a>
    assert [m.split()[-1] for m in [m for _, m in said(Source(text), "RL401")]] == ["#pn", "#q", "#d"]


def test_valid_anchors_are_not_reported() -> None:
    text, _ = fixture(ROADMAP)
    clean = text.split("## Problems")[0]
    assert found(Source(clean), "RL401") == []


def test_anchors_in_quotes_and_lists_count() -> None:
    text = "# R\n\n> ## Quoted\n\n- ## Listed\n\nSee [q](#quoted) and [l](#listed).\n"
    assert found(Source(text), "RL401") == []


def test_message_suggests_the_closest_heading() -> None:
    text = "# Roadmap\n\n[x](#fast-start)\n\n## 🚀 Fast start\n\n## ⚙️ Setup\n\n[y](#stup)\n"
    assert [m for _, m in said(Source(text), "RL401")] == [
        "no heading or anchor for #fast-start; did you mean #-fast-start?",
        "no heading or anchor for #stup; did you mean #%EF%B8%8F-setup?",
    ]


def test_suggestions_are_difflibs_close_matches_ties_included() -> None:
    # "#goal-x" is as close to goal-a, goal-b and goal-c: difflib names the
    # greatest two, goal-c then goal-b; the bounds that spare comparisons
    # must not change which anchors are named, nor their order
    import difflib
    import random

    text = "# R\n\n## Goal A\n\n## Goal B\n\n## Goal C\n\n[x](#goal-x)\n"
    assert [m for _, m in said(Source(text), "RL401")] == [
        "no heading or anchor for #goal-x; did you mean #goal-c?"]
    pick = random.Random(15)
    for _ in range(40):
        names = sorted({"".join(pick.choice("ab-c") for _ in range(pick.randrange(1, 9))) for _ in range(30)})
        doc = load(Source("".join(f"## {n}\n\n" for n in names)))
        slugs = anchors(doc).slugs
        for _ in range(10):
            fragment = "".join(pick.choice("ab-c") for _ in range(pick.randrange(1, 9)))
            if fragment not in slugs:
                assert anchors(doc).closest(fragment) == difflib.get_close_matches(fragment, slugs, 2, 0.6)


def test_suggestions_among_repeated_headings_are_difflibs() -> None:
    # "## Goals" three times is #goals, #goals-1, #goals-2: the bags of
    # characters of a repeat are built from its first's, and must give the
    # same suggestions as difflib itself
    import difflib
    import random

    text = "# R\n\n## Goals\n\n## Goals\n\n## Goals\n\n[x](#goals-3)\n"
    assert [m for _, m in said(Source(text), "RL401")] == [
        "no heading or anchor for #goals-3; did you mean #goals-2?"]
    pick = random.Random(16)
    for _ in range(40):
        names = [pick.choice(["a-b", "ab", "b-1", "c", "a-c-1", "ba"]) for _ in range(12)]
        doc = load(Source("".join(f"## {n}\n\n" for n in names)))
        found = anchors(doc)  # one for all the fragments: the bags are kept
        slugs = found.slugs
        for _ in range(10):
            fragment = "".join(pick.choice("ab-c1") for _ in range(pick.randrange(1, 8)))
            if fragment not in slugs:
                assert found.closest(fragment) == difflib.get_close_matches(fragment, slugs, 2, 0.6)


def test_unsafe_fix_applies_the_single_close_suggestion() -> None:
    text = "# Roadmap\n\nSee [the start](#fast-start \"title\").\n\n## 🚀 Fast start\n"
    assert fixed(text, "RL401") == text  # unsafe: not applied by format
    after = fixed(text, "RL401", unsafe=True)
    assert after == text.replace("(#fast-start", "(#-fast-start")
    assert found(after, "RL401") == []


def test_no_fix_when_two_headings_are_close() -> None:
    text = "# Roadmap\n\n[x](#goal)\n\n## Goals\n\n## Goals\n"
    (v,) = violations(text, "RL401")
    assert v.fix is None


def test_fix_writes_an_invisible_selector_visibly() -> None:
    text = "# Roadmap\n\n[x](#stup)\n\n## ⚙️ Setup\n"
    assert "[x](#%EF%B8%8F-setup)" in fixed(text, "RL401", unsafe=True)


def test_other_markdown_files_are_checked_the_same_way(tree: Path) -> None:
    text = (
        "# Roadmap\n\n"
        "- [goals](docs/plan.md#goals), [launch](./docs/plan.md#-launch), [again](docs/plan.md#goals-1)\n"
        "- [case](docs/plan.md#Goals), [query](docs/plan.md?plain=1#goals), [self](ROADMAP.md#roadmap)\n"
        "- [nope](docs/plan.md#nope), [gone](docs/gone.md#x), [code](src/main.py#L10)\n"
    )
    source = Source(text, path=str(tree / "ROADMAP.md"))
    assert found(source, "RL401") == [(5, 10, "RL401")]
    assert [m for _, m in said(source, "RL401")] == ["no heading or anchor for docs/plan.md#nope"]


def test_a_fragment_is_not_checked_without_a_file() -> None:
    text = "# Roadmap\n\n[x](docs/plan.md#nope)\n"
    assert found(Source(text), "RL401") == []  # <stdin>: no folder to look in


# -- files -------------------------------------------------------------------------------

def test_missing_file_is_resolved_from_the_roadmaps_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, {
        "docs/ROADMAP.md": "",
        "docs/plan.md": "# Plan\n",
        "docs/with space.md": "",
        "README.md": "",
    })
    text = (
        "# Roadmap\n\n"
        "- [plan](plan.md?plain=1#goals), [dir](./), [up](../README.md), [root](/README.md)\n"
        "- [spaced](with%20space.md), [issues](../../../issues/3), [mail](mailto:a@example.com)\n"
        "- [gone](docs/plan.md#goals), [gone too](missing.md?raw=true)\n"
        "- [host](github.com/acme/app), [ref][r]\n\n"
        "[r]: ../nowhere/\n"
    )
    source = Source(text, path=str(tmp_path / "docs" / "ROADMAP.md"))
    assert found(source, "RL402") == [(5, 10, "RL402"), (5, 42, "RL402"), (6, 10, "RL402"), (8, 6, "RL402")]
    assert [m for _, m in said(source, "RL402")] == [
        "no file or directory 'docs/plan.md'",
        "no file or directory 'missing.md'",
        "no file or directory 'github.com/acme/app'; a web address needs https://",
        "no file or directory '../nowhere/'",
    ]


def test_a_link_one_folder_above_the_repository_points_outside_it(tmp_path: Path) -> None:
    # GitHub shows ROADMAP.md at <repo>/blob/<branch>/ROADMAP.md: `../x` is
    # <repo>/blob/x, no page; `../../issues` is the repository's issues page
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "docs").mkdir()
    text = "# R\n\n- [studio](../hs-studio) [issues](../../issues) [up](docs/../../x.md)\n"
    source = Source(text, path=str(tmp_path / "repo" / "ROADMAP.md"))
    assert [(v.column, v.message) for v in violations(source, "RL402")] == [
        (12, "'../hs-studio' points outside the repository (above its top folder); GitHub cannot show it"),
        (54, "'docs/../../x.md' points outside the repository (above its top folder); GitHub cannot show it"),
    ]
    # from docs/, `../../issues` is one folder above the top: <repo>/blob/issues
    source = Source(text, path=str(tmp_path / "repo" / "docs" / "ROADMAP.md"))
    assert [v.column for v in violations(source, "RL402")] == [12, 35, 54]


def test_outside_git_the_configurations_folder_is_the_top(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "roadmaplint.toml").write_text("", encoding="utf-8")
    text = "# R\n\n[studio](../hs-studio)\n"
    source = Source(text, path=str(tmp_path / "proj" / "ROADMAP.md"))
    with_config = Settings(select=["RL402"], config_path=str(tmp_path / "proj" / "roadmaplint.toml"))
    assert [v.message for v in lint(source, with_config)] == [
        "'../hs-studio' points outside the repository (above its top folder); GitHub cannot show it"]
    # no git and no configuration: the top is unknown, the path just does not exist
    assert [m for _, m in said(source, "RL402")] == ["no file or directory '../hs-studio'"]


def test_an_issue_reference_as_a_link_target_gets_its_address(tmp_path: Path) -> None:
    text = "# R\n\nFixed in [#1784](acme/go-app#1784) and [notes](acme/go-app#intro).\n"
    source = Source(text, path=str(tmp_path / "ROADMAP.md"))
    assert [m for _, m in said(source, "RL402")] == [
        "'acme/go-app#1784' is an issue reference, which GitHub reads as a file path in a link; "
        "use https://github.com/acme/go-app/issues/1784",
        "no file or directory 'acme/go-app'",
    ]


def test_mail_and_other_schemes_are_not_files(tmp_path: Path) -> None:
    # `<security@example.org>` is an e-mail autolink (mailto:), not a path
    text = (
        "# Roadmap\n\n"
        "Report to <security@example.org> or <Team.Lead+roadmap@mail.example.co.uk>.\n"
        "- [mail](mailto:a@b.org), [call](tel:+1-555-0100), [chat](xmpp:dev@example.org)\n"
        "- <irc://irc.libera.chat/dev>, [ftp](ftp://ftp.example.org/a), [news](news:comp.lang)\n"
        "- [odd](x-custom+scheme.v2:anything/at/all), [mac](MAILTO:A@B.ORG)\n\n"
        "[m]: mailto:c@d.org\n"
        "[bare]: a@b.org\n\n"
        "[m] [bare] and [no scheme](e@f.org)\n"
    )
    source = Source(text, path=str(tmp_path / "ROADMAP.md"))
    assert found(source, "RL402") == [(9, 9, "RL402"), (11, 28, "RL402")]
    assert [m for _, m in said(source, "RL402")] == [
        "no file or directory 'a@b.org'; an e-mail address needs mailto:",
        "no file or directory 'e@f.org'; an e-mail address needs mailto:",
    ]


def test_missing_file_needs_a_file_on_disk() -> None:
    assert found(Source("# R\n\n[x](nowhere.md)\n"), "RL402") == []


# -- hosts -------------------------------------------------------------------------------

def test_mirror_fix_keeps_path_query_fragment_and_words() -> None:
    text = (
        "# Roadmap\n\n"
        "- [https://g.nite07.org/a/b](https://g.nite07.org/a/b/issues/1?x=1&y=2#L10-L20 \"g.nite07.org\")\n"
        "- <https://G.NITE07.ORG/c/d>, ![img](https://g.nite07.org/e.png), https://g.nite07.org/f/g.\n"
        "- [ref][m] and [user](https://git.example.cn/x/y)\n\n"
        "[m]: https://user@g.nite07.org:443/h?i#j\n"
    )
    hosts = {"git.example.cn": "gitlab.com"}
    after = fixed(text, "mirror-link", hosts=hosts)
    # link text that shows a URL is restored too; a title that only names
    # the host (no URL) is a word and stays
    assert after == (
        "# Roadmap\n\n"
        "- [https://github.com/a/b](https://github.com/a/b/issues/1?x=1&y=2#L10-L20 \"g.nite07.org\")\n"
        "- <https://github.com/c/d>, ![img](https://github.com/e.png), https://github.com/f/g.\n"
        "- [ref][m] and [user](https://gitlab.com/x/y)\n\n"
        "[m]: https://user@github.com:443/h?i#j\n"
    )
    assert violations(after, "mirror-link", hosts=hosts) == []


def test_a_configured_host_past_ascii_matched_in_another_case_is_reported() -> None:
    # "ſ" (long s) matches "S" case-insensitively, but "XS.CN".lower() is not "xſ.cn":
    # the host written is found in the configured list all the same (it was an internal error)
    hosts = {"xſ.cn": "github.com"}
    text = "# Roadmap\n\n- See https://XS.CN/o/r and https://xſ.cn/o/r\n"
    assert [v.message for v in violations(text, "mirror-link", hosts=hosts)] == [
        "link through mirror host xs.cn; use github.com", "link through mirror host xſ.cn; use github.com"]


def test_mirror_url_is_restored_wherever_it_shows() -> None:
    # link text showing the URL, prose the parser leaves as text (after a
    # word character, GitHub makes no link), HTML, a protocol-relative URL
    text = (
        "# Roadmap\n\n"
        "- [https://g.nite07.org/o/r/issues/1](https://github.com/o/r/issues/1)\n"
        "- [see //g.nite07.org/o/r](https://github.com/o/r) and x:https://g.nite07.org/o/r/pull/2\n"
        "- <a href=\"https://hub.fastgit.org/o/r\">https://hub.fastgit.org/o/r</a>\n"
        "- mirrors such as g.nite07.org and kgithub.com.example are not URLs; https://kgithub.com.\n"
        "- archived: https://web.archive.org/web/2020/https://g.nite07.org/o/r, [u](https://x.example/?u=https://g.nite07.org)\n"
        "- [g.nite07.org/o/r](https://github.com/o/r) shows an address; in prose g.nite07.org/o/r is a word\n"
    )
    source = Source(text)
    assert found(source, "RL403") == [(3, 12, "RL403"), (4, 10, "RL403"), (4, 66, "RL403"),
                                      (5, 20, "RL403"), (5, 49, "RL403"), (6, 78, "RL403"), (8, 4, "RL403")]
    assert fixed(source, "mirror-link") == (
        "# Roadmap\n\n"
        "- [https://github.com/o/r/issues/1](https://github.com/o/r/issues/1)\n"
        "- [see //github.com/o/r](https://github.com/o/r) and x:https://github.com/o/r/pull/2\n"
        "- <a href=\"https://github.com/o/r\">https://github.com/o/r</a>\n"
        "- mirrors such as g.nite07.org and kgithub.com.example are not URLs; https://github.com.\n"
        "- archived: https://web.archive.org/web/2020/https://g.nite07.org/o/r, [u](https://x.example/?u=https://g.nite07.org)\n"
        "- [github.com/o/r](https://github.com/o/r) shows an address; in prose g.nite07.org/o/r is a word\n"
    )


@pytest.mark.skipif(not SEED_002.is_file(), reason=absent("seeds"))
def test_format_restores_every_github_link_in_seed_002() -> None:
    original = Source.from_bytes(SEED_002.read_bytes(), str(SEED_002))
    assert original.text.count("g.nite07.org") == 8
    assert fixed(original, "mirror-link") == original.text.replace("g.nite07.org", "github.com")
    # every rule that is on by default: still no mirror left, every link restored
    everything = fixes.fix(original, Settings())
    assert "g.nite07.org" not in everything.text
    assert everything.text.count("https://github.com/") == 8


def test_insecure_link_becomes_https() -> None:
    text = (
        "# Roadmap\n\n"
        "- [a](http://github.com/acme/app), <http://en.wikipedia.org/wiki/Roadmap>, [e](HTTP://GITLAB.COM/x)\n"
        "- [b](http://example.org/), [c](https://github.com/ok), [d](http://intranet.example.org/)\n"
    )
    assert found(text, "RL404") == [(3, 7, "RL404"), (3, 37, "RL404"), (3, 80, "RL404")]
    assert fixed(text, "insecure-link", hosts=["intranet.example.org"]) == (
        "# Roadmap\n\n"
        "- [a](https://github.com/acme/app), <https://en.wikipedia.org/wiki/Roadmap>, [e](HTTPS://GITLAB.COM/x)\n"
        "- [b](http://example.org/), [c](https://github.com/ok), [d](https://intranet.example.org/)\n"
    )


# -- bare URLs -----------------------------------------------------------------------------

# every bare URL GitHub links is reported: the tests of where a URL ends and of
# its fix; by default, only a file that names most of its links reports them
WRAPPED = {"style": "wrapped"}  # bare-url's option: report every bare URL

def test_bare_url_is_wrapped_where_github_ends_it() -> None:
    text = (
        "# Roadmap\n\n"
        "- See https://example.com/a, then https://example.com/b.\n"
        "- Rope: https://en.wikipedia.org/wiki/Rope_(data_structure) (https://example.com/c)\n"
        "- **https://example.com/d** and https://example.com/e?q=1&amp; and https://example.com/f!\n"
        "- Not bare: <https://example.com/g>, [h](https://example.com/h), [https://example.com/i](https://example.com/i)\n"
        "- In code: `https://example.com/j`\n"
    )
    after = fixed(text, "bare-url", **WRAPPED)
    assert after == (
        "# Roadmap\n\n"
        "- See <https://example.com/a>, then <https://example.com/b>.\n"
        "- Rope: <https://en.wikipedia.org/wiki/Rope_(data_structure)> (<https://example.com/c>)\n"
        "- **<https://example.com/d>** and <https://example.com/e?q=1>&amp; and <https://example.com/f>!\n"
        "- Not bare: <https://example.com/g>, [h](https://example.com/h), [https://example.com/i](https://example.com/i)\n"
        "- In code: `https://example.com/j`\n"
    )


def test_bare_url_without_a_fix_where_brackets_would_change_it() -> None:
    text = "# R\n\nHard break https://a.example/b\\\nthen https://a.example/c\\_d and https://a.example/?e=1&amp;f=2\n"
    found_ = [(v.line, v.column, text[v.span.start : v.span.end], v.fix is not None)
              for v in violations(text, "bare-url", **WRAPPED)]
    assert found_ == [(3, 12, "https://a.example/b", True), (4, 6, "https://a.example/c\\_d", False),
                      (4, 33, "https://a.example/?e=1&amp;f=2", False)]


def bare(text: str) -> list[tuple[int, str, bool]]:
    return [(v.line, text[v.span.start : v.span.end], v.fix is not None)
            for v in violations(text, "bare-url")]


def test_bare_urls_are_a_style_a_file_may_follow() -> None:
    # every web link bare, or bare URLs in lists of their own (3 bare of 4):
    # GitHub links them all, and the file is consistent
    assert bare("# R\n\n- https://a.example/1\n- https://a.example/2\n") == []
    assert bare("# R\n\nSee [docs](https://a.example/d).\n\n- https://a.example/1\n"
                "- https://a.example/2\n- https://a.example/3\n") == []


def test_bare_url_reported_where_the_file_names_its_links() -> None:
    # 1 bare of 5 web links (inline, [url](url), reference, <url>): under a quarter
    text = ("# R\n\n- [a](https://a.example/a) [https://a.example/b](https://a.example/b) [c][c]\n"
            "- <https://a.example/d> and https://a.example/e\n\n[c]: https://a.example/c\n")
    found_ = violations(text, "bare-url")
    assert [(v.line, v.message) for v in found_] == [
        (4, "bare URL; write it as <url> or [text](url) like 4 of the 5 web links in this file")]
    assert fixed(text, "bare-url") == text.replace(
        "and https://a.example/e", "and <https://a.example/e>")
    # 1 bare of 4: a quarter is not a clear minority
    assert bare(text.replace("[c][c]", "")) == []


def test_bare_url_that_is_a_value_is_no_link_to_report() -> None:
    named = "# R\n\n" + "".join(f"- [n{i}](https://n.example/{i})\n" for i in range(8))
    # in quotes, or a template with %s, {id} or <id>: values, not links
    for value in ['"@url": "http://a.example/get"', "'https://a.example/x'", "https://a.example/?show=%s",
                  "https://a.example/users/{id}/", "https://a.example/users/<id>"]:
        assert bare(named + f"\nUse {value} here.\n") == [], value
    # a percent escape is no placeholder
    assert bare(named + "\nUse https://a.example/a%20d here.\n") == [(12, "https://a.example/a%20d", True)]


def test_bare_url_that_github_links_with_the_text_after_it() -> None:
    # a closing quote, full-width punctuation or CJK right after the URL: GitHub's
    # autolink runs on; reported in any style, with an unsafe fix that links the URL only
    text = ('# R\n\n例如 "\\~http://a.example/get"，由调用方保证。\n\n'
            "- see https://a.example/b」c\n- see https://a.example/d中文\n"
            "- wiki https://zh.wikipedia.org/wiki/中文 ok\n")
    found_ = violations(text, "bare-url")
    assert [(v.line, text[v.span.start : v.span.end], v.fix is not None and v.fix.applicability.name)
            for v in found_] == [
        (3, 'http://a.example/get"，由调用方保证。', "UNSAFE"),
        (5, "https://a.example/b」c", "UNSAFE"),
        (6, "https://a.example/d中文", "UNSAFE"),
    ]
    assert "GitHub links this URL together with the text after it" in found_[0].message
    assert fixed(text, "bare-url") == text  # never a safe fix
    out = fixed(text, "bare-url", unsafe=True)
    assert out == ('# R\n\n例如 "\\~<http://a.example/get>"，由调用方保证。\n\n'
                   "- see <https://a.example/b>」c\n- see <https://a.example/d>中文\n"
                   "- wiki https://zh.wikipedia.org/wiki/中文 ok\n")
    html = github_html(out)
    assert '<a href="http://a.example/get">http://a.example/get</a>&quot;，由' in html


def github_html(text: str) -> str:
    cmarkgfm = pytest.importorskip("cmarkgfm", reason="cmarkgfm (GitHub's renderer) is not installed")
    return cmarkgfm.github_flavored_markdown_to_html(text, options=cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE)


BARE_URLS_GITHUB_SHOWS_AS_TEXT = (
    "# R\n\n"
    "Go to (the site)[https://example.com/a] or [see https://example.com/b].\n\n"
    "Written as code: <code>https://example.com/c</code> and <pre>https://example.com/d</pre>.\n\n"
    "| Repo | Where |\n"
    "|------|-------|\n"
    "| r    | https://github.com/o/r/tree/main/receiver|\n"
)


def test_bare_url_left_as_github_shows_it() -> None:
    text = BARE_URLS_GITHUB_SHOWS_AS_TEXT
    found_ = [(v.line, v.column, text[v.span.start : v.span.end], v.fix is not None)
              for v in violations(text, "bare-url", **WRAPPED)]
    # no link on GitHub inside an open bracket: reported, but <url> would add one;
    # inside <code> and <pre> the URL is code by choice; in a table it ends at the `|`
    assert found_ == [(3, 18, "https://example.com/a", False), (3, 49, "https://example.com/b", False),
                      (9, 10, "https://github.com/o/r/tree/main/receiver", True)]
    after = fixed(text, "bare-url", **WRAPPED)
    assert after == text.replace("https://github.com/o/r/tree/main/receiver|",
                                 "<https://github.com/o/r/tree/main/receiver>|")


def test_a_bracket_inside_a_url_opens_nothing() -> None:
    text = "# R\n\n[a](https://example.com/a[1) then https://example.com/b\n"
    after = fixed(text, "bare-url", **WRAPPED)
    assert after == "# R\n\n[a](https://example.com/a[1) then <https://example.com/b>\n"


def test_bare_url_fix_keeps_githubs_rendering() -> None:
    text = BARE_URLS_GITHUB_SHOWS_AS_TEXT + "\nAnd https://example.com/e, (https://example.com/f).\n"
    after = fixed(text, "bare-url", **WRAPPED)
    assert after != text
    assert github_html(after) == github_html(text)


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("https://a.example/b.", "https://a.example/b"),
        ("https://a.example/b).", "https://a.example/b"),
        ("https://a.example/(b)", "https://a.example/(b)"),
        ("https://a.example/b&amp;", "https://a.example/b"),
        ("https://a.example/b;", "https://a.example/b"),
        ("https://a.example/b\"", "https://a.example/b"),
        ("https://a.example/b<c", "https://a.example/b"),
        ("https://a.example/b?x=1", "https://a.example/b?x=1"),
    ],
)
def test_gfm_url_end(text: str, url: str) -> None:
    assert text[: gfm_url_end(text, 0, len(text))] == url


def test_table_cells_split_at_pipes_a_backslash_does_not_escape() -> None:
    text = "| ✅ | a \\| b |c\n"
    row = text.index("\n")
    assert [text[a:b] for a, b in table_cells(text, 0, row)] == ["", " ✅ ", " a \\| b ", "c"]
    # as GFM shows the cells: the border's empty cell gone, spaces trimmed
    assert [text[a:b] for a, b in table_cells(text, 0, row, trim=True)] == ["✅", "a \\| b", "c"]


def test_a_row_at_offset_0_splits_at_its_first_pipe() -> None:
    # nothing comes before the pipe at offset 0; reading text[-1] there (the
    # backslash that ends this document) took it for an escaped pipe, and
    # the row lost its first cell
    text = "| ✅ | Done |\n|---|---|\n\nA line that ends with a backslash\\"
    row = text.index("\n")
    assert [text[a:b] for a, b in table_cells(text, 0, row, trim=True)] == ["✅", "Done"]


# -- references ------------------------------------------------------------------------------

def test_reference_rules() -> None:
    text = (
        "# Roadmap\n\n"
        "- [Search][search issue], [Sync][SYNC], [plain][], [Image][logo], [WIP] and [^1].\n"
        "- [Typo][serach-issue], [Undefined][], ![alt][nologo].\n\n"
        "[search  issue]: https://example.com/1\n"
        "[sync]: https://example.com/2\n"
        "[plain]: https://example.com/3\n"
        "[logo]: logo.png\n"
        "[Sync]: https://example.com/4\n"
        "[spare]: https://example.com/5 \"kept\"\n"
        "[^1]: footnote\n"
    )
    assert found(Source(text), "RL406", "RL407", "RL408") == [
        (4, 3, "RL406"), (4, 25, "RL406"), (4, 40, "RL406"), (10, 1, "RL408"), (11, 1, "RL407")]


def test_undefined_reference_around_and_inside_an_image() -> None:
    # cmark-gfm: `[<img alt="b" ...>][missing]` and `<a href="u">![a][nologo]</a>`, both left as text;
    # a blank label is read as none: `[text][ ]` is `[text][]`, a link when [text] is defined
    text = (
        "# R\n\n"
        "[![b][logo]][missing] and [![a][nologo]][site] and [![c][logo]][site]\n\n"
        "Collapsed: [text][ ] and [logo][\t].\n\n"
        "[logo]: logo.png\n"
        "[site]: https://example.com/\n"
    )
    assert [m for _, m in said(Source(text), "RL406")] == ["no definition for reference [missing]",
                                               "no definition for reference [nologo]",
                                               "no definition for reference [text]"]
    assert found(Source(text), "RL406") == [(3, 1, "RL406"), (3, 28, "RL406"), (5, 12, "RL406")]


def test_unused_definition_unsafe_fix_removes_its_line() -> None:
    text = "# Roadmap\n\n- [a][used]\n\n[used]: https://example.com/1\n[spare]: https://example.com/2\n  \"title\"\n> [quoted]: https://example.com/3\n"
    assert fixed(text, "unused-definition") == text
    assert fixed(text, "unused-definition", unsafe=True) == "# Roadmap\n\n- [a][used]\n\n[used]: https://example.com/1\n> [quoted]: https://example.com/3\n"


def test_empty_links() -> None:
    text = (
        "# Roadmap\n\n"
        "- [Search]() and [Sync](<>) and [](https://example.com) and [ ][r]\n"
        "- [![badge](b.svg)](https://example.com) and ![](image.png) are fine\n\n"
        "[r]: https://example.com/r\n"
    )
    assert found(Source(text), "RL409") == [(3, 3, "RL409"), (3, 18, "RL409"), (3, 33, "RL409"), (3, 61, "RL409")]


# -- tracking-link -------------------------------------------------------------------------

TRACKED = """\
# Roadmap

## [Search](https://github.com/acme/app/issues/12)

- Index titles ([#14](https://github.com/acme/app/issues/14))
- Rank results  ◀ RL411 6:1
  - nested detail
- [x] Shipped already

### Details

- Facets [#16][facets]

## Sync  ◀ RL411 14:1

- Conflict handling (#45)  ◀ RL411 16:1
- Offline mode, see https://github.com/acme/app/pull/46

## Completed

- Old work

[facets]: https://github.com/acme/app/issues/16
"""
TRACKING = {"pattern": r"^https://github\.com/acme/app/(issues|pull)/\d+", "sections": True, "items": True,
            "only": ["Search", "Sync"]}


def tracked(text: str, tracking: dict) -> list[tuple[int, int, str]]:
    return found(text, "tracking-link", spec={"extends": "generic", "tracking": tracking})


def test_tracking_link_sections_and_items() -> None:
    assert_fixture(TRACKED, "tracking-link", spec={"extends": "generic", "tracking": TRACKING})


def test_tracking_link_options() -> None:
    text, _ = fixture(TRACKED)
    assert tracked(text, {**TRACKING, "shorthand": True}) == [(6, 1, "RL411"), (14, 1, "RL411")]
    assert tracked(text, {**TRACKING, "sections": False, "nested": True, "finished": True}) == [
        (6, 1, "RL411"), (7, 3, "RL411"), (8, 1, "RL411"), (16, 1, "RL411")]
    assert tracked(text, {"pattern": TRACKING["pattern"], "sections": True, "level": 3}) == [(10, 1, "RL411")]
    assert tracked(text, {"pattern": TRACKING["pattern"], "items": True, "only": ["Completed"]}) == []
    assert tracked(text, {"pattern": TRACKING["pattern"], "items": True, "only": ["Completed"], "finished": True}) == [
        (21, 1, "RL411")]


def test_tracking_link_is_silent_without_the_spec_key() -> None:
    text, _ = fixture(TRACKED)
    assert found(Source(text), "RL411") == []


def test_tracking_link_bad_pattern_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match=r"\$\.tracking\.pattern"):
        tracked("# R\n\n## A\n", {"pattern": "(unclosed", "sections": True})


# -- the corpus ------------------------------------------------------------------------------

@pytest.mark.skipif(not CORPUS.is_dir(), reason=absent("corpus"))
def test_corpus_has_no_broken_anchor_and_no_crash(tmp_path: Path) -> None:
    # each file alone in an empty folder: its neighbours are not in the corpus
    from roadmaplint.files import read

    broken = []
    for path in sorted(p for p in CORPUS.iterdir() if p.is_file()):
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        reported = violations(read(copy), "RL4")
        broken += [f"{path.name}:{v.line}:{v.column}: {v.message}" for v in reported if v.code == "RL401"]
        copy.unlink()
    assert broken == []



def test_a_heading_with_a_line_break_counts_in_both_readings() -> None:
    # "x\ny" underlined is #xy on GitHub and #x-y where a break reads as a
    # space; the second reading counts repeats from everything before it,
    # so the later "## x y" is #x-y-1 there
    doc = load(Source("## x\n\n## x\n\nx\ny\n---\n\n## x-1\n\n## x y\n"))
    found = anchors(doc)
    assert found.slugs == ["x", "x-1", "xy", "x-1-1", "x-y"]
    assert found.names == {"top", "x", "x-1", "xy", "x-y", "x-1-1", "x-y-1"}
