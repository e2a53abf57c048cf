"""The real corpus in ../shared/corpus as a regression run: every file
checks and formats without error, formatting settles in one run, no word is
lost and code is untouched. Skipped when the corpus is absent.

The counts (files, violations per rule, fixes applied) are printed at the
end of the module's run."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from roadmaplint.document import Document, load
from roadmaplint.settings import Settings
from roadmaplint.linter import lint_document
from roadmaplint.fixes import fix
from roadmaplint.source import Source
from shared_data import SHARED, absent

CORPUS = SHARED / "corpus"
SETS = ("roadmaps", "mojibake")
FILES = sorted(p for s in SETS if (CORPUS / s).is_dir() for p in (CORPUS / s).iterdir() if p.is_file())
WORD = re.compile(r"\w+")

pytestmark = pytest.mark.skipif(not FILES, reason=absent("corpus"))


def settings() -> Settings:
    return Settings()  # what a user with no config gets


@dataclass
class Outcome:
    before: Document
    violations: list  # on the file as it is
    after: Document  # after `format`
    applied: Counter
    again: Document  # after a second `format`
    again_applied: Counter


RESULTS: dict[Path, Outcome] = {}


def outcome(path: Path) -> Outcome:
    if path not in RESULTS:
        source = Source.from_bytes(path.read_bytes(), f"{path.parent.name}/{path.name}")
        before = load(source)
        violations = lint_document(before, settings())
        first = fix(source, settings())
        second = fix(first.source, settings())
        if first.withheld:  # the guard tripped: a fix tried to lose text or change code
            pytest.fail(f"{path.name}: {first.withheld[0].code} {first.withheld[0].message}")
        RESULTS[path] = Outcome(before, violations, first.document, first.applied, second.document, second.applied)
    return RESULTS[path]


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest):
    yield
    if not RESULTS:
        return
    per_rule: Counter = Counter()
    applied: Counter = Counter()
    for o in RESULTS.values():
        per_rule.update(v.code for v in o.violations)
        applied.update(o.applied)
    sets = Counter(p.parent.name for p in RESULTS)
    lines = [
        f"corpus: {len(RESULTS)} files ({', '.join(f'{n} {s}' for s, n in sorted(sets.items()))}), "
        f"{sum(per_rule.values())} violations, {sum(applied.values())} fixes applied, "
        f"{sum(1 for o in RESULTS.values() if o.applied)} files changed by format",
        "  rule    found  fixed",
        *(f"  {code}  {per_rule[code]:5d}  {applied[code]:5d}" for code in sorted(per_rule | applied)),
    ]
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.ensure_newline()
        reporter.section("roadmaplint corpus", sep="-")
        for line in lines:
            reporter.write_line(line)
    else:  # pragma: no cover
        print("\n".join(lines))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_checks_and_formats(path: Path) -> None:
    o = outcome(path)
    assert all(0 <= v.span.start <= v.span.end <= len(o.before.text) for v in o.violations)


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_format_is_idempotent(path: Path) -> None:
    o = outcome(path)
    assert not o.again_applied, f"a second format applied {dict(o.again_applied)}"
    assert o.again.source.to_bytes() == o.after.source.to_bytes()


def _rewritten_words(o: Outcome) -> Counter:
    """Words that fixes declaring ``rewrites`` may change (mojibake, a
    mirror host, an invisible character inside a word)."""
    text = o.before.text
    allowed: Counter = Counter()
    for v in o.violations:
        if v.fix is None or not v.fix.rewrites:
            continue
        for e in v.fix.edits:
            start, end = e.start, e.end
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                start -= 1
            while end < len(text) and (text[end].isalnum() or text[end] == "_"):
                end += 1
            allowed.update(WORD.findall(text[start:end]))
    return allowed


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_no_word_lost(path: Path) -> None:
    o = outcome(path)
    lost = Counter(WORD.findall(o.before.text)) - Counter(WORD.findall(o.after.text))
    lost -= _rewritten_words(o)
    assert not lost, f"format lost {sorted(lost.elements())[:10]}"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_code_is_byte_identical(path: Path) -> None:
    o = outcome(path)

    def code(doc: Document) -> list[str]:
        # white space after a fence's info string is not code (CommonMark
        # strips it): formatting may remove it
        def content(text: str) -> str:
            if not text.startswith(("```", "~~~")):
                return text
            first, newline, rest = text.partition("\n")
            return first.rstrip(" \t\r") + newline + rest

        return sorted(content(doc.text[s.start : s.end]) for s in doc.code_spans)

    assert code(o.after) == code(o.before)
