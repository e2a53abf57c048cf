"""How far a roadmap has got: its work counted by status, section by
section, with the overdue work and the next milestone due; shown as a text
table, Markdown (a pull-request comment or a job summary), JSON
(schemas/summary.schema.json) or an SVG badge.

The numbers come from the binding (linter.bind), never from re-reading the
text: an item's status is ``bound.status(item)``, a legend line is not work,
dates are ``bound.dates(owner)`` and overdue is judged as rule RL603
overdue-item judges it (dates.overdue_item, dates.overdue_section).

What counts as work: every item at the top of a list, and a nested item
that states a status of its own (a marker or a task box; a sub-bullet
without one is a detail of its parent). Items with no status are
``unmarked``: when the roadmap marks some of its work, unmarked work counts
as not done; when it marks none, it has no statuses and no percentage.
Percent done is done / (work - dropped), rounded down (99.6 % is not 100).
A status of the spec's own that the spec marks done counts as done; any
other status of its own counts as ``other``.

(Not to be confused with summary.py, the GitHub Action's job summary of
lint problems.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator

from . import dates as D

if TYPE_CHECKING:
    from .binding import Bound
    from .document import Item, Section

# the columns, in order: the built-in statuses, then the rest
STATUSES = ("done", "in-progress", "planned", "blocked", "dropped")
COLUMNS = (*STATUSES, "other", "unmarked")
JSON_VERSION = 1


@dataclass
class Counts:
    """Work counted by status (the keys of COLUMNS)."""

    by: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))

    def add(self, other: Counts) -> None:
        for key, n in other.by.items():
            self.by[key] += n

    @property
    def items(self) -> int:
        return sum(self.by.values())

    @property
    def marked(self) -> int:
        return self.items - self.by["unmarked"]

    @property
    def to_do(self) -> int:
        """The work there is to do: everything but what was dropped."""
        return self.items - self.by["dropped"]

    def percent(self) -> int | None:
        """Percent done, rounded down; None when nothing is left to do."""
        if not self.to_do:
            return None
        return 100 * self.by["done"] // self.to_do

    def as_dict(self, judged: bool = True) -> dict[str, Any]:
        """``judged``: the roadmap has statuses; without, no percentage."""
        return {**self.by, "items": self.items, "percent_done": self.percent() if judged else None}


@dataclass
class Late:
    """One overdue piece of work."""

    text: str
    line: int
    status: str
    due: D.Dated
    section: str  # the title of the section it is in ("" before any heading)
    by_section: bool  # its section's date was missed; the item names none of its own


@dataclass
class SectionProgress:
    title: str
    level: int
    line: int  # of its heading; 0 for work before any heading
    counts: Counts  # its own work and that of its subsections
    overdue: int  # overdue work in it and its subsections
    due: D.Dated | None  # the target its title names
    completed: D.Dated | None  # the completion date its title names
    late: bool  # its own date was missed with work unfinished (RL603)
    children: list[SectionProgress] = field(default_factory=list)

    def as_dict(self, judged: bool = True) -> dict[str, Any]:
        return {
            "title": self.title, "level": self.level, "line": self.line,
            "counts": self.counts.as_dict(judged), "overdue": self.overdue,
            "due": self.due.as_dict() if self.due else None,
            "completed": self.completed.as_dict() if self.completed else None,
            "late": self.late,
            "sections": [c.as_dict(judged) for c in self.children],
        }


@dataclass
class Milestone:
    title: str
    line: int
    due: D.Dated
    days: int  # from today to the last day of its period
    counts: Counts

    def as_dict(self, judged: bool = True) -> dict[str, Any]:
        return {"title": self.title, "line": self.line, "due": self.due.as_dict(), "days_left": self.days,
                "counts": self.counts.as_dict(judged)}


@dataclass
class Progress:
    path: str
    preset: str | None
    today: dt.date
    totals: Counts
    sections: list[SectionProgress]
    overdue: list[Late]
    next_milestone: Milestone | None
    statuses: dict[str, int]  # every status by the name the binding gives it

    @property
    def has_statuses(self) -> bool:
        return self.totals.marked > 0

    def as_dict(self) -> dict[str, Any]:
        judged = self.has_statuses
        return {
            "path": self.path, "preset": self.preset, "has_statuses": judged,
            "totals": self.totals.as_dict(judged), "statuses": dict(sorted(self.statuses.items())),
            "overdue": [{"text": o.text, "line": o.line, "status": o.status, "due": o.due.as_dict(),
                         "section": o.section, "by_section": o.by_section} for o in self.overdue],
            "next_milestone": self.next_milestone.as_dict(judged) if self.next_milestone else None,
            "sections": [s.as_dict(judged) for s in self.sections],
        }


# -- counting -------------------------------------------------------------------------


def _work(bound: Bound, items: list[Item], nested: bool = False) -> Iterator[Item]:
    """The items that are work: each at the top of a list, and a nested one
    with a status of its own; never a legend line."""
    for item in items:
        state = bound.item(item)
        if not state.in_legend and (not nested or state.source in ("marker", "checkbox")):
            yield item
        yield from _work(bound, item.children, True)


def _column(bound: Bound, status: str | None) -> str:
    if status is None:
        return "unmarked"
    if status in STATUSES:
        return status
    return "done" if bound.spec.finished(status) else "other"


def _name(bound: Bound, item: Item) -> str:
    """An item's text without the status marker it starts with."""
    marker = bound.item(item).marker
    text = item.text
    if marker is not None and text.startswith(marker.text):
        text = text[len(marker.text):].lstrip(" :-–—")
    return text or item.text


