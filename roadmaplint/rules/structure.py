"""Structure rules (RL2xx): the sections the spec asks for, in its order."""

from __future__ import annotations

import re
from typing import Iterator

from ..document import Document, Section, Span
from ..engine import Edit, Finding, Fix, rule
from ..spec import SectionSpec


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
      summary="A section the spec requires is missing.")
def missing_section(doc: Document, options: dict) -> Iterator[Finding]:
    for parent, specs, _, _ in _levels(doc):
        for spec in specs:
            count = sum(1 for c in parent.children if c.spec is spec)
            if count < spec.min:
                where = f" under \"{parent.title}\"" if parent.heading else ""
                need = f"at least {spec.min} " if spec.min > 1 else ""
                yield Finding(_heading_span(doc, parent), f"missing {need}section \"{spec.name}\"{where}")


@rule(code="RL202", name="unknown-section", fix="never",
      summary="A section the spec does not name, where the spec allows no others.")
def unknown_section(doc: Document, options: dict) -> Iterator[Finding]:
    for parent, specs, _, allow in _levels(doc):
        if allow:
            continue
        names = ", ".join(f'"{s.name}"' for s in specs)
        for child in parent.children:
            if child.heading is not None and child.spec is None:
                yield Finding(child.heading.span, f"unknown section \"{child.title}\" (expected one of {names})")


@rule(code="RL203", name="duplicate-section", fix="never",
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


@rule(code="RL204", name="section-order", fix="never",
      summary="Sections are not in the order the spec lists them.")
def section_order(doc: Document, options: dict) -> Iterator[Finding]:
    for parent, specs, order, _ in _levels(doc):
        if order != "strict":
            continue
        index = {id(s): i for i, s in enumerate(specs)}
        latest: Section | None = None
        for child in parent.children:
            if child.spec is None:
                continue
            if latest is not None and index[id(child.spec)] < index[id(latest.spec)]:
                yield Finding(
                    _heading_span(doc, child),
                    f"section \"{child.title}\" should come before \"{latest.title}\"",
                )
            elif latest is None or index[id(child.spec)] > index[id(latest.spec)]:
                latest = child


@rule(code="RL205", name="empty-section", fix="never", severity="warning",
      summary="A section with a heading and nothing under it.")
def empty_section(doc: Document, options: dict) -> Iterator[Finding]:
    for section in doc.root.walk():
        if section.heading is not None and not section.blocks and not section.children:
            yield Finding(section.heading.span, f"section \"{section.title}\" is empty")


# a label that ends with a colon ("**Plan:**") introduces a list; it is not a heading
_EMPHASIS_ONLY = re.compile(r"^(\*\*|__)([^*_\n]+?[^*_\n:])\1$")


def _pseudo_title(raw: str) -> str | None:
    text = raw.strip()
    if "\n" in text or not text or len(text) > 60:
        return None
    m = _EMPHASIS_ONLY.match(text)
    if m:
        return m.group(2).strip()
    if (re.fullmatch(r"[A-Z0-9 &/+'-]+", text) and sum(c.isalpha() for c in text) >= 2
            and len(text.split()) <= 6):
        return text
    return None


@rule(code="RL206", name="pseudo-heading", fix="sometimes",
      summary="A short standalone line (bold, or in capitals) used as a heading.")
def pseudo_heading(doc: Document, options: dict) -> Iterator[Finding]:
    for section in doc.root.walk():
        blocks = section.blocks
        for i, block in enumerate(blocks):
            if block.type != "paragraph" or i + 1 >= len(blocks):
                continue
            if blocks[i + 1].type not in ("list", "paragraph", "table"):
                continue
            title = _pseudo_title(doc.text[block.span.start : block.span.end])
            if title is None:
                continue
            level = min(section.level + 1, 6) if section.heading else 2
            fix = Fix.unsafe(Edit(block.span.start, block.span.end, f"{'#' * level} {title}"))
            yield Finding(block.span, f"\"{title}\" is used as a heading; make it a level-{level} heading", fix)


@rule(code="RL207", name="model-schema", fix="never",
      summary="The document model does not satisfy the spec's `model` JSON Schema.")
def model_schema(doc: Document, options: dict) -> Iterator[Finding]:
    binding = doc.binding
    if binding is None or not binding.spec.model:
        return
    from jsonschema import Draft202012Validator

    from ..export import export

    data = export(doc)
    validator = Draft202012Validator(binding.spec.model)
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
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
        yield Finding(where, f"{path}: {error.message}")

