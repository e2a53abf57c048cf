"""Order and date rules (RL6xx): milestones in calendar order, items in
status order, overdue work and stale roadmaps."""

from __future__ import annotations

import bisect
import re
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Iterator

from .. import dates as D
from ..document import Document, Item, Section, Span
from ..lazyre import fold_case
from ..registry import Context, find_rule, rule
from ..violations import Finding, Fix, Rendering
from ..util import majority
from ..lazyre import lazy

if TYPE_CHECKING:
    from ..binding import Bound


# -- RL601 milestone-order -------------------------------------------------------------


def _misplaced(keys: list[Any], descending: bool) -> list[tuple[int, int, bool]]:
    """(misplaced sibling, the sibling it should precede or follow, True
    for precede) for each sibling out of place in the given direction: the
    siblings outside a longest run already in order. "Later" siblings
    belong last when ascending and stay where they are when descending."""
    rank = D.ranks(keys)
    top = len(rank)
    where: list[int] = []
    seq: list[int] = []
    for i, k in enumerate(keys):
        if k is None or (k == "later" and descending):
            continue
        r = top if k == "later" else rank[k]
        where.append(i)
        seq.append(-r if descending else r)
    keep = D.longest_run(seq)
    kept = set(keep)
    values = [seq[p] for p in keep]  # non-decreasing
    out = []
    for p, value in enumerate(seq):
        if p in kept:
            continue
        # kept siblings before it that should come after it, or after it
        # that should come before it; one exists, or the run were longer
        n_before = bisect.bisect_left(keep, p)
        first_greater = bisect.bisect_right(values, value, 0, n_before)
        if first_greater < n_before:
            out.append((where[p], where[keep[first_greater]], True))
        else:
            last_smaller = bisect.bisect_left(values, value, n_before) - 1
            out.append((where[p], where[keep[last_smaller]], False))
    return out


def _target(keys: list[Any], descending: bool) -> list[int]:
    """The order that sorts the siblings: "later" ones last, or where they
    are when descending; ties keep their order."""
    if not descending:
        from ..moves import stable_order  # moves.py: imported when an order is judged

        return stable_order([(1, ()) if k == "later" else (0, k) for k in keys])
    moving = [i for i, k in enumerate(keys) if k != "later"]
    ranked = sorted(moving, key=lambda i: keys[i], reverse=True)
    # sorted(reverse=True) keeps ties in order, as a stable sort must
    order = list(range(len(keys)))
    for slot, i in zip(moving, ranked):
        order[slot] = i
    return order


# a version or period marked as not yet scheduled is a "Later": "v3
# candidates (unscheduled)", "v2.0 (tentative)", "v3 候选(未排期)"; a
# release candidate ("v2.0 RC", "v2.0 release candidate") is a milestone
_UNSCHEDULED = lazy(
    r"(?i)(?<!release )(?<!release-)\bcandidates?\b|\b(?:proposed|tentative|unscheduled|not\s+(?:yet\s+)?scheduled"
    r"|unplanned|tbd|tba)\b|候选|未排期|未规划|待定"
)
_LATER_NAME = D.Name(later=True)
# a word every match of _UNSCHEDULED's ASCII branches holds
_UNSCHEDULED_WORDS = ("candidate", "proposed", "tentative", "scheduled", "unplanned", "tbd", "tba")
_UNSCHEDULED_ANY = (*_UNSCHEDULED_WORDS, "候选", "未排期", "未规划", "待定")


def _unscheduled(title: str) -> bool:
    """Whether ``title`` marks a milestone as not yet scheduled; text without
    one of the words (in lazyre.fold_case's sense) is settled without the regex."""
    # fold_case(title), which leaves the CJK words as they are: lower() but
    # for the four letters it folds first
    if title.isascii() or not ("\u0130" in title or "\u0131" in title or "\u017f" in title or "\u212a" in title):
        low = title.lower()
    else:
        low = fold_case(title)
    for word in _UNSCHEDULED_ANY:
        if word in low:
            return _UNSCHEDULED.search(title) is not None
    return False


