"""Lint one document: bind it to its spec, run the rules that apply with
their context, drop what suppression comments hide, and stamp each finding
with its rule, severity and position."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

from .registry import Context, Fixable, Rule, RuleError, all_rules, matches
from .settings import Settings
from .violations import Violation

if TYPE_CHECKING:
    from .binding import Bound
    from .document import Document
    from .source import Source
    from .spec import Spec


def bind(doc: Document, settings: Settings) -> Bound:
    """The document bound to its spec: the user's, a named preset, or the
    one detection picks. A new value each call; the document is not changed.
    Raises spec.SpecError for a broken spec or an unknown preset."""
    from . import binding as binder
    from .spec import PRESETS, SpecError

    if settings.preset not in (None, "auto", *PRESETS):
        where = f"{settings.config_path}: $.preset: " if settings.config_path else "--preset: "
        raise SpecError(f"{where}unknown preset {settings.preset!r} (one of auto, {', '.join(PRESETS)})")
    spec = user_spec(settings)
    # as in lint_document: binding makes an object or two per item and no
    # cycles, and the collector's passes over a big model are all it would cost
    enabled = gc.isenabled()
    gc.disable()
    try:
        return binder.resolve(doc, settings.preset, spec)
    finally:
        if enabled:
            gc.enable()


def user_spec(settings: Settings) -> Spec | None:
    """The configuration's spec, compiled once per configuration."""
    if settings.spec is None:
        return None
    import json

    from .spec import user_spec as load

    key = (settings.config_path or "", json.dumps(settings.spec, sort_keys=True, default=str))
    if key not in _SPECS:
        _SPECS[key] = load(settings.spec, settings.config_path or "config")
    return _SPECS[key]


_SPECS: dict[tuple[str, str], Any] = {}


def forget_specs() -> None:
    """Drop the specs read so far (a long-running server after a config change)."""
    _SPECS.clear()


def lint_document(doc: Document, settings: Settings, bound: Bound | None = None) -> list[Violation]:
    """The violations in ``doc``. ``bound`` is the document's binding when the
    caller already has it (it must come from :func:`bind` with these settings)."""
    # a lint makes many small objects and no cycles: on a big document the
    # cyclic collector's passes over the model cost time and nothing else
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _lint(doc, settings, bound)
    finally:
        if enabled:
            gc.enable()


def _lint(doc: Document, settings: Settings, bound: Bound | None) -> list[Violation]:
    source = doc.source
    if bound is None or bound.doc is not doc:
        bound = bind(doc, settings)
    # no directive in the document: nothing to look up per finding (and
    # suppress.py not imported: a directive is a comment that names
    # roadmaplint-)
    hides = None
    if any("roadmaplint-" in inner for _, inner in doc.comments):
        from .suppress import Suppressions

        suppress = Suppressions(doc)
        hides = suppress.hides if suppress.file or suppress.lines or suppress.ranges else None
    run = settings.run()
    shared: dict[Any, Any] = {}
    out = []
    path = source.path
    # source.position, without a call per offset: 1-based (line, column)
    # (a list: bisect on the index's array boxes a number at every probe)
    line_starts = list(source.line_starts)
    from bisect import bisect_right

    for r in rules_for(bound, settings):
        ctx = Context(bound, settings.rule_options(r), run, shared)
        never = r.fix is Fixable.NEVER
        # settings.severity(r, finding), read once per rule: the user's
        # severity, else the finding's own, else the rule's
        fixed = settings.configured_severity(r)
        default = r.severity.value
        code, name = r.code, r.name
        for finding in r.check(ctx):
            if never and finding.fix is not None:
                raise RuleError(f"{r.code} {r.name} declares no fix but yielded one")
            span = finding.span
            start, end = span.start, span.end
            line = bisect_right(line_starts, start)
            col = start - line_starts[line - 1] + 1
            if hides is not None and hides(r, line):
                continue
            if end == start:
                end_line, end_col = line, col
            else:
                end_line = bisect_right(line_starts, end)
                end_col = end - line_starts[end_line - 1] + 1
            # Violation's fields in order: path, code, name, severity, message,
            # span, line, column, end_line, end_column, fix
            out.append(Violation(path, code, name, fixed if fixed is not None else finding.severity or default,
                                 finding.message, span, line, col, end_line, end_col, finding.fix))
    from operator import attrgetter

    out.sort(key=attrgetter("line", "column", "code"))  # (v.line, v.column, v.code)
    return out


def lint(source: Source, settings: Settings | None = None) -> list[Violation]:
    from .document import load

    return lint_document(load(source), settings or Settings())


def rules_for(bound: Bound, settings: Settings) -> list[Rule]:
    """The enabled rules, plus those the document's spec turns on."""
    rules = settings.enabled()
    if settings.select is None:
        data = bound.spec.data
        extra = [
            r for r in all_rules()
            if r.wanted_by(data) and r not in rules
            and not any(matches(r, s) for s in settings.ignore)
        ]
        rules = sorted([*rules, *extra], key=lambda r: r.code)
    return rules
