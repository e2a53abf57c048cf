"""The bound document model as JSON data (`roadmaplint export`, and what a
spec's `model` schema validates), described by
schemas/roadmap.schema.json."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .document import Item, Link, Section, Span

if TYPE_CHECKING:
    from .binding import Bound

VERSION = 1


def model_data(bound: Bound) -> dict[str, Any]:
    """The model of a document bound to its spec."""
    doc = bound.doc
    src = doc.source

    def span(s: Span | None) -> dict[str, int] | None:
        if s is None:
            return None
        line, col = src.position(s.start)
        end_line, end_col = src.position(s.end)
        return {"start": s.start, "end": s.end, "line": line, "column": col,
                "end_line": end_line, "end_column": end_col}

    def link(lk: Link) -> dict[str, Any]:
        return {"kind": lk.kind, "text": lk.text, "url": lk.url, "label": lk.label,
                "span": span(lk.span), "text_span": span(lk.text_span), "url_span": span(lk.url_span)}

    def marker(m: Any) -> dict[str, Any] | None:
        if m is None:
            return None
        return {"text": m.text, "kind": m.kind, "value": m.value, "span": span(m.span)}

    def item(it: Item) -> dict[str, Any]:
        state = bound.item(it)
        return {"text": it.text, "marker": it.marker, "checkbox": it.checkbox,
                "checked": it.checked, "status": state.status, "status_source": state.source,
                "status_marker": marker(state.marker), "in_legend": state.in_legend,
                "dates": [d.as_dict() for d in bound.dates(it)], "span": span(it.span), "links": [link(lk) for lk in it.links],
                "children": [item(c) for c in it.children]}

    def section(sec: Section) -> dict[str, Any]:
        h = sec.heading
        spec = bound.section_spec(sec)
        return {
            "title": sec.title,
            "level": sec.level,
            "heading": None if h is None else {"style": h.style, "span": span(h.span),
                                               "text_span": span(h.text_span)},
            "span": span(sec.span),
            "spec_section": spec.name if spec is not None else None,
            "implied_status": bound.implied_status(sec),
            "dates": [d.as_dict() for d in bound.dates(sec)],
            "blocks": [{"type": b.type, "span": span(b.span)} for b in sec.blocks],
            "items": [item(i) for i in sec.items],
            "children": [section(c) for c in sec.children],
        }

    titles = [h for h in doc.headings if h.level == 1 and h.block.depth == 0]
    return {
        "version": VERSION,
        "path": src.path,
        "bom": src.bom,
        "newline": {"\n": "lf", "\r\n": "crlf", "\r": "cr"}[src.newline] if not src.mixed_newlines else "mixed",
        "title": titles[0].title if titles else None,
        "front_matter": None if doc.front_matter is None else {
            "format": doc.front_matter.format,
            "raw": doc.front_matter.raw,
            "span": span(doc.front_matter.span),
            "keys": doc.front_matter.keys,
        },
        "preset": bound.spec.preset,
        "root": section(doc.root),
        "links": [link(lk) for lk in doc.links],
        "definitions": [link(d) for d in doc.definitions],
    }