# the spec's `order` of a level, and the direction it fixes
DIRECTIONS = {"chronological": False, "reverse-chronological": True}


def _check_siblings(titles: list[str], year: int | None, fixed: bool | None, weak: bool
                    ) -> tuple[list[int], list[tuple[int, int, bool]], bool, str | None] | None:
    """(sorted order, the misplaced siblings, descending, the title of a
    sibling without a name), or None when the siblings are no milestone
    list or are in order. ``fixed`` is the direction the spec or the
    options give (True: newest first), None to follow the siblings' own.
    The order is empty when a sibling names no period (report, but no fix)."""
    # D.milestones wants two siblings that carry a period or a version
    may = 0
    for t in titles:
        if D.may_name(t):
            may += 1
            if may == 2:
                break
    if may < 2:
        return None
    found = D.milestones([_LATER_NAME if _unscheduled(t) else D.name_of(t, year) for t in titles], weak)
    if found is None:
        return None
    _, keys = found
    descending = D.direction(keys) if fixed is None else fixed
    wrong = _misplaced(keys, descending)
    if not wrong:
        return None
    missing = next((titles[i] for i, k in enumerate(keys) if k is None), None)
    order = _target(keys, descending) if missing is None else []
    return order, wrong, descending, missing


def _message(bad: str, other: str, precede: bool, descending: bool, missing: str | None) -> str:
    where = "before" if precede else "after"
    text = (f"\"{_short(bad)}\" should come {where} \"{_short(other)}\" in a list ordered "
            f"{'newest' if descending else 'oldest'} first")
    if missing is not None:
        text += f" (no fix: \"{_short(missing)}\" names no date or version)"
    return text


def _spec_direction(bound: Bound, parent: Section) -> bool | None:
    """The direction the spec fixes for the children of ``parent``: its
    `order` where that is chronological or reverse-chronological."""
    if parent is bound.container:
        return DIRECTIONS.get(bound.spec.order)
    spec = bound.section_spec(parent)
    return DIRECTIONS.get(spec.order) if spec is not None else None


@rule(code="RL601", name="milestone-order", severity="warning", fix="sometimes",
      summary="Sections or items named by periods (Q3 2025, June 2025, v1.2) are out of the order the document uses.",
      options={"order": {"enum": ["auto", "ascending", "descending"], "default": "auto",
                         "description": "`auto` follows the order each list already mostly has; "
                                        "`ascending` (oldest first) or `descending` (newest first) fixes it."}})
