"""Structure rules (RL2xx): the sections the spec asks for, in its order."""

from __future__ import annotations

from typing import Any, Iterator

from ..binding import Bound
from ..document import Document, Section, Span
from ..registry import Context, rule
from ..violations import Edit, Finding, Fix, Rendering
from ..spec import SectionSpec, SpecError, search, title_key
from ..lazyre import lazy


def _heading_span(doc: Document, section: Section) -> Span:
    if section.heading is None:
        return Span(0, 0)
    return section.heading.span


def _levels(bound: Bound) -> Iterator[tuple[Section, list[SectionSpec], str, bool]]:
    """(parent, its child specs, their order, unknown allowed) for the
    container and every bound section that has child specs."""
    spec = bound.spec
    yield bound.container, spec.sections, spec.order, spec.allow_unknown
    for section in bound.container.walk():
        s = bound.section_spec(section)
        if section is not bound.container and s is not None and s.children:
            yield section, s.children, s.order, s.allow_unknown


@rule(code="RL201", name="missing-section", fix="sometimes",
      summary="A section (or the title) the spec requires is missing.")
def missing_section(ctx: Context) -> Iterator[Finding]:
    doc, bound, spec = ctx.doc, ctx.bound, ctx.spec
    titles = [h for h in doc.headings if h.level == 1 and h.block.depth == 0]
    # Jekyll and Hugo show a front matter title as the page's title
    fm_title = doc.front_matter is not None and (doc.front_matter.keys or {}).get("title")
    if spec.title_required and not titles and not fm_title:
        yield Finding(Span(0, 0), "missing level-1 title")
    if spec.title_pattern is not None and titles and not search(spec.title_pattern, title_key(titles[0].title)):
        yield Finding(titles[0].span, f"title \"{titles[0].title}\" does not match /{spec.title_pattern.pattern}/")
    missing = _missing(bound)
    for parent, specs, sec, count in missing:
        where = f" under \"{parent.title}\"" if parent.heading else ""
        need = f"at least {sec.min} " if sec.min > 1 else ""
        fix = _insert_fix(bound, parent, specs, sec, missing)
        yield Finding(_heading_span(doc, parent), f"missing {need}section \"{sec.name}\"{where}", fix)


def _missing(bound: Bound) -> list[tuple[Section, list[SectionSpec], SectionSpec, int]]:
    """(parent, its child specs, the spec, how many it has) for each
    section the spec requires more of than the parent has."""
    out = []
    for parent, specs, _, _ in _levels(bound):
        for sec in specs:
            count = sum(1 for c in parent.children if bound.section_spec(c) is sec)
            if count < sec.min:
                out.append((parent, specs, sec, count))
    return out


