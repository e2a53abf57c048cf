"""Bind a document to a spec, once: which spec section each heading is, the
legend, and every item's marker and resolved status. Also chooses a preset
when the config says ``auto``."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

from .document import Block, Document, Item, Section, Span, table_cells
from .spec import PRESETS, SectionSpec, Spec, SpecError, norm_marker, preset, section_lead, section_name, title_key
from .lazyre import fold_case, lazy, space_before
from .violations import Record

_E = (
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u27bf"
    "\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\U0001F000-\U0001FAFF]"
)
EMOJI = lazy(f"{_E}(?:[\ufe0f\u20e3\U0001F3FB-\U0001F3FF]|\u200d{_E})*")
_SHORTCODE = lazy(r":[a-z0-9_+-]{2,40}:")
_BRACKET = lazy(r"\[([^\]\n]{1,24})\](?![(\[:])")
_TASK_BOX = lazy(r"\[[ xX]\][ \t]+")
_MOJIBAKE_TOKEN = lazy(r"[^\x00-\x7f\s]{2,12}")

# words that say what a legend entry or a section title means
_STATUS_WORDS = [
    ("planned", r"not (?:yet )?started|not begun|planned|to ?do|to-do|future|pending|upcoming|backlog|not yet|proposed|idea|later|soon|someday"),
    ("blocked", r"blocked|on hold|paused|waiting|stalled"),
    ("dropped", r"dropped|cancel+ed|won'?t|abandoned|rejected|deprecated"),
    ("in-progress", r"in[- ]progress|ongoing|wip|working|started|active|doing|under way|underway|partial|current"),
    ("done", r"done|complete|completed|finished|shipped|released|implemented|landed|fixed"),
]
# with the beginnings every match has (the patterns are case-sensitive)
_SECTION_STATUS = [
    ("done", ("recently ", "already ", "complete", "done", "finished", "shipped", "released"),
     lazy(r"^(?:recently |already )?(completed?|done|finished|shipped|released)\b")),
    ("in-progress", ("in", "ongoing", "doing", "wip", "work in progress"),
     lazy(r"^(in[- ]progress|ongoing|doing|wip|work in progress)\b")),
    ("planned", ("to", "planned", "backlog", "not started"), lazy(r"^(to[- ]?do|planned|backlog|not started)\b")),
]
# a heading that states its own status at its end: "Phase 1 (Complete)",
# "Tier 1 — Shipped ✅", "Phase 0 — Setup [done]", "v0.2 — Planned"
_HEADING_TAIL = lazy(r"(?:\(([^()]{1,30})\)|\[([^\[\]]{1,30})\]|\s[-–—:⟶→]\s*([^-–—:()\[\]]{1,30}))\s*$")
_HEADING_PHRASE = [
    ("done", lazy(r"(done|complete|completed|finished|shipped|released|implemented)")),
    ("in-progress", lazy(r"(in[- ]progress|ongoing|wip|work in progress|under way|underway)")),
    ("planned", lazy(r"(planned|not started|not yet started|to ?do|to-do|backlog)")),
    ("blocked", lazy(r"(blocked|on hold|paused)")),
    ("dropped", lazy(r"(dropped|cancel+ed|abandoned|won'?t do)")),
]
# every text _HEADING_PHRASE's patterns match in full but "cancel+ed"
_PHRASES = frozenset((
    "done", "complete", "completed", "finished", "shipped", "released", "implemented",
    "in-progress", "in progress", "ongoing", "wip", "work in progress", "under way", "underway",
    "planned", "not started", "not yet started", "todo", "to do", "to-do", "backlog",
    "blocked", "on hold", "paused", "dropped", "abandoned", "wont do", "won't do",
))
# emoji that state a heading's status without doubt (coloured circles and
# the like are as often priorities or categories)
_HEADING_EMOJI = {"✅": "done", "✔": "done", "☑": "done", "🚧": "in-progress", "❌": "dropped"}
# bracket words that are status markers even when no spec lists them
_STATUS_BRACKETS = lazy(r"^(?:[~/!?\-*+>.]|" + "|".join(w for _, w in _STATUS_WORDS) + r")$", re.I)


def status_word(text: str) -> str | None:
    low = text.casefold()
    for name, words in _STATUS_WORDS:
        if re.search(rf"\b(?:{words})\b", low):
            return name
    return None


class Marker(Record):
    __slots__ = _fields = ("text", "span", "kind", "value")

    def __init__(self, text: str, span: Span, kind: str, value: str) -> None:
        self.text = text  # as written
        self.span = span
        self.kind = kind  # emoji | shortcode | bracket | checkbox | link | mojibake
        self.value = value  # what it stands for (the emoji a mojibake token decodes to)

    @property
    def key(self) -> str:
        return norm_marker(self.value)


class LegendEntry(Record):
    __slots__ = _fields = ("marker", "description", "status")

    def __init__(self, marker: Marker, description: str, status: str) -> None:
        self.marker = marker
        self.description = description
        self.status = status


class Legend(Record):
    __slots__ = _fields = ("block", "entries", "items")

    def __init__(self, block: Block, entries: list[LegendEntry], items: list[Item] | None = None) -> None:
        self.block = block
        self.entries = entries
        self.items = [] if items is None else items

    def status_of(self, marker: Marker) -> str | None:
        for entry in self.entries:
            if entry.marker.key == marker.key:
                return entry.status
        return None


class ItemState:
    """What binding says of one item."""

    __slots__ = ("status", "source", "marker", "in_legend")

    def __init__(self, status: str | None, source: str | None, marker: Marker | None, in_legend: bool) -> None:
        self.status = status  # the resolved status, or None
        self.source = source  # where it came from: marker | checkbox | section
        self.marker = marker  # the marker written on the item, if any
        self.in_legend = in_legend  # the item defines a marker; it is not work


class Bound:
    """A document bound to a spec: each section's spec section and implied
    status, the legend, each item's status, and (on first use) the dates of
    every section and item. A value: binding never changes the Document, and
    the same Document can be bound to several specs."""

    __slots__ = ("doc", "spec", "container", "legend", "detected", "_spec_of", "_implied",
                 "_status_from", "_items", "_dates")

    def __init__(self, doc: Document, spec: Spec, container: Section, legend: Legend | None, detected: bool) -> None:
        self.doc = doc
        self.spec = spec
        self.container = container  # the section whose children the spec's sections match
        self.legend = legend
        self.detected = detected  # the preset was chosen by detection
        self._spec_of: dict[int, SectionSpec] = {}
        self._implied: dict[int, str] = {}
        # id(section) -> the section whose heading (or spec) gives its implied status
        self._status_from: dict[int, Section] = {}
        self._items: dict[int, ItemState] = {}
        self._dates: dict[int, list[Any]] | None = None

    def section_spec(self, section: Section) -> SectionSpec | None:
        """The spec section this section matched, or None."""
        return self._spec_of.get(id(section))

    def implied_status(self, section: Section) -> str | None:
        """The status the section's items get when they state none."""
        return self._implied.get(id(section))

    def status_heading(self, section: Section) -> Section:
        """The section whose heading (or spec) gives ``section`` its implied status."""
        return self._status_from.get(id(section), section)

    def item(self, item: Item) -> ItemState:
        return self._items[id(item)]

    def status(self, item: Item) -> str | None:
        return self._items[id(item)].status

    def dates(self, owner: Section | Item) -> list[Any]:
        """The dates (dates.Dated) a section's title or an item's text gives,
        read for the whole document on first use."""
        if self._dates is None:
            from .dates import annotate

            self._dates = annotate(self.doc)
        return self._dates.get(id(owner), [])


