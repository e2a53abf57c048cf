"""Apply fixes: edits bottom-up, overlaps deferred, re-lint to a fixed point,
and a guard that withholds any fix whose result would lose text or change code
(the other fixes still apply)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from typing import Any, Iterable
from itertools import accumulate

from .document import Document, Span, load
from .linter import lint_document
from .settings import Settings
from .violations import Applicability, Edit, Fix, Record, Rendering, Violation
from .source import Source

MAX_PASSES = 10
# Letters and digits: `_` is Markdown markup (emphasis) as much as text, and
# markup a fix adds or moves (`<url>_`) must not split or join "words".
# Bytes that are not UTF-8 (lone surrogates) count as words of their own:
# only a fix that declares ``rewrites`` may replace them.
_WORD = re.compile("[^\\W_]+|[\udc80-\udcff]+")
_EOL = re.compile(r"\r\n?")


class FixRefused(Exception):
    """Raised by :func:`guard` (a single fix checked on its own, as the
    editor's quick fixes do); :func:`fix` withholds such fixes instead."""

    def __init__(self, rules: list[str], reason: str) -> None:
        self.rules = rules
        self.reason = reason
        super().__init__(f"fix refused ({', '.join(rules) or 'unknown rule'}): {reason}")


class FixResult(Record):
    __slots__ = _fields = ("source", "document", "remaining", "applied", "withheld")

    def __init__(self, source: Source, document: Document, remaining: list[Violation],
                 applied: Counter | None = None, withheld: list[Violation] | None = None) -> None:
        self.source = source  # the fixed text (same path, BOM and newline style)
        self.document = document
        self.remaining = remaining  # violations left after fixing
        self.applied = Counter() if applied is None else applied  # rule code -> fixes applied
        # the violations in ``remaining`` whose fix was withheld (the reason
        # ends their message; they carry no fix)
        self.withheld = [] if withheld is None else withheld

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
    ordered = sorted(edits, reverse=True)
    if all(lower.end <= upper.start for upper, lower in zip(ordered, ordered[1:])):
        # the text cut once: what applying them one by one from the bottom
        # gives, in time linear in the text
        parts: list[str] = []
        at = len(text)
        for edit in ordered:
            parts += (text[edit.end : at], edit.replacement)
            at = edit.start
        parts.append(text[:at])
        return "".join(reversed(parts))
    for edit in ordered:
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


def select_fixes(violations: list[Violation], unsafe: bool) -> list[Violation]:
    """The fixes one pass can apply together: each whole, none overlapping.
    Later ones that overlap an accepted fix wait for the next pass."""
    taken = _Taken()
    chosen = []
    for v in violations:
        if not allowed(v.fix, unsafe):
            continue
        assert v.fix is not None
        ranges = [(e.start, e.end) for e in v.fix.edits]
        if any(taken.overlaps(a) for a in ranges):
            continue
        taken.extend(ranges)
        chosen.append(v)
    return chosen


class _Taken:
    """The ranges the accepted fixes edit, sorted, answering whether a range
    overlaps any of them (:func:`_overlap`) by looking only at those that end
    at or after its start. That holds while the ranges' ends rise with their
    starts (ranges that do not overlap); should one nest in another (two
    edits of one fix), every range is asked, as before."""

    def __init__(self) -> None:
        self.ranges: list[tuple[int, int]] = []
        self.nested = False

    def overlaps(self, a: tuple[int, int]) -> bool:
        ranges = self.ranges
        if self.nested:
            return any(_overlap(a, b) for b in ranges)
        # the ranges that start at or before a's end, the last first; once
        # one ends before a starts, all before it do too
        i = bisect_left(ranges, (a[1] + 1, -1))
        while i:
            i -= 1
            b = ranges[i]
            if b[1] < a[0]:
                return False
            if _overlap(a, b):
                return True
        return False

    def extend(self, new: list[tuple[int, int]]) -> None:
        ranges = self.ranges
        for r in new:
            i = bisect_right(ranges, r)
            ranges.insert(i, r)
            if (i and ranges[i - 1][1] > r[1]) or (i + 1 < len(ranges) and r[1] > ranges[i + 1][1]):
                self.nested = True


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # touching inserts at the same point conflict too: their order is unknown
    if a[0] == a[1] or b[0] == b[1]:
        return a[0] <= b[1] and b[0] <= a[1]
    return a[0] < b[1] and b[0] < a[1]


def fix(source: Source, settings: Settings, unsafe: bool = False) -> FixResult:
    """Fix ``source`` to a fixed point. A fix that would lose a word or change
    code, or that keeps changing the text, is withheld: it stays in
    ``remaining`` with the reason in its message and no fix; every other fix
    applies. Never raises for the document's content."""
    doc = load(source)
    violations = lint_document(doc, settings)
    applied: Counter = Counter()
    withheld: dict[tuple, str] = {}  # fix key (in the current text) -> reason
    retried: dict[tuple, str] = {}  # withheld fixes already tried again alone
    for _ in range(MAX_PASSES):
        chosen = select_fixes(_offered(violations, withheld), unsafe)
        if not chosen:
            # a fix withheld for what others did with it in one pass may
            # pass alone now: try each once more, by itself
            chosen = _retry(source, doc, violations, withheld, retried, unsafe)
            if not chosen:
                return _result(source, doc, violations, applied, withheld)
            for v in chosen:
                del withheld[_key(v)]
        new_source = _apply(source, chosen)
        if new_source is None:  # nothing would change
            return _result(source, doc, violations, applied, withheld)
        new_doc = load(new_source)
        try:
            guard(doc, new_doc, chosen)
        except FixRefused:
            # only now (rare) find the fixes that trip the guard
            chosen, new_source, new_doc, refused = _settle(source, doc, chosen)
            for v, why in refused:
                withheld[_key(v)] = why
            if not chosen:
                continue  # re-offer what is left, without the withheld ones
            # what is left passes the guard: _settle checked it
        withheld, retried = _shift(withheld, chosen), _shift(retried, chosen)
        applied.update(v.code for v in chosen)
        source, doc = new_source, new_doc
        violations = lint_document(doc, settings)
    for v in select_fixes(_offered(violations, withheld), unsafe):
        withheld[_key(v)] = f"it does not settle after {MAX_PASSES} passes"
    return _result(source, doc, violations, applied, withheld)


def _retry(source: Source, doc: Document, violations: list[Violation], withheld: dict[tuple, str],
           retried: dict[tuple, str], unsafe: bool) -> list[Violation]:
    """The first withheld fix not tried alone yet that passes the guard by
    itself (a one-fix list), or []. Each is tried once per run."""
    words: _Words | None = None
    for v in select_fixes([v for v in violations if v.fix is not None and _key(v) in withheld], unsafe):
        key = _key(v)
        if key in retried:
            continue
        retried[key] = withheld[key]
        if words is None:
            words = _Words(doc)
        if words.problem([v]) is not None:
            continue  # it loses a word: no need to parse the text it makes
        region = _region(source, doc, v)
        if region is not None and _screen_region(source, doc.text[region[0]:region[1]], region[0], [v], words)[1]:
            continue  # refused in its own stretch of text: no need to parse the whole
        new = _apply(source, [v])
        if new is not None and problem(doc, load(new), [v]) is None:
            return [v]
    return []


def _apply(source: Source, chosen: list[Violation]) -> Source | None:
    """The source with ``chosen`` applied; None when nothing would change."""
    edits = [e for v in chosen for e in v.fix.edits]  # type: ignore[union-attr]
    new_text = apply_edits(source.text, edits)
    changes: dict[str, object] = {}
    for v in chosen:
        if v.fix.bom is not None:  # type: ignore[union-attr]
            changes["bom"] = v.fix.bom  # type: ignore[union-attr]
        if v.fix.encoding is not None:  # type: ignore[union-attr]
            changes["encoding"] = v.fix.encoding  # type: ignore[union-attr]
            changes["encoding_certain"] = True
    if new_text == source.text and all(getattr(source, k) == v for k, v in changes.items()):
        return None
    if "encoding" not in changes and not source.encodable(new_text):
        # a fix brought in a character the legacy code page cannot hold:
        # UTF-8 is the only way to write it without loss
        changes.update(encoding="utf-8", encoding_certain=True)
    return source.replace(new_text, **changes)


def _settle(source: Source, doc: Document, chosen: list[Violation]):
    """Split ``chosen`` (whose combination trips the guard) into the largest
    prefix-greedy set that passes and the fixes withheld, with reasons.
    Each withheld fix costs a binary search over the rest: O(log n) loads."""
    refused: list[tuple[Violation, str]] = []
    rest = list(chosen)
    words = _Words(doc)
    if len(rest) > 1:
        # most refusals are found in the stretch of text around the fix,
        # without parsing the whole text once per refusal (which made many
        # refusals grow with the square of the text); what is left is still
        # judged on the whole text below
        rest, refused = _screen(source, doc, rest, words)

    def attempt(vs: list[Violation]):
        # the word check first, on the text the edits touch: most refusals
        # end there, without parsing the whole text they would make
        why = words.problem(vs)
        if why is not None:
            return why, None
        new = _apply(source, vs)
        if new is None:
            return None, (source, doc)
        new_doc = load(new)
        return problem(doc, new_doc, vs), (new, new_doc)

    accepted, best, held = _prefix_greedy(rest, attempt, (source, doc))
    refused += held
    if not accepted:
        return [], source, doc, refused
    return accepted, best[0], best[1], refused


def _prefix_greedy(items: list, attempt, result: Any = None) -> tuple[list, Any, list[tuple[Any, str]]]:
    """The largest prefix-greedy part of ``items`` that passes: ``attempt(some)``
    gives (the reason they fail, or None; what they make). Each refusal costs
    a binary search over what is left. Returns (the items accepted, what
    they make, or ``result`` when none is; the items refused, with reasons)."""
    accepted: list = []
    refused: list[tuple[Any, str]] = []
    rest = list(items)
    while rest:
        reason, made = attempt(accepted + rest)
        if reason is None:
            return accepted + rest, made, refused
        # the shortest failing prefix of rest: rest[:lo] passes, rest[:hi] fails
        lo, hi, why = 0, len(rest), reason
        passed = result  # what accepted + rest[:lo] makes
        while hi - lo > 1:
            mid = (lo + hi) // 2
            r, res = attempt(accepted + rest[:mid])
            if r is None:
                lo, passed = mid, res
            else:
                hi, why = mid, r
        result = passed
        accepted += rest[:lo]
        refused.append((rest[hi - 1], why))
        rest = rest[hi:]
    return accepted, result, refused


def _screen(source: Source, doc: Document, chosen: list[Violation],
            words: _Words) -> tuple[list[Violation], list[tuple[Violation, str]]]:
    """``chosen`` split into the fixes that pass the guard in their region
    (:func:`_region`) and those that do not, with the reason. Fixes whose
    regions overlap are judged together, prefix-greedy as :func:`_settle`
    judges them; fixes without a region are kept, for the whole text."""
    spans: list[tuple[int, int, int]] = []  # (lo, hi, index in chosen)
    kept: set[int] = set()
    for i, v in enumerate(chosen):
        region = _region(source, doc, v)
        if region is None:
            kept.add(i)
        else:
            spans.append((*region, i))
    refused: list[tuple[Violation, str]] = []
    spans.sort()
    k = 0
    while k < len(spans):
        lo, hi, _ = spans[k]
        group = [spans[k][2]]
        k += 1
        while k < len(spans) and spans[k][0] < hi:
            hi = max(hi, spans[k][1])
            group.append(spans[k][2])
            k += 1
        group.sort()
        ok, bad = _screen_region(source, doc.text[lo:hi], lo, [chosen[i] for i in group], words)
        kept.update(i for i, passed in zip(group, ok) if passed)
        refused += bad
    return [v for i, v in enumerate(chosen) if i in kept], refused


def _start(block) -> int:
    return block.span.start


def _region(source: Source, doc: Document, v: Violation) -> tuple[int, int] | None:
    """The stretch of text a fix is judged in before the whole text is: the
    top-level blocks its edits touch (and the blank lines between), as whole
    lines. None for a fix that changes the file as a whole (a byte-order
    mark, an encoding), inserts sections or touches the front matter."""
    f = v.fix
    assert f is not None
    fm = doc.front_matter
    if (f.bom is not None or f.encoding is not None or f.inserts or not f.edits
            or (fm is not None and any(fm.touches(e.start, e.end) for e in f.edits))):
        return None
    blocks = doc.blocks
    a, b = min(e.start for e in f.edits), max(e.end for e in f.edits)
    first = bisect_right(blocks, a, key=_start) - 1  # the block that holds a, or the last before it
    last = max(first, bisect_left(blocks, b, key=_start) - 1)  # the last block that starts before b
    lo = 0 if first < 0 else min(a, blocks[first].span.start)
    hi = max(b, blocks[last].span.end) if last >= 0 else b
    lo = source.line_start(source.line_of(lo))
    line = source.line_of(max(lo, hi - 1))
    hi = source.line_start(line + 1) if line + 1 < source.line_count else len(source.text)
    return lo, hi


def _screen_region(source: Source, region: str, lo: int, vs: list[Violation],
                   words: _Words) -> tuple[list[bool], list[tuple[Violation, str]]]:
    """Whether each fix passes when judged on ``region`` (the text from
    offset ``lo``), and those refused, with reasons. Words are counted as
    in the whole text (the word named is the first lost in it)."""
    shifted = [v.replace(fix=v.fix.replace(edits=tuple(Edit(e.start - lo, e.end - lo, e.replacement)  # type: ignore[union-attr]
                                                       for e in v.fix.edits)))  # type: ignore[union-attr]
               for v in vs]
    before = load(source.replace(region))

    def judge(idx: list[int]) -> tuple[str | None, None]:
        why = words.problem([vs[i] for i in idx])
        if why is None:
            some = [shifted[i] for i in idx]
            new = apply_edits(region, [e for v in some for e in v.fix.edits])  # type: ignore[union-attr]
            why = problem(before, load(source.replace(new)), some)
        return why, None

    passed, _, refused = _prefix_greedy(list(range(len(vs))), judge)
    ok = set(passed)
    return [i in ok for i in range(len(vs))], [(vs[i], why) for i, why in refused]


_WORD_CHAR = re.compile("[^\\W_]|[\udc80-\udcff]")


class _Words:
    """The word check of :func:`problem` for fixes of one document, counted
    only in the stretches of text their edits touch (each widened to the
    word characters around it). Words elsewhere are the same before and
    after, so the words lost are the same; the one named is the lost word
    that comes first in the whole text, as :func:`problem` names it."""

    def __init__(self, doc: Document) -> None:
        self.text = doc.text
        self._first: dict[str, int] | None = None

    def first(self, word: str) -> int:
        if self._first is None:
            first: dict[str, int] = {}
            for m in _WORD.finditer(self.text):
                first.setdefault(m.group(0), m.start())
            self._first = first
        return self._first[word]

    def problem(self, chosen: list[Violation]) -> str | None:
        """Why :func:`problem` would refuse ``chosen`` for a lost word, or
        None (then the other checks decide)."""
        text = self.text
        edits = sorted((e.start, e.end, e.replacement) for v in chosen if v.fix for e in v.fix.edits)
        if not edits:
            return None
        if any(b[0] < a[1] for a, b in zip(edits, edits[1:])):
            # edits that overlap: counted on the whole text, as problem does
            return _lost_reason(text, apply_edits(text, [Edit(*e) for e in edits]), chosen)
        # the stretches, widened to word characters and merged when they meet
        regions: list[list] = []
        for s, e, r in edits:
            a, b = s, e
            while a > 0 and _WORD_CHAR.match(text, a - 1):
                a -= 1
            while b < len(text) and _WORD_CHAR.match(text, b):
                b += 1
            if regions and a <= regions[-1][1]:
                regions[-1][1] = max(regions[-1][1], b)
                regions[-1][2].append((s, e, r))
            else:
                regions.append([a, b, [(s, e, r)]])
        was: Counter = Counter()
        now: Counter = Counter()
        for a, b, group in regions:
            was.update(_WORD.findall(text, a, b))
            parts, at = [], a
            for s, e, r in group:
                parts += (text[at:s], r)
                at = e
            parts.append(text[at:b])
            now.update(_WORD.findall("".join(parts)))
        lost = was - now
        if not lost:
            return None
        lost = _forgiven(lost, (m for a, b, _ in regions for m in _WORD.finditer(text, a, b)), chosen)
        if lost:
            return f"it would lose the word {min(lost, key=self.first)!r}"
        return None


def _key(v: Violation) -> tuple:
    assert v.fix is not None
    return (v.code, tuple((e.start, e.end, e.replacement) for e in v.fix.edits), v.fix.bom, v.fix.encoding)


def _offered(violations: list[Violation], withheld: dict[tuple, str]) -> list[Violation]:
    if not withheld:
        return violations
    return [v for v in violations if v.fix is None or _key(v) not in withheld]


def _shift(withheld: dict[tuple, str], chosen: list[Violation]) -> dict[tuple, str]:
    """Withheld fixes' keys moved to the text after ``chosen`` applies (their
    edits never overlap the applied ones)."""
    if not withheld:
        return withheld
    edits = sorted((e.start, e.end, len(e.replacement) - (e.end - e.start))
                   for v in chosen for e in v.fix.edits)  # type: ignore[union-attr]

    starts, ends = [s for s, _, _ in edits], [e for _, e, _ in edits]
    if all(a <= b for a, b in zip(ends, ends[1:])):
        # the edits that end at or before o and start before it: the
        # shorter of two prefixes, ends rising with starts
        sums = [0, *accumulate(d for _, _, d in edits)]

        def moved(o: int) -> int:
            return o + sums[min(bisect_right(ends, o), bisect_left(starts, o))]
    else:
        def moved(o: int) -> int:
            return o + sum(d for s, e, d in edits if e <= o and s < o)

    out = {}
    for (code, edits_, bom, enc), why in withheld.items():
        out[(code, tuple((moved(s), moved(s) + (e - s), r) for s, e, r in edits_), bom, enc)] = why
    return out


def _result(source: Source, doc: Document, violations: list[Violation], applied: Counter,
            withheld: dict[tuple, str]) -> FixResult:
    """The result, withheld fixes reported as their violation: the reason
    appended to the message, no fix."""
    if not withheld:
        return FixResult(source, doc, violations, applied)
    out, held = [], []
    for v in violations:
        why = withheld.get(_key(v)) if v.fix is not None else None
        if why is not None:
            v = v.replace(message=f"{v.message} (fix withheld: {why})", fix=None)
            held.append(v)
        out.append(v)
    return FixResult(source, doc, out, applied, held)


def problem(before: Document, after: Document, chosen: list[Violation]) -> str | None:
    """Why ``after`` is not an acceptable result of ``chosen`` (see
    :func:`guard`), or None."""
    why = _lost_reason(before.text, after.text, chosen)
    if why is not None:
        return why
    # an unsafe fix that rewrites words may repair the code it edits (a
    # mirror URL, mojibake quoted in code); every other piece of code stays
    touched = sorted((e.start, e.end) for v in chosen
                     if v.fix and v.fix.rewrites and v.fix.applicability is Applicability.UNSAFE for e in v.fix.edits)
    kept, changed = _code(before, touched), _code(after)
    if len(before.code_spans) != len(after.code_spans) or kept - changed:
        return "it would change a code block or code span"
    return (_front_matter_problem(before, after, chosen) or _insertion_problem(before, chosen)
            or _rendering_problem(before, after, chosen))


def _lost_reason(before: str, after: str, chosen: list[Violation]) -> str | None:
    """The word ``after`` lost (the first in ``before``), but those the
    fixes that declare ``rewrites`` touch, as a reason; or None."""
    lost = Counter(_WORD.findall(before)) - Counter(_WORD.findall(after))
    if lost:
        lost = _forgiven(lost, _WORD.finditer(before), chosen)
    if lost:
        return f"it would lose the word {next(iter(lost))!r}"
    return None


def _forgiven(lost: Counter, words: Iterable[re.Match[str]], chosen: list[Violation]) -> Counter:
    """``lost`` less the words (matches in the text before, in order) that
    the edits of fixes declaring ``rewrites`` touch."""
    rewrites = sorted(
        (e.start, e.end) for v in chosen if v.fix and v.fix.rewrites for e in v.fix.edits
    )
    if not rewrites:
        return lost
    starts = [r[0] for r in rewrites]
    for m in words:
        # edits are disjoint: only the last one starting before the word's
        # end can touch it
        i = bisect_right(starts, m.end())
        if i and rewrites[i - 1][1] >= m.start() and lost[m.group(0)] > 0:
            lost[m.group(0)] -= 1
    return +lost


def guard(before: Document, after: Document, chosen: list[Violation]) -> None:
    """No word is lost (moves keep their words; only fixes that declare
    ``rewrites`` may change the words they touch), code is byte-identical
    apart from line endings, and the front matter is untouched. Raises
    :class:`FixRefused`."""
    reason = problem(before, after, chosen)
    if reason is not None:
        raise FixRefused(sorted({v.name for v in chosen}), reason)


def _rendering_problem(before: Document, after: Document, chosen: list[Violation]) -> str | None:
    """Each fix changes no more of what GitHub renders (cmark-gfm) than it
    declares: a fix that renders the SAME adds nothing to what the others
    change; moves (REORDERED) keep every rendered block; a REWRITTEN fix
    changes the text it names and nothing around it."""
    from . import render

    declared = [v for v in chosen if v.fix is not None and v.fix.renders is not Rendering.SAME]
    if not declared:
        return None if render.same(before.text, after.text) else "it would change what GitHub renders"
    # the text with only the declared changes: the rest must render alike
    edits = [e for v in declared for e in v.fix.edits]  # type: ignore[union-attr]
    mid = apply_edits(before.text, edits)
    if len(declared) < len(chosen) and not render.same(mid, after.text):
        return "it would change what GitHub renders"
    moves = [e for v in declared if v.fix.renders is Rendering.REORDERED for e in v.fix.edits]  # type: ignore[union-attr]
    rewrites = [e for v in declared if v.fix.renders is Rendering.REWRITTEN for e in v.fix.edits]  # type: ignore[union-attr]
    if moves and not render.same_blocks(before.text, apply_edits(before.text, moves)):
        return "it would change what GitHub renders, not only the order of its blocks"
    if rewrites:  # judged on their own: moves and restructured blocks aside
        only = mid if len(rewrites) == len(edits) else apply_edits(before.text, rewrites)
        if not render.rewritten_only(before.text, only, rewrites):
            return "it would change what GitHub renders beyond the text it rewrites"
    return None


_PIECES = re.compile(r"(?<=>)\s*(?=<)")  # between two tags of rendered HTML (a <pre> block's too)


def _insertion_problem(before: Document, chosen: list[Violation]) -> str | None:
    """Fixes that declare ``inserts`` (a missing section) only insert text,
    and what GitHub renders gains the blocks of the inserted text (each
    rendered alone) and changes in nothing else: no existing block becomes
    another (a paragraph a Setext heading, a tight list a loose one)."""
    edits = [e for v in chosen if v.fix is not None and v.fix.inserts for e in v.fix.edits]
    if not edits:
        return None
    if any(e.start != e.end for e in edits):
        return "it would replace text, not only insert it"
    from . import render

    def pieces(text: str) -> Counter:
        return Counter(p for p in _PIECES.split(render.html(text)) if p)

    added = sum((pieces(e.replacement) for e in edits), Counter())
    if pieces(apply_edits(before.text, edits)) != pieces(before.text) + added:
        return "it would change what GitHub renders beyond the blocks it inserts"
    return None


def _front_matter_problem(before: Document, after: Document, chosen: list[Violation]) -> str | None:
    """No edit touches the front matter, and the fixed text opens with the
    same front matter, character for character. (A fix may uncover one: a
    stray second byte-order mark removed before a `---` block.)"""
    fm = before.front_matter
    if fm is None:
        return None
    if any(fm.touches(e.start, e.end) for v in chosen if v.fix for e in v.fix.edits):
        return "it would change the front matter"
    if after.front_matter is None or after.front_matter.raw != fm.raw:
        return "it would change the front matter"
    return None


def _code(doc: Document, touched: list[tuple[int, int]] | tuple = ()) -> Counter:
    """The pieces of code, but those an edit in ``touched`` (sorted,
    disjoint) overlaps. Line endings inside code follow the file's: compare
    content only. A fence's info string is trimmed: white space after it is
    not code."""
    starts = [a for a, _ in touched]
    fenced = {b.span.start for b in doc.walk_blocks() if b.type == "code" and b.attrs.get("style") == "fenced"}

    def edited(start: int, end: int) -> bool:
        i = bisect_left(starts, end)  # the edits that start before the piece ends
        return i > 0 and touched[i - 1][1] > start

    def content(s: Span) -> str:
        text = _EOL.sub("\n", doc.text[s.start : s.end])
        if s.start not in fenced:
            return text
        fence, newline, rest = text.partition("\n")
        return fence.rstrip(" \t") + newline + rest

    return Counter(content(s) for s in doc.code_spans if not (touched and edited(s.start, s.end)))
