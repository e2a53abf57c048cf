"""The document model as JSON (`roadmaplint export`), described by
schemas/roadmap.schema.json."""

from __future__ import annotations

from typing import Any

from .document import Document, model_data


def export(doc: Document) -> dict[str, Any]:
    """The model of ``doc``, bound to its spec (detected when not bound yet)."""
    if doc.binding is None:
        from .bind import resolve

        resolve(doc, None, None)
    from .dates import annotate

    annotate(doc)
    return model_data(doc)
