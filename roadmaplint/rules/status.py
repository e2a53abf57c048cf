"""Status rules (RL3xx): every item states its status with a known marker."""

from __future__ import annotations

from typing import Iterator

from ..document import Document, Item, Section, Span
from ..engine import Finding, rule
from ..spec import PRESETS


def _items(doc: Document) -> Iterator[tuple[Section, Item, Item | None]]:
    """(section, item, parent item) for every item that is work, not legend."""

    def rec(section: Section, items: list[Item], parent: Item | None):
        for item in items:
            if not item.in_legend:
                yield section, item, parent
            yield from rec(section, item.children, item)

    for section in doc.root.walk():
        yield from rec(section, section.items, None)


def _policy(doc: Document, section: Section) -> str:
    """The items-status policy of the nearest bound section, else the spec's."""
    binding = doc.binding
    chain = _ancestors(doc.root, section) or [section]
    for sec in reversed(chain):
        if sec.spec is not None and sec.spec.items_status:
            return sec.spec.items_status
    return binding.spec.items_status


def _ancestors(root: Section, target: Section) -> list[Section]:
    if root is target:
        return [root]
    for child in root.children:
        path = _ancestors(child, target)
        if path:
            return [root, *path]
    return []


def _line_span(item: Item) -> Span:
    return Span(item.span.start, item.marker_span.end)


@rule(code="RL301", name="missing-status", fix="never",
      summary="An item that needs a status has none.")
def missing_status(doc: Document, options: dict) -> Iterator[Finding]:
    if doc.binding is None:
        return
    policies: dict[int, str] = {}
    for section, item, parent in _items(doc):
        if parent is not None:
            continue  # sub-items detail their parent's work
        policy = policies.setdefault(id(section), _policy(doc, section))
        if policy == "required" and item.status is None:
            yield Finding(_line_span(item), f"item has no status: \"{_short(item.text)}\"")
        elif policy == "forbidden" and item.status_marker is not None:
            yield Finding(item.status_marker.span, "a status marker is not allowed here")


@rule(code="RL302", name="unknown-status", fix="never",
      summary="An item uses a status marker that neither the spec nor the legend defines.")
def unknown_status(doc: Document, options: dict) -> Iterator[Finding]:
    binding = doc.binding
    if binding is None:
        return
    legend = binding.legend
    spec = binding.spec
    for section, item, _ in _items(doc):
        marker = item.status_marker
        if marker is None or item.status_source == "marker" or marker.kind == "link":
            continue
        known = spec.status_of(marker.value) is not None
        if legend is not None and known:
            continue  # legend-mismatch reports it once, at the legend
        if legend is None and marker.kind in ("emoji", "shortcode", "mojibake") and _policy(doc, section) != "required":
            continue  # a decorative emoji, where nothing asks for markers
        defined = " ".join(e.marker.value for e in legend.entries) if legend else ""
        hint = f" (the legend defines {defined})" if defined else ""
        yield Finding(marker.span, f"unknown status marker \"{marker.text}\"{hint}")


@rule(code="RL303", name="status-conflict", fix="never",
      summary="An item's marker contradicts its task box or its section.")
def status_conflict(doc: Document, options: dict) -> Iterator[Finding]:
    binding = doc.binding
    if binding is None:
        return
    spec = binding.spec
    for section, item, _ in _items(doc):
        marker = item.status_marker
        if marker is None or item.status_source != "marker":
            continue
        finished = spec.finished(item.status)
        if item.checkbox is not None and item.checked != finished:
            box = "checked" if item.checked else "unchecked"
            yield Finding(marker.span, f"{box} box next to a \"{item.status}\" marker \"{marker.text}\"")
            continue
        implied = _implied(section)
        if implied is not None and spec.finished(implied) != finished:
            yield Finding(marker.span, f"\"{item.status}\" marker \"{marker.text}\" in a section of {implied} work")


def _implied(section: Section) -> str | None:
    return section.implied_status


@rule(code="RL304", name="legend-mismatch", fix="never",
      summary="The legend is missing, or defines markers the spec or the items do not agree with.")
def legend_mismatch(doc: Document, options: dict) -> Iterator[Finding]:
    binding = doc.binding
    if binding is None:
        return
    spec, legend = binding.spec, binding.legend
    if legend is None:
        if spec.legend == "required":
            yield Finding(Span(0, 0), "no status legend (a list near the top like \"- ✅ done\")")
        return
    if spec.legend == "forbidden":
        yield Finding(legend.block.span, "a status legend is not allowed by the spec")
        return
    if spec.name not in PRESETS:
        # a user's spec names its markers: the legend must not invent others
        for entry in legend.entries:
            if spec.status_of(entry.marker.value) is None:
                yield Finding(entry.marker.span, f"legend marker \"{entry.marker.text}\" is not a status in the spec")
    reported: set[str] = set()
    for _, item, _ in _items(doc):
        marker = item.status_marker
        if marker is None or marker.kind == "link" or legend.status_of(marker) is not None:
            continue
        if spec.status_of(marker.value) is not None and marker.key not in reported:
            reported.add(marker.key)
            line = doc.source.position(marker.span.start)[0]
            yield Finding(legend.block.span, f"items use \"{marker.text}\" (line {line}) but the legend does not define it")


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
