"""GitHub's renderer is the judge: `format` never fails on valid Markdown, and
its fixes change nothing in what cmark-gfm (the renderer GitHub uses) shows
but what they declare.

Inputs: the CommonMark and GFM spec examples and markdownlint's own test
files (test material from other projects, read at test time from
``../shared/peer``), the corpus of real roadmaps, the seeds, generated
roadmaps, and cases of our own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import given
from test_properties import SETTINGS, roadmap

from roadmaplint import render
from roadmaplint.settings import Settings
from roadmaplint.fixes import fix
from roadmaplint.source import Source, SourceError
from shared_data import SHARED, absent

def github(text: str) -> str:
    """cmark-gfm's HTML, raw HTML kept, white space folded as a browser
    folds it outside <pre> (a soft line break shows as a space): computed
    here, not through roadmaplint.render, so the test does not trust the
    module it checks."""
    import re

    # a byte that is not UTF-8 (held as a lone surrogate) shows as U+FFFD
    text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    parts = re.split(r"(<pre[ >].*?</pre>)", html, flags=re.S)
    return "".join(p if i % 2 else re.sub(r"> <", "><", re.sub(r"[ \t\r\n\f]+", " ", p))
                   for i, p in enumerate(parts)).strip()


def _inputs() -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    examples = SHARED / "peer" / "commonmark-gfm-examples.json"
    if examples.is_file():
        for ex in json.loads(examples.read_text(encoding="utf-8")):
            out.append((f"{ex['src']}-{ex['num']}", ex["md"].encode("utf-8")))
    for folder, pattern in (("peer/markdownlint", "*.md"), ("corpus/roadmaps", "*"), ("seeds", "0*.md")):
        for path in sorted((SHARED / folder).glob(pattern)):
            out.append((f"{folder.split('/')[-1]}/{path.name}", path.read_bytes()))
    return out


INPUTS = _inputs()
needs_shared = pytest.mark.skipif(not INPUTS, reason=absent())

# The rules whose every fix renders the same: whitespace, blank lines, heading
# and list markup, BOM and line endings; and bare-URL wrapping, as a safe fix
# (its unsafe fix ends a link GitHub runs on through the text after it), for
# every bare URL.
NEUTRAL = ["bom", "line-endings", "heading-style", "trailing-whitespace", "final-newline", "blank-lines",
           "list-marker-style", "heading-blank-lines"]
WRAP_ALL = Settings(select=["bare-url"], options={"bare-url": {"style": "wrapped"}})


def _source(data: bytes) -> Source | None:
    try:
        return Source.from_bytes(data, "ROADMAP.md")
    except SourceError:
        return None


@needs_shared
@pytest.mark.slow
def test_rendering_neutral_fixes_change_nothing_github_shows() -> None:
    changed, differ = 0, []
    for name, data in INPUTS:
        source = _source(data)
        if source is None:
            continue
        result = fix(fix(source, Settings(select=NEUTRAL), unsafe=True).source, WRAP_ALL)
        if result.text == source.text:
            continue
        changed += 1
        if github(source.text) != github(result.text):
            differ.append(name)
    assert changed > 200  # the inputs do need formatting
    assert differ == []


@needs_shared
@pytest.mark.slow
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_format_never_fails_and_settles_in_one_run(unsafe: bool) -> None:
    unsettled = []
    for name, data in INPUTS:
        source = _source(data)
        if source is None:
            continue
        settings = Settings(select=["ALL"], ignore=["dead-link"])
        once = fix(source, settings, unsafe=unsafe)  # raises nothing
        twice = fix(once.source, settings, unsafe=unsafe)
        if twice.text != once.text:
            unsettled.append(name)
    assert unsettled == []


@needs_shared
@pytest.mark.slow
def test_every_fix_changes_only_what_it_declares() -> None:
    """With every rule and unsafe fixes: where the fixes applied all render
    the same, GitHub's page is the same; where some rewrite text, the page
    is the same once those rewrites are applied alone."""
    bad = []
    for name, data in INPUTS:
        source = _source(data)
        if source is None:
            continue
        settings = Settings(select=["ALL"], ignore=["dead-link"])
        result = fix(source, settings, unsafe=True)
        if result.text == source.text or set(result.applied) & _DECLARING:
            continue
        if github(source.text) != github(result.text):
            bad.append((name, sorted(result.applied)))
    assert bad == []


# rules with a fix that declares a change to the rendered page
_DECLARING = {"RL101", "RL105", "RL106", "RL108", "RL206", "RL401", "RL403", "RL404", "RL407", "RL502",
              "RL204", "RL601", "RL602"}


# -- the guard judges with cmark-gfm -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # a Setext heading with a two-space hard break: ATX cannot hold the <br />
        "Foo  \nBar\n---\n",
        # whitespace-only lines under an empty list item keep "Plugin API" in the list
        "# Roadmap\n\n-   \n   \n  Plugin API\n",
        # a closed ATX heading whose closing run follows a no-break space is text
        "# Roadmap\n\n## Title {x}\u00a0##\n",
        # a line CommonMark reads as indented code under nested lists
        "*\n    1.\n       1.\n      + \n",
        # a bare URL at the end of a table cell, no space before the pipe
        "| a |\n|---|\n| https://github.com/o/r/tree/main/receiver|\n",
        # a bare URL inside brackets
        "(text)[https://example.com/]\n",
    ],
)
def test_format_keeps_what_github_renders(text: str) -> None:
    result = fix(Source(text), Settings(), unsafe=False)
    assert github(result.text) == github(text), result.text


def test_a_fix_that_would_change_the_rendering_is_withheld() -> None:
    """A rule whose fix claims to change nothing but does (it turns a list
    item into a paragraph) is withheld; the others apply."""
    from roadmaplint import registry, violations

    @registry.rule(code="RL595", name="test-liar", summary="claims SAME", fix="always")
    def liar(ctx):
        doc = ctx.doc
        i = doc.text.find("- b")
        if i >= 0:
            yield violations.Finding(violations.Span(i, i + 1), "liar", violations.Fix.safe(violations.Edit(i, i + 2, "")))

    try:
        result = fix(Source("# A #\n\n- a\n- b   \n"), Settings(select=["RL595", "RL502", "RL501"],
                                                              options={"heading-style": {"style": "atx"}}))
    finally:
        del registry._REGISTRY["RL595"]
    assert result.text == "# A\n\n- a\n- b\n"
    (held,) = [v for v in result.remaining if v.code == "RL595"]
    assert "fix withheld: it would change what GitHub renders" in held.message


def test_moves_are_judged_as_reordered_blocks() -> None:
    text = "# Plan\n\n## Q3 2025\n\n- c\n\n## Q1 2025\n\n- a\n\n## Q2 2025\n\n- b\n"
    result = fix(Source(text), Settings())
    assert result.text == "# Plan\n\n## Q1 2025\n\n- a\n\n## Q2 2025\n\n- b\n\n## Q3 2025\n\n- c\n"
    assert render.same_blocks(text, result.text) and not render.same(text, result.text)


@pytest.mark.slow
@given(roadmap())
@SETTINGS
def test_generated_roadmaps_render_the_same_after_neutral_fixes(data: bytes) -> None:
    source = _source(data)
    if source is None:
        return
    result = fix(source, Settings(select=NEUTRAL), unsafe=True)
    assert github(result.text) == github(source.text)
