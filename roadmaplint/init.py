"""`roadmaplint init`: infer a spec from an existing roadmap and write it as
a `.roadmaplint.toml`."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from . import dates as D
from .binding import Bound, container
from .document import Section
from .linter import lint_document
from .settings import Settings
from .spec import pattern_risk, title_key

# a period or version written in a heading, as a pattern that matches the
# next one too: "q3 2025" -> q[1-4] \d{4}, "june 2026" -> any month, "v1.2" -> v\d{1,4}\.\d{1,4}
_MONTH = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}"
_TOKEN = re.compile(
    r"(?P<q>\bq[1-4]\b)|(?P<h>\bh[12]\b)|(?P<month>\b(?:" + "|".join(sorted(D.MONTHS, key=len, reverse=True)) + r")\b\.?)"
    r"|(?P<season>\b(?:spring|summer|autumn|fall|winter)\b)|(?P<year>\d{4})|(?P<num>\d+)|(?P<other>.)",
    re.S,
)
_KINDS = [("q[1-4]", "Quarters"), ("h[12]", "Halves"), (_MONTH, "Months"), ("(?:spring", "Seasons")]
_SEPARATORS = " \t([{-–—:,|/"


def _shape(text: str) -> str:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "q":
            out.append("q[1-4]")
        elif kind == "h":
            out.append("h[12]")
        elif kind == "month":
            out.append(_MONTH + (r"\.?" if m.group(0).endswith(".") else ""))
        elif kind == "season":
            out.append("(?:spring|summer|autumn|fall|winter)")
        elif kind == "year":
            out.append(r"\d{4}")
        elif kind == "num":
            out.append(r"\d{1,4}")
        else:
            out.append(_escape(m.group(0)))
    return "".join(out)


def _escape(text: str) -> str:
    return re.escape(text).replace("\\ ", " ").replace("\\-", "-")


def _version_shape(text: str) -> str:
    """`v1.2`, `1.10.0`, `2.0.0-rc1` -> one pattern for every such version."""
    m = re.match(r"(\D*)\d+(\.\d+)?", text)
    assert m is not None
    return _escape(m.group(1)) + (r"\d{1,4}\.\d{1,4}(?:\.\d{1,4})?" if m.group(2) else r"\d{1,4}")


def _dated(section: Section) -> tuple[str, str, str] | None:
    """How a heading named by a period or a version is matched so that the
    next period's heading matches too: ("milestone", pattern, name) when
    the name leads the title (`Q3 2025`, `v1.2: Plugins`, `hledger 1.40`),
    ("named", pattern, name) when it follows a name of its own, which
    becomes the section's name (`Now (Q1 2025)` -> `Now`); None for a
    heading without one."""
    found = _dated_pattern(section)
    if found is None:
        return None
    key = title_key(section.title)
    return found if re.search(found[1], key[:80]) and not pattern_risk(found[1]) else None


def _dated_pattern(section: Section) -> tuple[str, str, str] | None:
    title, key = section.title, title_key(section.title)
    name = D.name_of(title)
    period = name.period or D.find_period(title)  # "Next (Q2 2025)" is named "Next"
    found: list[tuple[int, bool, str, bool]] = []  # (where in the key, leads the title, text, a version)
    if period is not None:
        text = " ".join(period.text.split()).casefold()
        at = key.find(text)
        if at >= 0 and text:
            found.append((at, name.period_strong, text, False))
    version = D.version_at(key)
    if name.version is not None and version is not None:
        found.append((version.start, name.version_strong, key[version.start : version.end], True))
    if not found:
        return None
    at, strong, text, is_version = min(found, key=lambda f: (not f[1], f[0]))
    shape = _version_shape(text) if is_version else _shape(text)
    end = at + len(text)
    if end > 70:  # specs see a heading's first 80 characters
        return None
    if strong:
        label = ("Versions" if is_version else next((word for part, word in _KINDS if part in shape), None)
                 or ("Years" if re.fullmatch(r"\d{4}", text) else "Dates"))
        prefix = key[:at].strip(" ([{")
        return "milestone", "^" + _escape(key[:at]) + shape + r"(?!\w)", f"{prefix} {label.lower()}" if prefix else label
    before = key[:at].rstrip(_SEPARATORS)
    if not before:
        return None
    shown = title[: period.start_offset] if period is not None and not is_version else ""
    if not shown.rstrip(_SEPARATORS):
        at_title = title.casefold().find(before)  # the name as written, not lower-cased
        shown = title[at_title : at_title + len(before)] if at_title >= 0 else before
    shown = shown.rstrip(_SEPARATORS)
    # the rest of the title keeps sections apart that differ only there;
    # a second period there moves on too (`Q4’22/Q1’23`)
    after = key[end : max(end, 60)]
    pattern = "^" + _escape(key[:at]) + shape + _shape(after)
    if pattern_risk(pattern):
        pattern = "^" + _escape(key[:at]) + shape + _escape(after)
    return "named", pattern, shown


def infer(bound: Bound) -> dict[str, Any]:
    """The spec this roadmap already follows: its sections in order, the
    markers (and legend) it uses, and which statuses sections imply."""
    doc = bound.doc
    spec: dict[str, Any] = {"extends": bound.spec.preset or "generic"}
    titles = [s for s in doc.root.children if s.level == 1]
    if len(titles) == 1:
        spec["title"] = {"required": True}
    top = container(doc)
    headed = [s for s in top.children if s.heading is not None]
    # a heading named by a period or a version matches by a pattern, so that
    # next quarter's heading still does; the others by name, compared as the
    # spec matches them ("🚀 Now" and "Now:" are one section)
    dated = {id(s): _dated(s) for s in headed}
    group = {id(s): (dated[id(s)][1] if dated[id(s)] else title_key(s.title)) for s in headed}
    counts = Counter(group.values())
    sections: list[dict[str, Any]] = []
    seen: set[str] = set()
    names: set[str] = set()
    for section in headed:
        key = group[id(section)]
        if key in seen or not key:
            continue
        seen.add(key)
        how = dated[id(section)]
        if how is None:
            entry: dict[str, Any] = {"name": section.title, "level": section.level, "required": True}
            if counts[key] > 1:
                entry["repeat"] = {"min": 1, "max": counts[key]}
            if implied := bound.implied_status(section):
                entry["status"] = implied
        else:
            # no status: the heading's own words give it, and the next
            # milestone's may differ
            kind, pattern, name = how
            if kind == "milestone" and counts[key] == 1:
                name = section.title  # one of its kind: its own title says it best
            base, n = name, 1
            while name.casefold() in names:
                n += 1
                name = f"{base} {n}"
            entry = {"name": name, "pattern": pattern, "level": section.level}
            if kind == "milestone" or counts[key] > 1:
                entry["repeat"] = {"min": 1}
            else:
                entry["required"] = True
        names.add(entry["name"].casefold())
        sections.append(entry)
    sections = _bound(sections, headed)
    if sections:
        spec["sections"] = sections
        spec["order"] = _order([s.title for s in headed])
    spec["allow_unknown_sections"] = True

    markers: dict[str, list[str]] = {}
    if bound.legend is not None:
        spec["legend"] = "required"
        for entry in bound.legend.entries:
            markers.setdefault(entry.status, []).append(entry.marker.value)
    else:
        for item in doc.items():
            state = bound.item(item)
            m = state.marker
            if m is not None and state.source == "marker" and m.kind != "link" and state.status:
                found = markers.setdefault(state.status, [])
                if m.value not in found:
                    found.append(m.value)
    if markers:
        spec["statuses"] = {name: {"markers": values} for name, values in markers.items()}
    work = [bound.item(it) for s in doc.root.walk() for it in s.items]
    work = [state for state in work if not state.in_legend]
    if work and all(state.status is not None for state in work):
        spec["items"] = {"status": "required"}
    return spec


def _bound(entries: list[dict[str, Any]], headed: list[Section]) -> list[dict[str, Any]]:
    """The entries as the spec will bind them: a heading binds to the first
    entry that matches it, so an entry whose headings an earlier pattern
    takes (`v0.1.x` under `^v\\d{1,4}\\.\\d{1,4}`) goes, and a pattern that takes
    several headings may repeat."""
    from .spec import SectionSpec

    compiled = [SectionSpec.from_data(e) for e in entries]
    claimed: Counter[int] = Counter()
    for section in headed:
        key = title_key(section.title)
        first = next((i for i, c in enumerate(compiled) if c.matches(key, section.level)), None)
        if first is not None:
            claimed[first] += 1
    out = []
    for i, entry in enumerate(entries):
        if not claimed[i]:
            continue
        if claimed[i] > compiled[i].max if compiled[i].max is not None else False:
            entry["repeat"] = {"min": 1, "max": claimed[i]}
            entry.pop("required", None)
        out.append(entry)
    return out


def _order(titles: list[str]) -> str:
    """`strict` for sections known by name; for a list of milestones, the
    direction it is written in, so that milestone-order keeps it that way."""
    found = D.milestones([D.name_of(t) for t in titles], weak=True)
    if found is None:
        return "strict"
    return "reverse-chronological" if D.direction(found[1]) else "chronological"


def config_text(bound: Bound, spec: dict[str, Any]) -> str:
    """The whole `.roadmaplint.toml`, with rules the roadmap does not satisfy
    yet listed under `ignore` so that it checks clean as it is."""
    from .registry import all_rules

    doc = bound.doc
    settings = Settings(spec=spec, select=["RL2", "RL3"])
    failing = sorted({v.name for v in lint_document(doc, settings)})
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


# -- init --template: a new roadmap from a spec ------------------------------------

PLACEHOLDER = "(an item)"


def skeleton(spec: Any, title: str = "Roadmap") -> str:
    """A new roadmap that follows ``spec`` (a compiled spec.Spec): a title,
    the legend when the spec requires one, and the spec's sections in
    order, each with its template, else its subsections, else one
    placeholder item (with a marker when items must state a status)."""
    from .binding import title_status

    markers = {name: st.markers[0] for name, st in spec.statuses.items() if st.markers}
    parts = [f"# {title}"]
    if spec.legend == "required":
        entries = [f"- {marker} {name.replace('-', ' ')}" for name, marker in markers.items()]
        parts += ["Legend:", "\n".join(entries)]
    required = spec.items_status == "required" or spec.legend == "required"

    def add(sections: list[Any], level: int, must: bool) -> None:
        for sec in sections:
            here = min(sec.level or level, 6)
            need = must if sec.items_status is None else sec.items_status == "required"
            for _ in range(max(sec.min, 1)):
                parts.append(f"{'#' * here} {sec.name}")
                if sec.template is not None:
                    parts.append(sec.template.strip("\n"))
                elif not sec.children:
                    status = sec.status or title_status(sec.name) or "planned"
                    marker = markers.get(status) if need else None
                    parts.append(f"- {marker} {PLACEHOLDER}" if marker else f"- {PLACEHOLDER}")
                add(sec.children, here + 1, need)

    add(spec.sections, 2, required)
    return "\n\n".join(parts) + "\n"