def _late(bound: Bound, item: Item, due: D.Dated, section: str, by_section: bool) -> Late:
    return Late(_name(bound, item), _line(bound, item.span.start), str(bound.status(item)), due, section, by_section)


def _line(bound: Bound, offset: int) -> int:
    return bound.doc.source.position(offset)[0]


def progress(bound: Bound, path: str, today: dt.date) -> Progress:
    """The progress of the bound roadmap, judged on ``today``."""
    doc, spec = bound.doc, bound.spec
    statuses: dict[str, int] = {}
    own: dict[int, Counts] = {}  # id(section) -> its own work, counted
    work: set[int] = set()
    for section in doc.root.walk():
        counts = Counts()
        for item in _work(bound, section.items):
            work.add(id(item))
            status = bound.status(item)
            counts.by[_column(bound, status)] += 1
            if status is not None:
                statuses[status] = statuses.get(status, 0) + 1
        own[id(section)] = counts

    # overdue work, each item once: its own date first, else its section's
    late: dict[int, Late] = {}
    for section in doc.root.walk():
        title = section.title if section.heading is not None else ""
        missed = D.overdue_section(bound, section, today)
        for item in D.walk_items(section.items):
            if id(item) not in work:
                continue
            due = D.overdue_item(bound, item, today)
            if due is not None:
                late[id(item)] = _late(bound, item, due, title, False)
        if missed is not None:
            due, open_items = missed
            for item in open_items:
                if id(item) not in late and id(item) in work:
                    late[id(item)] = _late(bound, item, due, title, True)
    overdue = sorted(late.values(), key=lambda o: o.line)

    def build(section: Section, with_children: bool = True) -> SectionProgress:
        counts = Counts()
        counts.add(own[id(section)])
        children = [build(c) for c in section.children] if with_children else []
        for child in children:
            counts.add(child.counts)
        mine = {id(it) for it in _all_items(section, with_children)}
        dates = bound.dates(section) if section.heading is not None else []
        return SectionProgress(
            title=section.title if section.heading is not None else "",
            level=section.level,
            line=_line(bound, section.heading.span.start) if section.heading is not None else 0,
            counts=counts, overdue=len(mine & late.keys()),
            due=D.target(dates), completed=D.completed(dates),
            late=D.overdue_section(bound, section, today) is not None,
            children=children,
        )

    top = bound.container
    sections: list[SectionProgress] = []
    if top is not doc.root and own[id(doc.root)].items:  # work before the title
        sections.append(build(doc.root, with_children=False))
    if own[id(top)].items:  # work in the title's own body (or before any heading)
        sections.append(build(top, with_children=False))
    sections += [build(c) for c in top.children]
    totals = Counts()
    for counts in own.values():
        totals.add(counts)
    return Progress(path, spec.preset, today, totals, sections, overdue,
                    _next_milestone(bound, today, own), statuses)