@lru_cache(maxsize=4096)
def _demojibake(token: str) -> str | None:
    for enc in ("cp1252", "cp1254", "cp1250", "latin-1"):
        try:
            fixed = token.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if EMOJI.fullmatch(fixed):
            return fixed
    return None


def marker_at(text: str, pos: int, end: int) -> Marker | None:
    """A status marker written at ``pos`` (emoji, shortcode, [word] or a
    mojibake emoji), or None."""
    # each form opens with its own kind of character: an emoji or mojibake
    # with one past ASCII, a shortcode with ":", a bracket with "["
    if pos >= end:
        return None
    first = text[pos]
    if first.isascii():
        if first != ":" and first != "[":
            return None
        tries = (("shortcode", _SHORTCODE),) if first == ":" else (("bracket", _BRACKET),)
    else:
        tries = (("emoji", EMOJI),)
    for kind, regex in tries:
        m = regex.match(text, pos, end)
        if m:
            if kind == "bracket" and not _STATUS_BRACKETS.match(m.group(1).strip()):
                return None
            return Marker(m.group(0), Span(m.start(), m.end()), kind, m.group(0))
    m = None if first.isascii() else _MOJIBAKE_TOKEN.match(text, pos, end)
    if m:
        fixed = _demojibake(m.group(0))
        if fixed:
            return Marker(m.group(0), Span(m.start(), m.end()), "mojibake", fixed)
    return None