def milestone_order(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    fixed = {"ascending": False, "descending": True}.get(ctx.options.order)
    for section, year in _sections_with_year(doc):
        children = [c for c in section.children if c.heading is not None]
        spec_fixed = _spec_direction(ctx.bound, section)
        found = _check_siblings([c.title for c in children], year,
                                fixed if spec_fixed is None else spec_fixed, weak=True)
        if found is not None:
            order, wrong, descending, missing = found
            from ..moves import move_sections  # moves.py: imported by the first siblings out of order

            edit = move_sections(doc, children, order) if order else None
            fix = Fix.safe(edit, effect=Rendering.REORDERED) if edit else None
            for bad, other, precede in wrong:
                yield Finding(children[bad].heading.span,  # type: ignore[union-attr]
                              _message(children[bad].title, children[other].title, precede, descending, missing),
                              fix)
                fix = None  # one move puts every sibling in place
        for items in _lists(section):
            found = _check_siblings([it.text for it in items], year, fixed, weak=False)
            if found is not None:
                order, wrong, descending, missing = found
                from ..moves import move_items

                edit = move_items(doc, items, order) if order else None
                fix = Fix.safe(edit, effect=Rendering.REORDERED) if edit else None
                for bad, other, precede in wrong:
                    yield Finding(_item_span(items[bad]),
                                  _message(items[bad].text, items[other].text, precede, descending, missing), fix)
                    fix = None


def _sections_with_year(doc: Document) -> list[tuple[Section, int | None]]:
    """Each section with D.context_year(section, [*parents, section]), the
    year read down the tree once rather than up each section's parents."""
    out: list[tuple[Section, int | None]] = []

    def rec(section: Section, above: int | None) -> None:
        own = D.heading_year(section)
        year = above if own is None else own
        out.append((section, year))
        for child in section.children:
            rec(child, year)

    rec(doc.root, None)
    return out


def _sections(doc: Document) -> Iterator[tuple[Section, list[Section]]]:
    def rec(section: Section, parents: list[Section]):
        yield section, parents
        for child in section.children:
            yield from rec(child, [*parents, section])

    yield from rec(doc.root, [])


def _lists(section: Section) -> Iterator[list[Item]]:
    """The items of each list in a section, one list at a time, nested lists too."""
    if not section.items:
        return
    by_block = {id(it.block): it for it in D.walk_items(section.items)}

    def rec(block) -> Iterator[list[Item]]:
        group = [by_block[id(li)] for li in block.children if id(li) in by_block]
        if group:
            yield group
        for li in block.children:
            for child in li.children:
                if child.type == "list":
                    yield from rec(child)

    for block in section.blocks:
        if block.type == "list":
            yield from rec(block)


def _item_span(item: Item) -> Span:
    return Span(item.span.start, item.marker_span.end)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- RL602 item-order --------------------------------------------------------------------

_PRIORITY = lazy(
    r"(?<![\w-])(?:P([0-4])|priority[:\s]+(critical|high|medium|low|[0-4]))(?![\w-])|\[(P[0-4]|critical|high|medium|low)\]",
    re.I,
)
_LEVELS = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _priority(text: str) -> int | None:
    m = _PRIORITY.search(text)
    if not m:
        return None
    word = (m.group(1) or m.group(2) or m.group(3) or "").lower()
    word = word[1:] if word.startswith("p") else word
    return int(word) if word.isdigit() else _LEVELS.get(word)


def _item_order_settings(spec_order: Any, options: Any, default: list[str]) -> tuple[str, list[str], bool]:
    """(by, statuses, given) from the rule's options, replaced by the spec's
    ``items.order`` where it has one. ``given``: the user spelled out the
    order of statuses (a list in the spec, or ``statuses`` in the options),
    which is then followed as written, never reversed."""
    by = options.by
    statuses = list(options.statuses or default)
    given = statuses != default
    if isinstance(spec_order, list):
        by, statuses, given = "status", [str(s) for s in spec_order], True
    elif spec_order in ("status", "priority"):
        by = spec_order
    return by, statuses, given and by == "status"


def _spec_item_order(bound: Bound, section: Section, parents: list[Section]) -> Any:
    """The nearest ``items.order`` a spec gives: a section's own replaces
    the document's."""
    for sec in [section, *reversed(parents)]:
        found = getattr(bound.section_spec(sec), "items_order", None)
        if found is not None:
            return found
    items = bound.spec.data.get("items")
    return items.get("order") if isinstance(items, dict) else None


@rule(code="RL602", name="item-order", severity="warning", fix="sometimes", default=False, spec_key="items.order",
      summary="Items in a list are not ordered by status (or priority) as the spec asks.",
      options={"by": {"enum": ["status", "priority"], "default": "status",
                      "description": "Order items by their status, or by a priority marker (P0, [high])."},
               "statuses": {"type": "array", "items": {"type": "string"},
                            "default": ["done", "in-progress", "planned", "blocked", "dropped"],
                            "description": "The status order; items with a status not listed come last. Given here (or as a list in the spec `items.order`), it is followed as written; otherwise a roadmap may list it either way round."}})
def item_order(ctx: Context) -> Iterator[Finding]:
    doc, bound = ctx.doc, ctx.bound
    default = find_rule("item-order").defaults["statuses"]  # type: ignore[union-attr]
    lists: list[tuple[list[Item], list[int], list[str], int, bool]] = []  # items, keys, labels, unranked, given
    for section, parents in _sections(doc):
        by, statuses, given = _item_order_settings(_spec_item_order(bound, section, parents), ctx.options, default)
        year = D.context_year(section, [*parents, section])
        for items in _lists(section):
            if len(items) < 2 or any(bound.item(it).in_legend for it in items):
                continue
            # a list named by dates or versions is in calendar order (milestone-order)
            if D.milestones([D.name_of(it.text, year) for it in items], weak=False) is not None:
                continue
            if by == "priority":
                marks = [_priority(it.text) for it in items]
                if sum(m is not None for m in marks) < 2:
                    continue
                keys: list[int] = [99 if m is None else m for m in marks]
                label = [f"P{m}" if m is not None else "no priority" for m in marks]
                lists.append((items, keys, label, 99, False))
            else:
                # work whose status is unknown is not judged
                status = [bound.status(it) for it in items]
                if any(s is None for s in status) or len(set(status)) < 2:
                    continue
                keys = [statuses.index(s) if s in statuses else len(statuses) for s in status]  # type: ignore[arg-type]
                label = [str(s) for s in status]
                lists.append((items, keys, label, len(statuses), given))
    descending = _items_direction(bound, lists)
    for items, keys, label, unranked, given in lists:
        # ranked items in the roadmap's direction, then the unranked ones
        down = descending and not given
        sort = [(1, 0) if k >= unranked else (0, -k if down else k) for k in keys]
        wrong = _first_misplaced(sort)
        if wrong is None:
            continue
        j, i = wrong
        from ..moves import move_items, stable_order

        edit = move_items(doc, items, stable_order(sort))
        yield Finding(_item_span(items[j]),
                      f"\"{_short(items[j].text)}\" ({label[j]}) should come before "
                      f"\"{_short(items[i].text)}\" ({label[i]})",
                      Fix.safe(edit, effect=Rendering.REORDERED) if edit else None)


def _items_direction(bound: Bound, lists: list[tuple[list[Item], list[int], list[str], int, bool]]) -> bool:
    """Whether the roadmap lists its work the other way round (planned
    before done, P3 before P0): its spec's `order` says so
    (reverse-chronological: the newest, future work first), or, without
    one, more items stand in place that way across the lists whose order
    the user did not spell out. Done (or P0) first on a tie."""
    fixed = DIRECTIONS.get(bound.spec.order)
    if fixed is not None:
        return fixed
    up = down = 0
    for _, keys, _, unranked, given in lists:
        if given:
            continue
        seq = [k for k in keys if k < unranked]
        up += len(D.longest_run(seq))
        down += len(D.longest_run([-k for k in seq]))
    return down > up


def _first_misplaced(keys: list[Any]) -> tuple[int, int] | None:
    """(the first item that should come earlier, the first item it should
    precede), in linear time."""
    top = None
    for j, key in enumerate(keys):
        if top is not None and key < top:
            return j, next(i for i in range(j) if keys[i] > key)
        if top is None or key > top:
            top = key
    return None


# -- RL603 overdue-item ---------------------------------------------------------------------


@rule(code="RL603", name="overdue-item", fix="never", severity="warning", summary="Work that is not done and whose target date has passed.")
def overdue_item(ctx: Context) -> Iterator[Finding]:
    doc, bound = ctx.doc, ctx.bound
    today = ctx.run.today

    for section in doc.root.walk():
        late = D.overdue_section(bound, section, today)
        if late is not None:
            due, open_items = late
            count = len(open_items)
            yield Finding(section.heading.span,  # type: ignore[union-attr]
                          f"\"{_short(section.title, 60)}\" was due {due.period.end.isoformat()} and has "
                          f"{count} unfinished item{'s' * (count != 1)}")
        for item in D.walk_items(section.items) if section.items else ():
            if not bound.dates(item):
                continue  # no date, nothing overdue
            due = D.overdue_item(bound, item, today)
            if due is not None:
                yield Finding(_item_span(item), f"overdue since {due.period.end.isoformat()} ({due.period.text}): "
                                                f"\"{_short(item.text)}\" is {bound.status(item)}")


# -- RL604 stale-roadmap -------------------------------------------------------------------


@rule(code="RL604", name="stale-roadmap", fix="never", severity="warning", summary="The roadmap's last-reviewed date is older than the spec allows (or missing where required).")
def stale_roadmap(ctx: Context) -> Iterator[Finding]:
    doc, spec = ctx.doc, ctx.spec
    max_age = spec.max_age_days
    found = D.review_date(doc)
    if found is None:
        if spec.review_date == "required":
            yield Finding(Span(0, 0), "the roadmap does not say when it was last reviewed "
                                      "(add \"Last reviewed: YYYY-MM-DD\")")
        return
    when, span = found
    age = (ctx.run.today - when).days
    if age > max_age:
        yield Finding(span, f"last reviewed {when.isoformat()}, {age} days ago (more than {max_age})")


# -- RL605 date-format -----------------------------------------------------------------------

_LONG_MONTH = "|".join(sorted(D.MONTHS, key=len, reverse=True))
_STYLES = [
    ("ISO (2025-06-15)", lazy(r"(?<![\w.-])(?:19|20)\d{2}-\d{2}-\d{2}(?![\w-])")),
    ("slashes (06/15/2025)", lazy(r"(?<![\w./])\d{1,2}/\d{1,2}/(?:19|20)\d{2}(?![\w/])")),
    ("dots (15.06.2025)", lazy(r"(?<![\w.])\d{1,2}\.\d{1,2}\.(?:19|20)\d{2}(?![\w.]\w)")),
    ("month day, year (June 15, 2025)",
     lazy(r"\b(?:" + _LONG_MONTH + r")\.? \d{1,2}(?:st|nd|rd|th)?,? (?:19|20)\d{2}\b", re.I)),
    ("day month year (15 June 2025)",
     lazy(r"\b\d{1,2}(?:st|nd|rd|th)? (?:" + _LONG_MONTH + r")\.?,? (?:19|20)\d{2}\b", re.I)),
]


@rule(code="RL605", name="date-format", fix="never", default=False, severity="warning",
      summary="Dates written in more than one style.")
def date_format(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    skip = [lk.url_span for lk in doc.links if lk.url_span] + [lk.span for lk in doc.definitions]
    skip += [span for span, _ in doc.comments]
    # by start, with the furthest end so far: a lookup reads only the spans
    # that can hold the offset
    skip.sort(key=lambda s: s.start)
    starts = [s.start for s in skip]
    reach = list(accumulate((s.end for s in skip), max))

    def skipped(at: int) -> bool:
        i = bisect.bisect_right(starts, at)  # skip[:i] start at or before `at`
        while i > 0 and reach[i - 1] > at:
            i -= 1
            if skip[i].start <= at < skip[i].end:
                return True
        return False

    found = []
    for name, regex in _STYLES:
        for m in regex.finditer(doc.text, doc.front_matter.end if doc.front_matter else 0):
            if doc.in_code(m.start(), m.end()) or skipped(m.start()):
                continue
            found.append((m.start(), m.end(), name))
    found.sort()
    # the style most dates use; the first one written breaks a tie
    vote = majority(name for _, _, name in found)
    if vote is None or len(vote.counts) < 2:
        return
    main = vote.choice
    for start, end, name in found:
        if name != main:
            yield Finding(Span(start, end), f"date written as {name}; this roadmap mostly uses {main}")
