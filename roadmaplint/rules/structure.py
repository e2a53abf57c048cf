"""Structure rules (RL2xx): the sections the spec asks for, in its order."""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..document import Document, Section, Span
from ..engine import Edit, Finding, Fix, Rendering, rule
from ..moves import move_sections
from ..spec import SectionSpec, SpecError, search, title_key
from ..lazyre import lazy


def _heading_span(doc: Document, section: Section) -> Span:
    if section.heading is None:
        return Span(0, 0)
    return section.heading.span


def _levels(doc: Document) -> Iterator[tuple[Section, list[SectionSpec], str, bool]]:
    """(parent, its child specs, their order, unknown allowed) for the
    container and every bound section that has child specs."""
    binding = doc.binding
    if binding is None:
        return
    spec = binding.spec
    yield binding.container, spec.sections, spec.order, spec.allow_unknown
    for section in binding.container.walk():
        if section is not binding.container and section.spec is not None and section.spec.children:
            s = section.spec
            yield section, s.children, s.order, s.allow_unknown


@rule(code="RL201", name="missing-section", fix="never",
      summary="A section (or the title) the spec requires is missing.")
def missing_section(doc: Document, options: dict) -> Iterator[Finding]:
    binding = doc.binding
    if binding is None:
        return
    spec = binding.spec
    titles = [h for h in doc.headings if h.level == 1 and h.block.depth == 0]
    # Jekyll and Hugo show a front matter title as the page's title
    fm_title = doc.front_matter is not None and (doc.front_matter.keys or {}).get("title")
    if spec.title_required and not titles and not fm_title:
        yield Finding(Span(0, 0), "missing level-1 title")
    if spec.title_pattern is not None and titles and not search(spec.title_pattern, title_key(titles[0].title)):
        yield Finding(titles[0].span, f"title \"{titles[0].title}\" does not match /{spec.title_pattern.pattern}/")
    for parent, specs, _, _ in _levels(doc):
        for sec in specs:
            count = sum(1 for c in parent.children if c.spec is sec)
            if count < sec.min:
                where = f" under \"{parent.title}\"" if parent.heading else ""
                need = f"at least {sec.min} " if sec.min > 1 else ""
                yield Finding(_heading_span(doc, parent), f"missing {need}section \"{sec.name}\"{where}")


@rule(code="RL202", name="unknown-section", severity="warning", fix="never",
      summary="A section the spec does not name, where the spec allows no others.")
def unknown_section(doc: Document, options: dict) -> Iterator[Finding]:
    for parent, specs, _, allow in _levels(doc):
        if allow:
            continue
        names = ", ".join(f'"{s.name}"' for s in specs)
        for child in parent.children:
            if child.heading is not None and child.spec is None:
                yield Finding(child.heading.span, f"unknown section \"{child.title}\" (expected one of {names})")


@rule(code="RL203", name="duplicate-section", severity="warning", fix="never",
      summary="A section appears more often than the spec allows.")
def duplicate_section(doc: Document, options: dict) -> Iterator[Finding]:
    for parent, specs, _, _ in _levels(doc):
        for spec in specs:
            if spec.max is None:
                continue
            bound = [c for c in parent.children if c.spec is spec]
            for extra in bound[spec.max:]:
                first = doc.source.position(bound[0].span.start)[0]
                yield Finding(_heading_span(doc, extra), f"duplicate section \"{extra.title}\" (first on line {first})")


@rule(code="RL204", name="section-order", severity="warning", fix="sometimes",
      summary="Sections are not in the order the spec lists them.")
def section_order(doc: Document, options: dict) -> Iterator[Finding]:
    for parent, specs, order, _ in _levels(doc):
        if order != "strict":
            continue
        index = {id(s): i for i, s in enumerate(specs)}
        latest: Section | None = None
        fix = _reorder_fix(doc, parent.children, index)
        for child in parent.children:
            if child.spec is None:
                continue
            if latest is not None and index[id(child.spec)] < index[id(latest.spec)]:
                yield Finding(
                    _heading_span(doc, child),
                    f"section \"{child.title}\" should come before \"{latest.title}\"",
                    fix,
                )
                fix = None  # one move puts every section in place
            elif latest is None or index[id(child.spec)] > index[id(latest.spec)]:
                latest = child