def _content_start(doc: Document, item: Item) -> tuple[int, int] | None:
    """Where an item's own text starts (after its task box) and its first line ends."""
    block = item.block
    if block is None:
        return None
    for first in block.children:
        if first.type == "paragraph":
            break
    else:
        return None
    text = doc.text
    pos = first.span.start
    if item.checkbox is not None:
        m = _TASK_BOX.match(text, pos)
        if m:
            pos = m.end()
    src = doc.source
    line_end = src.line_end(src.line_of(pos))
    end = first.span.end
    return pos, line_end if line_end < end else end


def item_marker(doc: Document, item: Item, spec: Spec | None = None) -> Marker | None:
    found = _content_start(doc, item)
    if found is None:
        return None
    pos, end = found
    text = doc.text
    while pos < end and text[pos] in " \t*_":  # **✅ Done**
        pos += 1
    marker = marker_at(text, pos, end)
    if marker is None:
        # a marker closing the first line: "Ship it ✅"; its last character
        # (before any " \t*_") is past ASCII, as every emoji's is
        stop = end
        while stop > pos and text[stop - 1] in " \t*_":
            stop -= 1
        if stop > pos and text[stop - 1] >= "\x80":
            tail = text[pos:stop]
            m = _emoji_at_end(tail)
            if m and m.start() > 0 and tail[m.start() - 1] in " \t":
                marker = Marker(m.group(0), Span(pos + m.start(), pos + m.end()), "emoji", m.group(0))
    if marker is None and spec is not None and item.links and spec._links:
        for link in item.links:
            if link.text_span and spec.status_of_link(link.text):
                return Marker(link.text, link.span, "link", link.text)
    return marker


def _emoji_at_end(text: str) -> re.Match[str] | None:
    """``re.search(f"(?:{EMOJI.pattern})$", text)`` without a second pattern
    to compile: such a match is the leftmost start from which EMOJI's
    longest match ends where ``$`` holds (at the end, or before a final
    newline; a shorter one ends before), and holds no ASCII character."""
    stop = len(text) - 1 if text.endswith("\n") else len(text)
    start = stop
    while start > 0 and text[start - 1] >= "\x80":
        start -= 1
    for i in range(start, stop):
        m = EMOJI.match(text, i)
        if m is not None and m.end() == stop:
            return m
    return None


# -- legend --------------------------------------------------------------------

# "Legend", "Status key", "Statuses"; not "Status" alone, which as often heads
# the project's status, nor "Key features"
_LEGEND_TITLE = lazy(r"(?:(?:status|emoji|icon|marker)s? )?(?:legend|key)|statuses|(?:status )?markers")
_PAIR = lazy(rf"({EMOJI.pattern}|:[a-z0-9_+-]+:|[^\x00-\x7f\s]{{2,12}})\s*[:=\-–—]?\s*([^,;|·\n]+)")


# a paragraph that names what follows it (or itself) as the legend:
# "Legend:", "**Status key:**"
_LEGEND_LABEL = lazy(rf"^[\W_]*(?:{_LEGEND_TITLE.pattern})[*_]*\s*[:：][*_]*\s*", re.I)


def _legend_title(key: str) -> bool:
    # every match holds one of the words (the pattern is case-sensitive)
    return any(w in key for w in ("legend", "key", "statuses", "markers")) and bool(_LEGEND_TITLE.fullmatch(key))