def _insert_fix(bound: Bound, parent: Section, specs: list[SectionSpec], sec: SectionSpec,
                missing: list[tuple[Section, list[SectionSpec], SectionSpec, int]]) -> Fix | None:
    """An unsafe fix that inserts the missing section: its heading (at the
    spec's level, in the document's heading style) and its template, after
    the last section of the spec's order before it that is present, else
    before the first after it, else at the end of the parent. Nothing else
    changes. None when the inserted heading would not bind to ``sec`` (the
    fix must settle) or would disturb another section's binding."""
    doc = bound.doc
    src = doc.source
    nl = src.newline
    text = doc.text
    index = specs.index(sec)
    bound_children = [(c, bound.section_spec(c)) for c in parent.children]
    rank = {id(s): i for i, s in enumerate(specs)}
    before = [c for c, s in bound_children if s is not None and rank[id(s)] < index]
    after = [c for c, s in bound_children if s is not None and rank[id(s)] > index]
    if before:
        # the last section (in the file) of the latest entry present
        top = max(rank[id(bound.section_spec(c))] for c in before)
        anchor = [c for c in before if rank[id(bound.section_spec(c))] == top][-1]
        at = _next_content(doc, anchor.span.end)
    elif after:
        first = min(after, key=lambda c: rank[id(bound.section_spec(c))])
        at = src.line_start(src.line_of(first.span.start))
    elif parent.heading is not None or parent.children or parent.blocks:
        at = _next_content(doc, parent.span.end)
    else:  # nothing but front matter, if anything
        at = len(text)
    level = _level(parent, sec, [c for c, s in bound_children if s is not None])
    if level is None:
        return None
    heading = _heading_text(doc, sec.name, level, nl)
    body = ""
    if sec.template is not None:
        body = nl.join(sec.template.strip("\n").splitlines()) + nl
    block = heading + (nl + body if body else "")
    head = text[:at]
    if not head.strip():
        lead = ""
    elif head.endswith(("\n", "\r")):  # a line start: a blank line before the heading
        lead = "" if _blank_before(head) else nl
    else:  # the end of a file without a final newline
        lead = nl * 2
    # before other text, a blank line after the section too
    insertion = lead + block + ("" if at == len(text) else nl)
    edit = Edit(at, at, insertion)
    if not _binds(doc, parent, specs, sec, level, block, at):
        return None
    if parent.heading is None and not _settles(bound, parent, sec, edit, missing):
        return None  # at the top, a new heading can change which title holds the sections
    return Fix.unsafe(edit, effect=Rendering.RESTRUCTURED, inserts=True)


def _blank_before(head: str) -> bool:
    """Whether ``head`` (text up to a line start) ends with a blank line."""
    lines = head.splitlines()
    return not lines or not lines[-1].strip()


def _next_content(doc: Document, offset: int) -> int:
    """The start of the first line after ``offset``'s line that is not
    blank, or the end of the text."""
    src = doc.source
    if offset >= len(doc.text):
        return len(doc.text)
    line = src.line_of(max(offset - 1, 0)) + 1 if offset else 0
    while line < src.line_count:
        if src.line_text(line).strip():
            return src.line_start(line)
        line += 1
    return len(doc.text)


def _level(parent: Section, sec: SectionSpec, siblings: list[Section]) -> int | None:
    """The level of the inserted heading: the spec's, else that of a section
    of the spec beside it, else one below the parent's (2 at the top)."""
    if sec.level is not None:
        level = sec.level
    elif siblings:
        level = siblings[0].level
    elif parent.heading is not None:
        level = parent.level + 1
    else:
        heads = [c for c in parent.children if c.heading is not None]
        lone_title = len(heads) == 1 and heads[0].level == 1
        level = 2 if not heads or lone_title else min(c.level for c in heads)
    if parent.heading is not None and level <= parent.level or level > 6:
        return None
    return level


def _heading_text(doc: Document, name: str, level: int, nl: str) -> str:
    """A heading line (two for Setext) in the style most of the file's
    headings use."""
    from .style import wanted_headings

    top, atx, _, _ = wanted_headings(doc, "consistent") if doc.headings else ("atx", "atx", "", "")
    want = top if level <= 2 else atx
    if want == "setext":
        return name + nl + ("=" if level == 1 else "-") * max(3, len(name)) + nl
    marks = "#" * level
    return f"{marks} {name} {marks}{nl}" if want == "closed" else f"{marks} {name}{nl}"


def _binds(doc: Document, parent: Section, specs: list[SectionSpec], sec: SectionSpec, level: int,
           block: str, at: int) -> bool:
    """Whether ``block`` (the heading and template) inserted at ``at`` is a
    child of ``parent`` that binds to ``sec``: read alone, it is one heading
    of that level (its template's headings are deeper) whose title the spec
    gives ``sec``, and the section before it in ``parent`` is not shallower
    (it would hold the new one)."""
    from ..document import load
    from ..source import Source

    heads = load(Source(block)).headings
    if not heads or heads[0].level != level or any(h.level <= level for h in heads[1:]):
        return False
    key = title_key(heads[0].title)
    if next((s for s in specs if s.matches(key, level)), None) is not sec:
        return False
    previous = [c for c in parent.children if c.span.start < at]
    return parent.heading is None or not previous or previous[-1].level >= level


