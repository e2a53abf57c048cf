"""`roadmaplint init`: infer a spec from an existing roadmap and write it as
a `.roadmaplint.toml`."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .bind import container
from .document import Document
from .engine import Settings, lint_document
from .spec import title_key


def infer(doc: Document) -> dict[str, Any]:
    """The spec this roadmap already follows: its sections in order, the
    markers (and legend) it uses, and which statuses sections imply."""
    binding = doc.binding
    assert binding is not None, "bind the document first"
    spec: dict[str, Any] = {"extends": binding.spec.preset or "generic"}
    titles = [s for s in doc.root.children if s.level == 1]
    if len(titles) == 1:
        spec["title"] = {"required": True}
    top = container(doc)
    # headings compare as the spec matches them: "🚀 Now" and "Now:" are one section
    counts = Counter(title_key(s.title) for s in top.children if s.heading is not None)
    sections: list[dict[str, Any]] = []
    seen: set[str] = set()
    for section in top.children:
        key = title_key(section.title)
        if section.heading is None or key in seen or not key:
            continue
        seen.add(key)
        entry: dict[str, Any] = {"name": section.title, "level": section.level, "required": True}
        if counts[key] > 1:
            entry["repeat"] = {"min": 1, "max": counts[key]}
        if section.implied_status:
            entry["status"] = section.implied_status
        sections.append(entry)
    if sections:
        spec["sections"] = sections
        spec["order"] = "strict"
    spec["allow_unknown_sections"] = True

    markers: dict[str, list[str]] = {}
    if binding.legend is not None:
        spec["legend"] = "required"
        for entry in binding.legend.entries:
            markers.setdefault(entry.status, []).append(entry.marker.value)
    else:
        for item in doc.items():
            m = item.status_marker
            if m is not None and item.status_source == "marker" and m.kind != "link" and item.status:
                found = markers.setdefault(item.status, [])
                if m.value not in found:
                    found.append(m.value)
    if markers:
        spec["statuses"] = {name: {"markers": values} for name, values in markers.items()}
    work = [it for s in doc.root.walk() for it in s.items if not it.in_legend]
    if work and all(it.status is not None for it in work):
        spec["items"] = {"status": "required"}
    return spec


def config_text(doc: Document, spec: dict[str, Any]) -> str:
    """The whole `.roadmaplint.toml`, with rules the roadmap does not satisfy
    yet listed under `ignore` so that it checks clean as it is."""
    from .engine import all_rules

    from .document import load

    settings = Settings(spec=spec, select=["RL2", "RL3"])
    failing = sorted({v.name for v in lint_document(load(doc.source), settings)})
    lines = [f"# Written by `roadmaplint init` from {doc.source.path}: the spec this roadmap follows.", ""]
    if failing:
        names = {r.name: r.code for r in all_rules()}
        lines.append("# Rules the roadmap does not satisfy yet; remove them from this list to see where.")
        lines.append("ignore = [" + ", ".join(json.dumps(n) for n in failing if n in names) + "]")
        lines.append("")
    lines.extend(_toml_table("spec", spec))
    return "\n".join(lines).rstrip("\n") + "\n"


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"
    return "[" + ", ".join(_value(x) for x in v) + "]"


def _key(k: str) -> str:
    return k if k.replace("-", "").replace("_", "").isalnum() and k.isascii() else json.dumps(k)


def _toml_table(name: str, table: dict[str, Any], array: bool = False) -> list[str]:
    header = f"[[{name}]]" if array else f"[{name}]"
    out = [header]
    nested = []
    for k, v in table.items():
        is_tables = isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
        if isinstance(v, dict) and k != "repeat" or is_tables:
            nested.append((k, v))
        else:
            out.append(f"{_key(k)} = {_value(v)}")
    if out == [header] and nested and not array:
        out = []  # a table of tables needs no header of its own
    else:
        out.append("")
    for k, v in nested:
        if isinstance(v, dict):
            out.extend(_toml_table(f"{name}.{_key(k)}", v))
        else:
            for item in v:
                out.extend(_toml_table(f"{name}.{_key(k)}", item, array=True))
    return out