def _may_label(raw: str) -> bool:
    """False when _LEGEND_LABEL cannot match: it needs a colon and one of
    _LEGEND_TITLE's words, matched case-insensitively (see lazyre.fold_case)."""
    if ":" not in raw and "：" not in raw:
        return False
    folded = fold_case(raw)
    return any(w in folded for w in ("legend", "key", "statuses", "markers"))


def find_legend(doc: Document, items_by_block: dict[int, Item]) -> Legend | None:
    """A list, a table or a line near the top that defines markers. Without
    a heading or a label ("Legend:") that says so, it must define statuses in
    a few words each, and the items after it must use its markers."""
    label_before = False
    for section, block in _early_blocks(doc):
        titled = bool(section.heading and _legend_title(title_key(section.title))) or label_before
        label_before = False
        if block.type == "list":
            legend = _list_legend(doc, block, items_by_block, titled)
        elif block.type == "paragraph":
            raw = doc.text[block.span.start : block.span.end]
            label = _LEGEND_LABEL.match(raw) if _may_label(raw) else None
            if label and not raw[label.end():].strip():
                label_before = True  # "**Legend:**" above a list or a table
                continue
            legend = _paragraph_legend(doc, block, titled or bool(label))
        elif block.type == "table":
            legend = _table_legend(doc, block, titled)
        else:
            continue
        if legend is not None and (titled or _used(doc, legend)):
            return legend
    return None


def _used(doc: Document, legend: Legend) -> bool:
    keys = {e.marker.key for e in legend.entries}
    mine = {id(it) for it in legend.items}
    for item in doc.items():
        if id(item) not in mine and item.span.start > legend.block.span.end:
            marker = item_marker(doc, item)
            if marker is not None and marker.key in keys:
                return True
    return False


def _early_blocks(doc: Document, limit: int = 12):
    """Blocks before the first list of real items: the preamble, the title's
    body, and the first sections' bodies."""
    seen = 0
    for section in doc.root.walk():
        for block in section.blocks:
            yield section, block
            seen += 1
            if seen >= limit:
                return
        if section.heading is not None and section.level >= 2 and section.items:
            return


def _list_legend(doc: Document, block: Block, items_by_block: dict[int, Item], titled: bool) -> Legend | None:
    items = [items_by_block[id(li)] for li in block.children if id(li) in items_by_block]
    if len(items) < 2 or any(it.children or it.checkbox is not None for it in items):
        return None
    entries = []
    for item in items:
        marker = item_marker(doc, item)
        if marker is None or marker.kind == "link":
            return None
        desc = doc.text[marker.span.end : item.span.end].strip(" \t:=-–—")
        if len(desc.split()) > 8:
            return None
        entries.append(LegendEntry(marker, desc, status_word(desc) or _slug(desc)))
    if len({e.marker.key for e in entries}) < len(entries):
        return None
    if not titled and not _defines_statuses(entries):
        return None
    return Legend(block, entries, items)


def _defines_statuses(entries: list[LegendEntry]) -> bool:
    """An untitled list is a legend only when each line names a different
    status in a few words ("✅ work item complete"), not a piece of work
    ("✅ Shipped the parser")."""
    names = [status_word(e.description) for e in entries]
    if None in names or len(set(names)) < len(names):
        return False
    return all(not _FILLER.sub(" ", e.description.casefold()).split() for e in entries)


_FILLER = lazy(
    r"\b(?:" + "|".join(w for _, w in _STATUS_WORDS) + r"|work|items?|tasks?|features?|is|are|has|have|been|"
    r"be|being|the|this|that|it|yet|not|still|and|or|but|means|for|of|in|on|to|a|an)\b|[^\w\s]"
)


def _ranges(chars: str) -> tuple[tuple[int, int], ...]:
    """The (first, last) code points of a character class's inside: "a-cx"."""
    out, i = [], 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            out.append((ord(chars[i]), ord(chars[i + 2])))
            i += 3
        else:
            out.append((ord(chars[i]), ord(chars[i])))
            i += 1
    return tuple(out)


_E_RANGES = _ranges(_E[1:-1])  # _E's characters