def _settles(bound: Bound, parent: Section, sec: SectionSpec, edit: Edit,
             missing: list[tuple[Section, list[SectionSpec], SectionSpec, int]]) -> bool:
    """Whether the text with ``edit`` binds one more section to ``sec``
    under the same parent, and misses nothing it did not miss before."""
    from ..binding import bind
    from ..document import load

    doc = bound.doc
    new_doc = load(doc.source.replace(doc.text[: edit.start] + edit.replacement + doc.text[edit.end :]))
    new = bind(new_doc, bound.spec)

    grew = len(edit.replacement)

    def where(p: Section, container: Section, shift: bool) -> Any:
        if p is container:
            return "container"
        if p.heading is None:
            return None
        return p.span.start + grew if shift and p.span.start >= edit.start else p.span.start

    was = {(where(p, bound.container, True), id(s)): n for p, _, s, n in missing}
    key = (where(parent, bound.container, True), id(sec))
    for p, _, s, n in _missing(new):
        here = (where(p, new.container, False), id(s))
        if here == key:
            if n != was[key] + 1:
                return False
        elif p.heading is not None and edit.start <= p.span.start < edit.start + grew:
            continue  # a section inserted with it misses its own subsections: the next pass adds them
        elif here not in was or n < was[here]:
            return False
    return True


@rule(code="RL202", name="unknown-section", severity="warning", fix="never",
      summary="A section the spec does not name, where the spec allows no others.")
def unknown_section(ctx: Context) -> Iterator[Finding]:
    bound = ctx.bound
    for parent, specs, _, allow in _levels(bound):
        if allow:
            continue
        names = ", ".join(f'"{s.name}"' for s in specs)
        for child in parent.children:
            if child.heading is not None and bound.section_spec(child) is None:
                yield Finding(child.heading.span, f"unknown section \"{child.title}\" (expected one of {names})")


@rule(code="RL203", name="duplicate-section", severity="warning", fix="never",
      summary="A section appears more often than the spec allows.")
def duplicate_section(ctx: Context) -> Iterator[Finding]:
    doc, bound = ctx.doc, ctx.bound
    for parent, specs, _, _ in _levels(bound):
        for spec in specs:
            if spec.max is None:
                continue
            same = [c for c in parent.children if bound.section_spec(c) is spec]
            for extra in same[spec.max:]:
                first = doc.source.position(same[0].span.start)[0]
                yield Finding(_heading_span(doc, extra), f"duplicate section \"{extra.title}\" (first on line {first})")


@rule(code="RL204", name="section-order", severity="warning", fix="sometimes",
      summary="Sections are not in the order the spec lists them.")
def section_order(ctx: Context) -> Iterator[Finding]:
    doc, bound = ctx.doc, ctx.bound
    for parent, specs, order, _ in _levels(bound):
        if order != "strict":
            continue
        # each child's place in the spec's order; None for a section it does not name
        index = {id(s): i for i, s in enumerate(specs)}
        rank = [None if (s := bound.section_spec(c)) is None else index[id(s)] for c in parent.children]
        latest: int | None = None
        title = ""  # the title of the section at `latest`
        fix = _reorder_fix(doc, parent.children, rank)
        for child, place in zip(parent.children, rank):
            if place is None:
                continue
            if latest is not None and place < latest:
                yield Finding(
                    _heading_span(doc, child),
                    f"section \"{child.title}\" should come before \"{title}\"",
                    fix,
                )
                fix = None  # one move puts every section in place
            elif latest is None or place > latest:
                latest, title = place, child.title