def _reorder_fix(doc: Document, children: list[Section], index: dict[int, int]) -> Fix | None:
    """Sections in the spec's order; a section the spec does not name keeps
    its place after the named one it followed."""
    lead: list[int] = []
    groups: list[list[int]] = []
    for i, child in enumerate(children):
        if child.spec is None:
            (groups[-1] if groups else lead).append(i)
        else:
            groups.append([i])
    groups.sort(key=lambda g: index[id(children[g[0]].spec)])  # stable: ties keep their order
    order = lead + [i for g in groups for i in g]
    edit = move_sections(doc, children, order)
    return Fix.safe(edit, effect=Rendering.REORDERED) if edit else None


@rule(code="RL205", name="empty-section", fix="never", severity="warning",
      summary="A section the spec names (like \"Now\") with nothing under it.")
def empty_section(doc: Document, options: dict) -> Iterator[Finding]:
    # Only the sections the spec (or the preset) names: any other heading
    # with nothing under it is a title, a heading that is itself the content
    # ("Expected date of completion: TBA") or one of a pointer file's.
    heads = [h for h in doc.headings if h.block.depth == 0]
    for section in doc.root.walk():
        if section.heading is None or section.blocks or section.children:
            continue
        if section.spec is None or section.spec.catch_all:
            continue
        if section.heading is heads[0] and len(heads) > 1 and heads[1].level < section.level:
            continue  # a first heading above shallower ones is the file's title
        yield Finding(section.heading.span, f"section \"{section.title}\" is empty")


# a label that ends with a colon ("**Plan:**") introduces a list; it is not a heading
_EMPHASIS_ONLY = lazy(r"^(\*\*|__)([^*_\n]+?[^*_\n:])\1$")
_CAPS = lazy(r"[A-Z0-9 &/+'-]+")


def _pseudo_title(raw: str, after: str) -> str | None:
    """The heading a standalone paragraph stands for, or None. ``after`` is
    the type of the block that follows it."""
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
        return title
    if _CAPS.fullmatch(text) and sum(c.isalpha() for c in text) >= 2 and len(text.split()) <= 6:
        return text
    return None


@rule(code="RL206", name="pseudo-heading", fix="sometimes", severity="warning",
      summary="A short standalone line (bold, or in capitals) used as a heading.")
def pseudo_heading(doc: Document, options: dict) -> Iterator[Finding]:
    for section in doc.root.walk():
        blocks = section.blocks
        for i, block in enumerate(blocks):
            if block.type != "paragraph" or i + 1 >= len(blocks):
                continue
            after = blocks[i + 1].type
            if after not in ("list", "paragraph", "table"):
                continue
            title = _pseudo_title(doc.text[block.span.start : block.span.end], after)
            if title is None:
                continue
            level = min(section.level + 1, 6) if section.heading else 2
            fix = Fix.unsafe(Edit(block.span.start, block.span.end, f"{'#' * level} {title}"),
                             effect=Rendering.RESTRUCTURED)
            yield Finding(block.span, f"\"{title}\" is used as a heading; make it a level-{level} heading", fix)


@rule(code="RL207", name="model-schema", fix="never",
      summary="The document model does not satisfy the spec's `model` JSON Schema.")
def model_schema(doc: Document, options: dict) -> Iterator[Finding]:
    binding = doc.binding
    if binding is None or not binding.spec.model:
        return
    from referencing.exceptions import Unresolvable

    from ..export import export

    data = export(doc)
    validator = binding.spec.model_validator()
    try:
        try:
            errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
        except RecursionError:
            raise SpecError(f"{binding.spec.name}: $.model: the schema refers to itself without end") from None
    except Unresolvable as exc:  # checked when the spec loads; never fetched
        raise SpecError(f"{binding.spec.name}: $.model: cannot resolve {exc}") from None
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