def _may_pair(raw: str) -> bool:
    """False when _PAIR cannot match ``raw``: its marker is an emoji (which
    starts with a character of _E), a ":shortcode:" or two characters in a
    row that are neither ASCII nor space (\\s, which is str.isspace)."""
    if ":" in raw:
        return True
    before = False  # the character before is neither ASCII nor space
    for c in raw:
        if c < "\x80":
            before = False
            continue
        code = ord(c)
        if any(low <= code <= high for low, high in _E_RANGES):
            return True
        here = not c.isspace()
        if here and before:
            return True
        before = here
    return False


def _paragraph_legend(doc: Document, block: Block, titled: bool) -> Legend | None:
    raw = doc.text[block.span.start : block.span.end]
    # one line; a labelled legend ("Legend:" and a marker a line) may have a few
    lines = raw.strip().count("\n") + 1
    if (lines > 1 and not titled) or lines > 8 or len(raw) > (600 if titled else 300):
        return None
    entries = []
    for m in _PAIR.finditer(raw) if _may_pair(raw) else ():
        token = m.group(1)
        value = token if EMOJI.fullmatch(token) or token.startswith(":") else _demojibake(token)
        if value is None:
            continue
        desc = m.group(2).strip(" .")
        start = block.span.start + m.start(1)
        marker = Marker(token, Span(start, start + len(token)), "mojibake" if value != token else "emoji", value)
        entries.append(LegendEntry(marker, desc, status_word(desc) or _slug(desc)))
    if len(entries) < 2 or len({e.marker.key for e in entries}) < len(entries):
        return None
    if not titled and not _defines_statuses(entries):
        return None
    return Legend(block, entries)


# a header that says the table is a legend: "Symbol | Meaning", "Status | Description"
# (not "Status | Item", a table of work)
_HEADER_WORDS = lazy(r"\b(?:symbols?|icons?|emojis?|markers?|legend|key|meanings?|means|descriptions?|definitions?)\b", re.I)


def _table_legend(doc: Document, block: Block, titled: bool) -> Legend | None:
    """A table whose rows each pair a marker with its meaning:
    ``| ✅ | Done |``. Its header ("Symbol | Meaning") may say so."""
    text = doc.text
    rows = []
    pos = block.span.start
    while pos < block.span.end:
        end = text.find("\n", pos, block.span.end)
        end = block.span.end if end < 0 else end
        rows.append((pos, end))
        pos = end + 1
    if len(rows) < 4 or len(rows) > 14:  # a header, its delimiter row, two markers or more
        return None
    header = text[rows[0][0] : rows[0][1]]
    titled = titled or bool(_HEADER_WORDS.search(header))
    entries = []
    for start, end in rows[2:]:
        cells = table_cells(text, start, end, trim=True)
        found = None
        for i, (a, b) in enumerate(cells):
            a2 = a
            while a2 < b and text[a2] in "*_`":
                a2 += 1
            marker = marker_at(text, a2, b)
            if marker is None or marker.kind == "link":
                continue
            rest = text[marker.span.end : b].strip(" \t*_`:=-–—")
            desc = rest or next((text[c:d].strip(" *_`") for c, d in cells[i + 1 :] if text[c:d].strip(" *_`")), "")
            found = (marker, desc)
            break
        if found is None or not found[1] or len(found[1].split()) > 8:
            return None
        marker, desc = found
        entries.append(LegendEntry(marker, desc, status_word(desc) or _slug(desc)))
    if len({e.marker.key for e in entries}) < len(entries):
        return None
    if not titled and not _defines_statuses(entries):
        return None
    return Legend(block, entries)


def _slug(text: str) -> str:
    """A status name for a legend entry that names no known status; a valid
    name in a spec's `statuses` (so that `init` can write it)."""
    slug = "-".join(re.findall(r"[a-z0-9]+", text.casefold())[:4])
    return slug if slug[:1].isalpha() else f"status-{slug}".rstrip("-")


# -- binding ---------------------------------------------------------------------


def container(doc: Document) -> Section:
    """The spec's sections are the children of a single level-1 title, or the
    top-level sections when there is no single title."""
    titles = [s for s in doc.root.children if s.level == 1]
    if len(titles) == 1 and titles[0].children and doc.root.children[0] is titles[0]:
        return titles[0]
    return doc.root


