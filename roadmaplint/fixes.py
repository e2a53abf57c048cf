"""Apply fixes: edits bottom-up, overlaps deferred, re-lint to a fixed point,
and a guard that refuses any result that loses text."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from .document import Document, Span, load
from .engine import Applicability, Edit, Fix, Settings, Violation, lint_document
from .source import Source

MAX_PASSES = 10
_WORD = re.compile(r"\w+")


class FixRefused(Exception):
    """A fix would lose text, touch code or not converge; nothing is written."""

    def __init__(self, rules: list[str], reason: str) -> None:
        self.rules = rules
        self.reason = reason
        super().__init__(f"fix refused ({', '.join(rules) or 'unknown rule'}): {reason}")


@dataclass
class FixResult:
    source: Source  # the fixed text (same path, BOM and newline style)
    document: Document
    remaining: list[Violation]  # violations left after fixing
    applied: Counter = field(default_factory=Counter)  # rule code -> fixes applied

    @property
    def text(self) -> str:
        return self.source.text


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    if fix is None or fix.empty:
        return False
    return fix.applicability is Applicability.SAFE or (
        unsafe and fix.applicability is Applicability.UNSAFE
    )


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (the caller guarantees it), bottom-up."""
    for edit in sorted(edits, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


def select_fixes(violations: list[Violation], unsafe: bool) -> list[Violation]:
    """The fixes one pass can apply together: each whole, none overlapping.
    Later ones that overlap an accepted fix wait for the next pass."""
    taken: list[tuple[int, int]] = []
    chosen = []
    for v in violations:
        if not allowed(v.fix, unsafe):
            continue
        assert v.fix is not None
        ranges = [(e.start, e.end) for e in v.fix.edits]
        if any(_overlap(a, b) for a in ranges for b in taken):
            continue
        taken.extend(ranges)
        chosen.append(v)
    return chosen


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # touching inserts at the same point conflict too: their order is unknown
    if a[0] == a[1] or b[0] == b[1]:
        return a[0] <= b[1] and b[0] <= a[1]
    return a[0] < b[1] and b[0] < a[1]


def fix(source: Source, settings: Settings, unsafe: bool = False) -> FixResult:
    """Fix ``source`` to a fixed point; raise :class:`FixRefused` when a pass
    would lose a word, change code, or the fixes do not settle."""
    doc = load(source)
    violations = lint_document(doc, settings)
    applied: Counter = Counter()
    for _ in range(MAX_PASSES):
        chosen = select_fixes(violations, unsafe)
        if not chosen:
            return FixResult(source, doc, violations, applied)
        edits = [e for v in chosen for e in v.fix.edits]  # type: ignore[union-attr]
        new_text = apply_edits(source.text, edits)
        changes = {}
        for v in chosen:
            if v.fix.bom is not None:  # type: ignore[union-attr]
                changes["bom"] = v.fix.bom  # type: ignore[union-attr]
            if v.fix.encoding is not None:  # type: ignore[union-attr]
                changes["encoding"] = v.fix.encoding  # type: ignore[union-attr]
                changes["encoding_certain"] = True
        if new_text == source.text and all(getattr(source, k) == v for k, v in changes.items()):
            return FixResult(source, doc, violations, applied)
        if "encoding" not in changes and not source.encodable(new_text):
            # a fix brought in a character the legacy code page cannot hold:
            # UTF-8 is the only way to write it without loss
            changes.update(encoding="utf-8", encoding_certain=True)
        new_source = source.replace(new_text, **changes)
        new_doc = load(new_source)
        guard(doc, new_doc, chosen)
        applied.update(v.code for v in chosen)
        source, doc = new_source, new_doc
        violations = lint_document(doc, settings)
    raise FixRefused(
        sorted({v.name for v in select_fixes(violations, unsafe)}),
        f"fixes did not settle after {MAX_PASSES} passes",
    )


def guard(before: Document, after: Document, chosen: list[Violation]) -> None:
    """No word is lost (moves keep their words; only fixes that declare
    ``rewrites`` may change the words they touch), and code is byte-identical."""
    rules = sorted({v.name for v in chosen})
    rewrites = sorted(
        (e.start, e.end) for v in chosen if v.fix and v.fix.rewrites for e in v.fix.edits
    )
    starts = [r[0] for r in rewrites]
    lost = Counter(_WORD.findall(before.text)) - Counter(_WORD.findall(after.text))
    if lost and rewrites:
        for m in _WORD.finditer(before.text):
            # edits are disjoint: only the last one starting before the word's
            # end can touch it
            i = bisect_right(starts, m.end())
            if i and rewrites[i - 1][1] >= m.start() and lost[m.group(0)] > 0:
                lost[m.group(0)] -= 1
        lost = +lost
    if lost:
        culprits = [v.name for v in chosen if v.fix and not v.fix.rewrites] or rules
        raise FixRefused(sorted(set(culprits)), f"the result would lose the word {next(iter(lost))!r}")
    if _code(before) != _code(after):
        raise FixRefused(rules, "the result would change a code block or code span")


def _code(doc: Document) -> Counter:
    # line endings inside code follow the file's; compare content only. A
    # fence's info string is trimmed: white space after it is not code
    fenced = {b.span.start for b in doc.walk_blocks() if b.type == "code" and b.attrs.get("style") == "fenced"}

    def content(s: Span) -> str:
        text = doc.text[s.start : s.end].replace("\r\n", "\n")
        if s.start not in fenced:
            return text
        fence, newline, rest = text.partition("\n")
        return fence.rstrip(" \t") + newline + rest

    return Counter(content(s) for s in doc.code_spans)
