"""The document model as JSON (`roadmaplint export`), described by
schemas/roadmap.schema.json."""

from __future__ import annotations

from typing import Any

from .document import Document, Item, Link, Section, Span

VERSION = 1


def export(doc: Document) -> dict[str, Any]:
    """The model of ``doc``, bound to its spec (detected when not bound yet)."""
    if doc.binding is None:
        from .bind import resolve

        resolve(doc, None, None)
    from .dates import annotate

    annotate(doc)
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
        return {"text": it.text, "marker": it.marker, "checkbox": it.checkbox,
                "checked": it.checked, "status": it.status, "status_source": it.status_source,
                "status_marker": marker(it.status_marker), "in_legend": it.in_legend,
                "dates": [d.as_dict() for d in it.dates], "span": span(it.span), "links": [link(lk) for lk in it.links],
                "children": [item(c) for c in it.children]}

    def section(sec: Section) -> dict[str, Any]:
        h = sec.heading
        return {
            "title": sec.title,
            "level": sec.level,
            "heading": None if h is None else {"style": h.style, "span": span(h.span),
                                               "text_span": span(h.text_span)},
            "span": span(sec.span),
            "spec_section": sec.spec.name if sec.spec is not None else None,
            "implied_status": sec.implied_status,
            "dates": [d.as_dict() for d in sec.dates],
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
        "preset": doc.binding.spec.preset,
        "root": section(doc.root),
        "links": [link(lk) for lk in doc.links],
        "definitions": [link(d) for d in doc.definitions],
    }