def bind(doc: Document, spec: Spec, detected: bool = False) -> Bound:
    items_by_block = {id(it.block): it for it in doc.items() if it.block is not None}
    legend = find_legend(doc, items_by_block)
    top = container(doc)
    bound = Bound(doc, spec, top, legend, detected)
    own = _section_status(top) if top is not doc.root else None
    _bind_sections(bound, top.children, spec.sections, (own, top) if own else None)
    implied = bound._implied
    sections = list(doc.root.walk())
    for section in sections:
        if id(section) not in implied and id(section) not in bound._status_from:
            status = _section_status(section)
            if status is not None:
                implied[id(section)] = status
    legend_items = {id(it) for it in (legend.items if legend else [])}
    states = bound._items

    def rec(items: list[Item], here: str | None) -> None:
        for item in items:
            states[id(item)] = _resolve(doc, item, spec, legend, here, id(item) in legend_items)
            if item.children:
                rec(item.children, here)

    for section in sections:
        if section.items:
            rec(section.items, implied.get(id(section)))
    return bound


def _unique_leads(sections: list[Section]) -> dict[int, str]:
    """id(section) -> the lead of its title (see spec.section_lead), for the
    sections whose lead no other of ``sections`` shares."""
    leads = {id(s): lead for s in sections if s.heading is not None and (lead := section_lead(title_key(s.title)))}
    counts = Counter(leads.values())
    return {k: v for k, v in leads.items() if counts[v] == 1}


def match_section(specs: list[SectionSpec], section: Section, leads: dict[int, str]) -> SectionSpec | None:
    """The spec section a heading is: by its whole name (a trailing date or
    period set aside), else by a lead no sibling shares."""
    key = title_key(section.title)
    match = next((s for s in specs if s.matches(key, section.level)), None)
    lead = leads.get(id(section))
    if match is None and lead:
        match = next((s for s in specs if s.matches(lead, section.level)), None)
    return match


def _bind_sections(bound: Bound, sections: list[Section], specs: list[SectionSpec],
                   implied: tuple[str, Section] | None) -> None:
    if not sections:
        return
    leads = _unique_leads(sections)
    for section in sections:
        match = match_section(specs, section, leads)
        if match is not None:
            bound._spec_of[id(section)] = match
        own = (match.status if match else None) or _section_status(section)
        here = (own, section) if own else implied
        if here:
            bound._implied[id(section)] = here[0]
        bound._status_from[id(section)] = here[1] if here else section
        _bind_sections(bound, section.children, match.children if match else [], here)


def _section_status(section: Section) -> str | None:
    """The status a heading states for everything under it: a leading word
    ("Completed", "To do"), a status emoji, or a status at its end."""
    if section.heading is None:
        return None
    return title_status(section.title)


@lru_cache(maxsize=4096)
def title_status(title: str) -> str | None:
    """The status a heading's text states (see _section_status); the same
    title is read once (detection and binding both ask)."""
    key = title_key(title)
    for name, starts, regex in _SECTION_STATUS:
        if key.startswith(starts) and regex.match(key):
            return name
    return heading_status(title)


def heading_status(title: str) -> str | None:
    text = " ".join(title.replace("\ufe0f", "").split()).strip(" *_`")
    for emoji, name in _HEADING_EMOJI.items():
        if text.startswith(emoji) or text.endswith(emoji):
            return name
    # every match of _HEADING_TAIL holds ")", "]" or a space (\\s, which is
    # str.isspace) before one of "-–—:⟶→"
    if ")" not in text and "]" not in text and not space_before(text, "-–—:⟶→"):
        return None
    m = _HEADING_TAIL.search(text)
    if m is None:
        return None
    phrase = next(g for g in m.groups() if g is not None)
    phrase = phrase.split(",", 1)[0].split(";", 1)[0].strip(" *_`.").casefold()  # up to the first "," or ";"
    if phrase not in _PHRASES and not phrase.startswith("cancel"):
        return None  # what the patterns take in full: a word of theirs, or cancel+ed
    for name, regex in _HEADING_PHRASE:
        if regex.fullmatch(phrase):
            return name
    return None