def _reorder_fix(doc: Document, children: list[Section], rank: list[int | None]) -> Fix | None:
    """Sections in the spec's order; a section the spec does not name keeps
    its place after the named one it followed."""
    lead: list[int] = []
    groups: list[list[int]] = []
    for i, place in enumerate(rank):
        if place is None:
            (groups[-1] if groups else lead).append(i)
        else:
            groups.append([i])
    groups.sort(key=lambda g: rank[g[0]])  # type: ignore[arg-type,return-value]  # stable: ties keep their order
    order = lead + [i for g in groups for i in g]
    from ..moves import move_sections  # imported by the first section out of the spec's order

    edit = move_sections(doc, children, order)
    return Fix.safe(edit, effect=Rendering.REORDERED) if edit else None


@rule(code="RL205", name="empty-section", fix="never", severity="warning",
      summary="A section the spec names (like \"Now\") with nothing under it.")
def empty_section(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    # Only the sections the spec (or the preset) names: any other heading
    # with nothing under it is a title, a heading that is itself the content
    # ("Expected date of completion: TBA") or one of a pointer file's.
    heads = [h for h in doc.headings if h.block.depth == 0]
    for section in doc.root.walk():
        if section.heading is None or section.blocks or section.children:
            continue
        spec = ctx.bound.section_spec(section)
        if spec is None or spec.catch_all:
            continue
        if section.heading is heads[0] and len(heads) > 1 and heads[1].level < section.level:
            continue  # a first heading above shallower ones is the file's title
        yield Finding(section.heading.span, f"section \"{section.title}\" is empty")


# a label that ends with a colon ("**Plan:**") introduces a list; it is not a heading
_EMPHASIS_ONLY = lazy(r"^(\*\*|__)([^*_\n]+?[^*_\n:])\1$")
_CAPS = lazy(r"[A-Z0-9 &/+'-]+")


def _pseudo_title(raw: str, after: str) -> tuple[str, bool] | None:
    """The heading a standalone paragraph stands for and whether it is a
    bold line (rather than one in capitals), or None. ``after`` is the type
    of the block that follows it."""
    text = raw.strip()
    if "\n" in text or not text or len(text) > 60:
        return None
    m = _EMPHASIS_ONLY.match(text)
    if m:
        title = m.group(2).strip()
        # a bold sentence, field ("Status: done"), quotation or remark is
        # emphasis; so is a bold line that leads into a paragraph
        if (after == "paragraph" or title[-1] in ".!?" or ":" in title
                or title[0] in "\"'“‘«(" or title[0].islower()):
            return None
        return title, True
    if _CAPS.fullmatch(text) and sum(c.isalpha() for c in text) >= 2 and len(text.split()) <= 6:
        return text, False
    return None


def _milestone(title: str) -> Any:
    """What a title names as a milestone or horizon: "later", a period's
    (start, end), a version, or None."""
    from .. import dates as D

    name = D.name_of(title)
    if name.later:
        return "later"
    if name.period is not None:
        return (name.period.start, name.period.end)
    return name.version


# a stage no date or version names: "MVP", "Beta", "Phase 2", "Milestone B"
_STAGE = lazy(r"(?i)\b(?:mvp|poc|proof of concept|alpha|beta|general availability|release candidate"
              r"|(?:phase|milestone|stage|sprint|iteration|step|tier)\s+(?:\d+|[ivx]+|[a-z])\b)\b|^ga$")


def _names_horizon(title: str, parents: list[Section]) -> bool:
    """Whether a bold caption names a horizon, milestone or status: a
    top-level section of a preset ("Now", "Long-term", "Completed", "Q3
    2025"), a status ("Done", "In progress"), a stage ("MVP", "Phase 2"),
    a period, a version or a
    "later" horizon (the date parser's) other than the one a heading
    above it already names ("Features in v4.0" under "## v4.0")."""
    from ..binding import title_status
    from ..spec import PRESETS, preset

    key = title_key(title)
    for name in PRESETS:
        if any(s.matches(key, 0) for s in preset(name).sections if not s.catch_all):
            return True
    if title_status(title) is not None or _STAGE.search(title):
        return True
    named = _milestone(title)
    if named is None:
        return False
    return all(_milestone(p.title) != named for p in parents if p.heading is not None)


@rule(code="RL206", name="pseudo-heading", fix="sometimes", severity="warning",
      summary="A short standalone line (bold, or in capitals) used as a heading.")
def pseudo_heading(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    found: list[tuple[Section, list[Section], Any, str, bool]] = []

    text = doc.text

    def walk(section: Section, parents: list[Section]) -> None:
        blocks = section.blocks
        # a paragraph followed by a list, a paragraph or a table
        for i in range(len(blocks) - 1):
            block = blocks[i]
            if block.type != "paragraph":
                continue
            after = blocks[i + 1].type
            if after != "list" and after != "paragraph" and after != "table":
                continue
            pseudo = _pseudo_title(text[block.span.start : block.span.end], after)
            if pseudo is not None:
                found.append((section, [*parents, section], block, *pseudo))
        if section.children:
            chain = [*parents, section]
            for child in section.children:
                walk(child, chain)

    walk(doc.root, [])
    # a file with headings below its title has its outline; a bold line in
    # one with (almost) none stands in for the headings it lacks
    structured = sum(1 for h in doc.headings if h.block.depth == 0) >= 2
    # a bold label repeated under sibling headings ("**Goals**" under each
    # "## Phase N") is a field of each section, not a section of its own
    owners: dict[tuple[int | None, str], set[int]] = {}
    for section, _, _, title, bold in found:
        if bold and section.heading is not None:
            owners.setdefault((section.level, title.casefold()), set()).add(id(section))
    for section, chain, block, title, bold in found:
        if bold and structured and section.heading is not None:
            if len(owners[(section.level, title.casefold())]) >= 2:
                continue
            if not _names_horizon(title, chain):
                continue  # a caption inside a real section groups its items
        level = min(section.level + 1, 6) if section.heading else 2
        fix = Fix.unsafe(Edit(block.span.start, block.span.end, f"{'#' * level} {title}"),
                         effect=Rendering.RESTRUCTURED)
        yield Finding(block.span, f"\"{title}\" is used as a heading; make it a level-{level} heading", fix)


@rule(code="RL207", name="model-schema", fix="never",
      summary="The document model does not satisfy the spec's `model` JSON Schema.")
def model_schema(ctx: Context) -> Iterator[Finding]:
    spec = ctx.spec
    if not spec.model:
        return
    from referencing.exceptions import Unresolvable

    from ..model import model_data

    data = model_data(ctx.bound)
    validator = spec.model_validator()
    try:
        try:
            errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
        except RecursionError:
            raise SpecError(f"{spec.name}: $.model: the schema refers to itself without end") from None
    except Unresolvable as exc:  # checked when the spec loads; never fetched
        raise SpecError(f"{spec.name}: $.model: cannot resolve {exc}") from None
    for error in errors:
        node, span = data, None
        path = "$"
        for part in error.absolute_path:
            if isinstance(node, dict) and isinstance(node.get("span"), dict):
                span = node["span"]
            node = node[part]
            path += f"[{part}]" if isinstance(part, int) else f".{part}"
        if isinstance(node, dict) and isinstance(node.get("span"), dict):
            span = node["span"]
        where = Span(span["start"], span["end"]) if span else Span(0, 0)
        yield Finding(where, f"{path}: {_brief(error)}")


def _brief(error: Any) -> str:
    """jsonschema's message, with a long instance (a whole section) shortened."""
    message = error.message
    shown = repr(error.instance)
    if len(shown) > 60 and shown in message:
        inst = error.instance
        if isinstance(inst, list):
            short = f"a list of {len(inst)}"
        elif isinstance(inst, dict):
            short = "the " + ("item" if "checkbox" in inst else "section" if "level" in inst else "object")
        else:
            short = repr(str(inst)[:40] + "…")
        message = message.replace(shown, short)
        if isinstance(error.validator_value, (int, float, str)) and not isinstance(error.validator_value, bool):
            message += f" ({error.validator} {error.validator_value})"
    return " ".join(message.split())