def _all_items(section: Section, deep: bool) -> Iterator[Item]:
    yield from D.walk_items(section.items)
    if deep:
        for child in section.children:
            yield from _all_items(child, True)


def _next_milestone(bound: Bound, today: dt.date, own: dict[int, Counts]) -> Milestone | None:
    """The dated section (not the roadmap's title) due soonest from today
    on that is not finished: not marked completed, not finished by its
    status, and not all of its work done or dropped."""
    finished = bound.spec.finished
    best: Milestone | None = None
    for section in bound.doc.root.walk():
        # the roadmap's title ("Roadmap (2025–2030)") names its span, not a milestone
        if section.heading is None or section is bound.container:
            continue
        dates = bound.dates(section)
        due = D.target(dates)
        if due is None or due.period.end < today or D.completed(dates) or finished(bound.implied_status(section)):
            continue
        counts = Counts()
        for s in section.walk():
            counts.add(own[id(s)])
        if counts.marked and counts.by["done"] + counts.by["dropped"] == counts.items:
            continue
        if best is None or due.period.end < best.due.period.end:
            best = Milestone(section.title, _line(bound, section.heading.span.start), due,
                             (due.period.end - today).days, counts)
    return best


def rows(result: Progress, depth: int) -> Iterator[tuple[int, SectionProgress]]:
    """(indent, section) for the sections a table shows: down to ``depth``
    levels below the roadmap's top, those with work in them."""

    def rec(sections: list[SectionProgress], indent: int) -> Iterator[tuple[int, SectionProgress]]:
        for s in sections:
            if s.counts.items:
                yield indent, s
                if indent + 1 < depth:
                    yield from rec(s.children, indent + 1)

    yield from rec(result.sections, 0)


# -- formats -----------------------------------------------------------------------------

HEADERS = {"done": "done", "in-progress": "in progress", "planned": "planned", "blocked": "blocked",
           "dropped": "dropped", "other": "other", "unmarked": "unmarked"}


# the text table's narrower headers
SHORT = {**HEADERS, "in-progress": "doing"}
NAME_WIDTH = 36


def _columns(result: Progress) -> list[str]:
    """The status columns a roadmap's table shows: the built-in five always,
    ``other`` and ``unmarked`` when it has any."""
    return [c for c in COLUMNS if c in STATUSES or result.totals.by[c]]


def _percent(counts: Counts) -> str:
    p = counts.percent()
    return "–" if p is None else f"{p}%"


def headline(result: Progress) -> str:
    """``14/22 done (63%), 8 overdue``, or why there is no percentage."""
    t = result.totals
    if not t.items:
        return "no statuses: it lists no work items"
    if not result.has_statuses:
        return f"no statuses: none of its {t.items} item{'s' * (t.items != 1)} is marked done, planned or the like"
    if t.percent() is None:
        return f"{t.items} item{'s' * (t.items != 1)}, all dropped"
    text = f"{t.by['done']}/{t.to_do} done ({t.percent()}%)"
    if result.overdue:
        text += f", {len(result.overdue)} overdue"
    return text


def _milestone_line(result: Progress) -> str | None:
    m = result.next_milestone
    if m is None:
        return None
    when = "today" if m.days == 0 else f"in {m.days} day{'s' * (m.days != 1)}"
    done = f"; {m.counts.by['done']}/{m.counts.to_do} done" if result.has_statuses and m.counts.to_do else ""
    return f"next milestone: {m.title} (due {m.due.period.end.isoformat()}, {when}{done})"


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _glyphs(encoding: str | None) -> tuple[str, str, str]:
    """The bar's cells: done, in progress, the rest; ASCII where the output
    cannot carry block characters."""
    try:
        "█▓░–…".encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return "#", "=", "."
    return "█", "▓", "░"