def _resolve(doc: Document, item: Item, spec: Spec, legend: Legend | None, implied: str | None,
             in_legend: bool) -> ItemState:
    marker = item_marker(doc, item, spec)
    status = source = None
    if marker is not None:
        status = (legend.status_of(marker) if legend else None) or (
            spec.status_of_link(marker.text) if marker.kind == "link" else spec.status_of(marker.value)
        )
        source = "marker" if status else None
    if status is None and item.checkbox is not None:
        status = spec.status_of(f"[{item.checkbox}]") or ("done" if item.checked else "planned")
        source = "checkbox"
    if status is None and implied is not None:
        status, source = implied, "section"
    return ItemState(status, source, marker, in_legend)


# -- detection -------------------------------------------------------------------

_THEME_PARA = lazy(r"^\W*(why|goals?|how)\W*:", re.I)


def _theme_para(raw: str) -> re.Match[str] | None:
    """_THEME_PARA's match, tested only on a paragraph with a colon and one
    of its words, matched case-insensitively (see lazyre.fold_case)."""
    if ":" not in raw:
        return None
    folded = fold_case(raw)
    if "why" not in folded and "goal" not in folded and "how" not in folded:
        return None
    return _THEME_PARA.match(raw)


# the parts of a theme, by the names the themes preset gives them
_THEME_PARTS = {"why": "why", "motivation": "why", "goal": "goal", "goals": "goal", "objective": "goal",
                "objectives": "goal", "how": "how", "approach": "how"}


def _themed(doc: Document, sections: list[Section]) -> bool:
    """Themed sections, each with two or more of Why / Goal / How (as
    subheadings or as labelled paragraphs, "**Why**: ..."), and milestone
    sections by period ("Q1 2025", "End of Q4 (December)")."""
    labels: list[str] = []
    themed = 0
    for section in sections:
        parts = {_THEME_PARTS.get(section_name(title_key(c.title)).rstrip("?")) for c in section.children}
        for block in section.blocks:
            if block.type == "paragraph":
                m = _theme_para(doc.text[block.span.start : block.span.end])
                if m:
                    labels.append(_THEME_PARTS[m.group(1).lower()])
                    parts.add(labels[-1])
        themed += len(parts - {None}) >= 2
    top = container(doc)
    for block in top.blocks:  # the preamble, or the title's own text
        if block.type == "paragraph" and (m := _theme_para(doc.text[block.span.start : block.span.end])):
            labels.append(_THEME_PARTS[m.group(1).lower()])
    milestone = preset("themes").sections[0]
    periods = sum(1 for s in sections if milestone.matches(title_key(s.title), s.level))
    if len(labels) >= 4 and len(set(labels)) >= 2:
        themed = max(themed, 2)
    return themed >= 2 or (themed >= 1 and periods >= 1)


def detect(doc: Document) -> str:
    """Choose the preset that fits the document: the seeds are the reference."""
    items_by_block = {id(it.block): it for it in doc.items() if it.block is not None}
    if find_legend(doc, items_by_block) is not None:
        return "status-legend"
    top = container(doc)
    sections = [s for s in top.walk() if s.heading is not None and s is not top]
    statuses = {_section_status(s) for s in sections} - {None}
    if "done" in statuses and len(statuses) >= 2:
        return "checklist"
    horizons = preset("horizons").sections
    leads = _unique_leads(sections)
    hits = {id(spec) for s in sections if (spec := match_section(horizons, s, leads)) is not None}
    if len(hits) >= 2:
        return "horizons"
    if _themed(doc, sections):
        return "themes"
    items = list(doc.items())
    boxes = sum(1 for it in items if it.checkbox is not None)
    if boxes >= 3 and boxes * 2 >= len(items):
        return "checklist"
    flat = [s for s in top.children if s.heading is not None]
    if len(flat) >= 3 and all(not s.children for s in flat):
        return "features"
    return "generic"


def resolve(doc: Document, name: str | None, user: Spec | None) -> Bound:
    """Bind ``doc`` to the user's spec, a named preset, or the detected one."""
    if user is not None:
        return bind(doc, user)
    if name and name != "auto":
        if name not in PRESETS:
            raise SpecError(f"unknown preset {name!r} (one of auto, {', '.join(PRESETS)})")
        return bind(doc, preset(name))
    return bind(doc, preset(detect(doc)), detected=True)


__all__ = ["PRESETS", "Bound", "ItemState", "Legend", "Marker", "bind", "detect", "resolve", "item_marker", "marker_at"]