def bar(counts: Counts, width: int, glyphs: tuple[str, str, str] = ("█", "▓", "░"),
        color: bool = False) -> str:
    """A progress bar: done, then in progress, then the rest of the work."""
    import click

    total = counts.to_do
    done = width * counts.by["done"] // total if total else 0
    doing = width * (counts.by["done"] + counts.by["in-progress"]) // total - done if total else 0
    rest = width - done - doing
    cells = [(glyphs[0] * done, "green"), (glyphs[1] * doing, "yellow"), (glyphs[2] * rest, None)]
    if not color:
        return "".join(c for c, _ in cells)
    return "".join(click.style(c, fg=fg, dim=fg is None) if c else "" for c, fg in cells)


def text(results: list[Progress], depth: int = 2, color: bool = False, encoding: str | None = "utf-8",
         width: int = 16) -> str:
    """A table per roadmap, with a progress bar per section; of the status
    columns, done and those the roadmap has any of."""
    import click

    glyphs = _glyphs(encoding)
    ascii_only = glyphs[0] == "#"
    out: list[str] = []
    for result in results:
        if out:
            out.append("")
        head = f"{result.path} ({result.preset or 'no preset'}): {headline(result)}"
        out.append(click.style(head, bold=True) if color else head)
        if not result.has_statuses:
            continue
        # done, and the other columns this roadmap has any of
        cols = [c for c in COLUMNS if c == "done" or result.totals.by[c]]
        late_col = bool(result.overdue)
        shown = list(rows(result, depth))
        name_w = min(NAME_WIDTH, max([len("section"), *(
            2 * i + len(_cut(s.title or "(no heading)", NAME_WIDTH - 2 * i)) for i, s in shown)]))
        widths = [max(len(SHORT[c]), 3) for c in cols]
        header = (f"  {'section':<{name_w}}  {'progress':<{width + 5}}  "
                  + "  ".join(f"{SHORT[c]:>{w}}" for c, w in zip(cols, widths)) + ("  overdue" if late_col else ""))
        out.append(click.style(header, dim=True) if color else header)

        def row(name: str, counts: Counts, overdue: int, late: bool = False) -> str:
            title = f"{name:<{name_w}}"
            if color and late:
                title = click.style(title, fg="red")
            pct = _percent(counts).replace("–", "-") if ascii_only else _percent(counts)
            cells = "  ".join(f"{counts.by[c]:>{w}}" for c, w in zip(cols, widths))
            late_cell = f"  {overdue:>7}" if late_col else ""
            if color and overdue:
                late_cell = click.style(late_cell, fg="red")
            return f"  {title}  {bar(counts, width, glyphs, color)} {pct:>4}  {cells}{late_cell}"

        for indent, s in shown:
            name = " " * (2 * indent) + _cut(s.title or "(no heading)", name_w - 2 * indent)
            if ascii_only:
                name = name.replace("…", "~")
            out.append(row(name, s.counts, s.overdue, s.late))
        out.append(row("total", result.totals, len(result.overdue)))
        line = _milestone_line(result)
        if line:
            out.append(f"  {line}")
        for o in result.overdue:
            note = f"  overdue since {o.due.period.end.isoformat()}: line {o.line}: {_cut(o.text, 60)} ({o.status})"
            out.append(click.style(note, fg="red") if color else note)
    return "\n".join(out)


def _md(text: str) -> str:
    """Text safe in a Markdown table cell: no pipes, no HTML, one line."""
    text = " ".join(text.split())
    for a, b in (("\\", "\\\\"), ("|", "\\|"), ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(a, b)
    return text


def markdown(results: list[Progress], depth: int = 2) -> str:
    """A table per roadmap, for a pull-request comment or a job summary."""
    out = ["## Roadmap progress", ""]
    for result in results:
        out += [f"### `{_md(result.path).replace('`', '')}`", "", f"**{_md(headline(result))}**", ""]
        line = _milestone_line(result)
        if line:
            out += [_md(line[0].upper() + line[1:]) + ".", ""]
        if not result.has_statuses:
            continue
        cols = _columns(result)
        out.append("| Section | Progress | " + " | ".join(HEADERS[c].capitalize() for c in cols) + " | Overdue |")
        out.append("| --- | --- | " + " | ".join("---:" for _ in cols) + " | ---: |")

        def row(name: str, counts: Counts, overdue: int) -> str:
            return (f"| {name} | `{bar(counts, 10)}` {_percent(counts)} | "
                    + " | ".join(str(counts.by[c]) for c in cols) + f" | {overdue} |")

        for indent, s in rows(result, depth):
            out.append(row(("↳ " * min(indent, 1)) + _md(_cut(s.title or "(no heading)", 80)), s.counts, s.overdue))
        out.append(row("**Total**", result.totals, len(result.overdue)))
        out.append("")
        if result.overdue:
            n = len(result.overdue)
            out += [f"<details><summary>{n} overdue item{'s' * (n != 1)}</summary>", ""]
            out += [f"- line {o.line}: {_md(_cut(o.text, 100))} ({o.status}), due {o.due.period.end.isoformat()}"
                    for o in result.overdue[:50]]
            if n > 50:
                out.append(f"- … and {n - 50} more")
            out += ["", "</details>", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def as_json(results: list[Progress], today: dt.date) -> str:
    import json

    from .output import shown_all

    data = {"version": JSON_VERSION, "today": today.isoformat(), "roadmaps": [r.as_dict() for r in results]}
    return json.dumps(shown_all(data), indent=2, ensure_ascii=False)


# -- the badge ----------------------------------------------------------------------------

# shields.io's colours, by percent done
_COLOURS = [(90, "#4c1"), (75, "#97ca00"), (50, "#a4a61d"), (25, "#dfb317"), (10, "#fe7d37"), (0, "#e05d44")]
_GREY = "#9f9f9f"
# widths of Verdana 11px glyphs, as the flat badges are measured (tenths of a pixel)
_WIDE = {**dict.fromkeys("0123456789", 70), **dict.fromkeys("abcdeghknopqsuvxyz", 65),
         **dict.fromkeys("fjrt", 40), **dict.fromkeys("il", 30), "m": 106, "w": 90, " ": 35, "/": 50,
         "%": 120, "(": 45, ")": 45, "-": 45, ".": 35, ",": 35, ":": 45}


def _text_width(text: str) -> int:
    """Tenths of a pixel: capitals and anything else count as wide."""
    return sum(_WIDE.get(ch, 80) for ch in text)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def badge_message(results: list[Progress]) -> tuple[str, str]:
    """(message, colour) for the roadmaps together: ``12/30 done``."""
    totals = Counts()
    for r in results:
        totals.add(r.totals)
    if not totals.marked:
        return "no statuses", _GREY
    percent = totals.percent()
    if percent is None:
        return "all dropped", _GREY
    colour = next(c for bound, c in _COLOURS if percent >= bound)
    return f"{totals.by['done']}/{totals.to_do} done", colour


def svg(results: list[Progress], label: str = "roadmap") -> str:
    """A flat badge, ``roadmap | 12/30 done``, coloured by percent done; SVG 1.1."""
    message, colour = badge_message(results)
    label = " ".join(label.split()) or "roadmap"
    lw, mw = _text_width(label), _text_width(message)
    left, right = lw // 10 + 10, mw // 10 + 10
    width = left + right
    title = _xml(f"{label}: {message}")
    lx, mx = left * 5, left * 10 + right * 5
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="20" viewBox="0 0 {width} 20">
  <title>{title}</title>
  <linearGradient id="s" x2="0" y2="100%">
    <stop offset="0" stop-color="#bbb" stop-opacity=".1"/>
    <stop offset="1" stop-opacity=".1"/>
  </linearGradient>
  <clipPath id="r">
    <rect width="{width}" height="20" rx="3" fill="#fff"/>
  </clipPath>
  <g clip-path="url(#r)">
    <rect width="{left}" height="20" fill="#555"/>
    <rect x="{left}" width="{right}" height="20" fill="{colour}"/>
    <rect width="{width}" height="20" fill="url(#s)"/>
  </g>
  <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="110">
    <text x="{lx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{lw}">{_xml(label)}</text>
    <text x="{lx}" y="140" transform="scale(.1)" textLength="{lw}">{_xml(label)}</text>
    <text x="{mx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{mw}">{_xml(message)}</text>
    <text x="{mx}" y="140" transform="scale(.1)" textLength="{mw}">{_xml(message)}</text>
  </g>
</svg>
"""
