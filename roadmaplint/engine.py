"""Rules, violations, selection and suppression comments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from .document import Document, Span

if TYPE_CHECKING:
    from .source import Source


class Applicability(str, Enum):
    SAFE = "safe"  # applied by `format` and `check --fix`
    UNSAFE = "unsafe"  # applied only with --unsafe-fixes
    DISPLAY = "display"  # shown, never applied


class Rendering(str, Enum):
    """What a fix may change in the page GitHub renders (judged with
    cmark-gfm, GitHub's own renderer)."""

    SAME = "same"  # nothing: whitespace, blank lines, heading and list markup, BOM
    REORDERED = "reordered"  # the same blocks in another order: section and milestone moves
    REWRITTEN = "rewritten"  # the text the edits touch: mojibake, a URL's host, a marker's form
    # the blocks the edits touch become other blocks (a bold line made a
    # heading): unsafe fixes only, judged by the word and code guards
    RESTRUCTURED = "restructured"


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Fix:
    """Edits applied together. A fix keeps every word of the text unless it
    declares ``rewrites``: then the words its edits touch may change (a URL's
    host, mojibake, a definition removed on purpose); the guard allows nothing
    else."""

    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    rewrites: bool = False
    # changes to the file rather than its text: drop the BOM, write UTF-8
    bom: bool | None = None
    encoding: str | None = None
    # what the fix may change in the rendered page; None: REWRITTEN when the
    # fix rewrites words, else SAME
    effect: Rendering | None = None

    @property
    def renders(self) -> Rendering:
        if self.effect is not None:
            return self.effect
        return Rendering.REWRITTEN if self.rewrites else Rendering.SAME

    @classmethod
    def safe(cls, *edits: Edit, rewrites: bool = False, effect: Rendering | None = None) -> Fix:
        return cls(tuple(edits), rewrites=rewrites, effect=effect)

    @classmethod
    def unsafe(cls, *edits: Edit, rewrites: bool = False, effect: Rendering | None = None) -> Fix:
        return cls(tuple(edits), Applicability.UNSAFE, rewrites, effect=effect)

    @property
    def empty(self) -> bool:
        return not self.edits and self.bom is None and self.encoding is None


@dataclass(frozen=True)
class Finding:
    """What a rule yields; the engine stamps code, name and severity."""

    span: Span
    message: str
    fix: Fix | None = None
    # a finding milder than the rule's usual (mojibake quoted in code):
    # "warning" here gives way to a severity the user configures
    severity: str | None = None


@dataclass(frozen=True)
class Violation:
    path: str
    code: str
    name: str
    severity: str  # error | warning
    message: str
    span: Span
    line: int
    column: int
    end_line: int
    end_column: int
    fix: Fix | None = None

    @property
    def fixable(self) -> bool:
        return self.fix is not None and self.fix.applicability is Applicability.SAFE

    @property
    def unsafe_fixable(self) -> bool:
        """A fix exists, applied only with ``--unsafe-fixes``."""
        return self.fix is not None and self.fix.applicability is Applicability.UNSAFE

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "fixable": self.fixable,
            # "safe", "unsafe" (applied only with --unsafe-fixes) or null
            "fix": self.fix.applicability.value if self.fixable or self.unsafe_fixable else None,
        }


Check = Callable[[Document, dict], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    check: Check
    fix: str = "never"  # always | sometimes | never
    severity: str = "error"
    default: bool = True  # enabled without being selected
    # a formatting rule (whitespace, blank lines): `format` applies it;
    # `check` runs it only when a selector names it (ruff's check/format split)
    formatting: bool = False
    options: dict[str, Any] = field(default_factory=dict)  # JSON Schema properties
    # run-time settings the rule reads, passed in its options under these
    # names: "today", "check_remote", "cache"
    needs: tuple[str, ...] = ()
    # a spec key (dotted: "items.order") that turns the rule on when
    # nothing is selected (tracking-link, item-order)
    spec_key: str | None = None

    def wanted_by(self, data: dict[str, Any]) -> bool:
        """Whether a spec's data asks for this rule."""
        if not self.spec_key:
            return False
        node: Any = data
        for part in self.spec_key.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return bool(node)

    @property
    def defaults(self) -> dict[str, Any]:
        return {k: v["default"] for k, v in self.options.items() if "default" in v}


_REGISTRY: dict[str, Rule] = {}


def rule(**meta: Any) -> Callable[[Check], Check]:
    """Register a rule: ``@rule(code="RL501", name="heading-style", ...)``."""

    def register(check: Check) -> Check:
        r = Rule(check=check, **meta)
        assert r.code not in _REGISTRY, r.code
        _REGISTRY[r.code] = r
        return check

    return register


def all_rules() -> list[Rule]:
    from . import rules  # noqa: F401  (registers every rule module)

    return sorted(_REGISTRY.values(), key=lambda r: r.code)


def find_rule(selector: str) -> Rule | None:
    for r in all_rules():
        if selector.upper() == r.code or selector.lower() == r.name:
            return r
    return None


def matches(r: Rule, selector: str) -> bool:
    """A selector is ALL, a code, a code prefix (RL5) or a rule name."""
    sel = selector.strip()
    if not sel:
        return False
    return sel.upper() == "ALL" or r.code.startswith(sel.upper()) or sel.lower() == r.name


def is_selector(selector: str) -> bool:
    return any(matches(r, selector) for r in all_rules())


@dataclass
class Settings:
    """Resolved settings for one file."""

    select: list[str] | None = None  # None: the rules that are on by default
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule name -> options
    preset: str | None = None
    spec: Any = None
    config_path: str | None = None
    today: Any = None  # a datetime.date for the date rules; None means today
    check_remote: bool = False  # only --check-remote lets a rule use the network
    cache: Any = None  # --cache: where dead-link keeps its results
    # gitignore-style patterns of files not to check, each with the folder
    # it is relative to: (folder, pattern)
    exclude: list[tuple[str, str]] = field(default_factory=list)
    # whether formatting rules run without being selected: true for `format`
    # and the API, false for `check` (which reports problems, not formatting)
    formatting: bool = True

    def enabled(self) -> list[Rule]:
        out = []
        for r in all_rules():
            if self.select is None:
                on = (r.default and (self.formatting or not r.formatting)) or any(
                    matches(r, s) for s in self.extend_select
                )
            else:
                on = any(matches(r, s) for s in [*self.select, *self.extend_select])
            if on and not any(matches(r, s) for s in self.ignore):
                out.append(r)
        return out

    def rule_options(self, r: Rule) -> dict[str, Any]:
        opts = dict(r.defaults)
        opts.update(self.options.get(r.name, {}))
        opts.pop("severity", None)
        return opts

    def severity(self, r: Rule, finding: Finding | None = None) -> str:
        """The user's severity for the rule, else the finding's own, else the
        rule's default."""
        configured = self.options.get(r.name, {}).get("severity")
        if configured is not None:
            return configured
        return (finding.severity if finding is not None else None) or r.severity


def bind(doc: Document, settings: Settings) -> None:
    """Bind the document to its spec once: the user's, a named preset, or
    the one detection picks. Raises spec.SpecError for a broken spec."""
    if doc.binding is not None:
        return
    from . import bind as binder
    from .spec import PRESETS, SpecError

    if settings.preset not in (None, "auto", *PRESETS):
        where = f"{settings.config_path}: $.preset: " if settings.config_path else "--preset: "
        raise SpecError(f"{where}unknown preset {settings.preset!r} (one of auto, {', '.join(PRESETS)})")
    binder.resolve(doc, settings.preset, user_spec(settings))


def user_spec(settings: Settings) -> Any:
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


def lint_document(doc: Document, settings: Settings) -> list[Violation]:
    source = doc.source
    bind(doc, settings)
    suppress = Suppressions(doc)
    out = []
    for r in _rules_for(doc, settings):
        options = settings.rule_options(r)
        for name in r.needs:
            options[name] = getattr(settings, name)
        for finding in r.check(doc, options):
            line, col = source.position(finding.span.start)
            if suppress.hides(r, line):
                continue
            end_line, end_col = source.position(finding.span.end)
            out.append(
                Violation(
                    path=source.path,
                    code=r.code,
                    name=r.name,
                    severity=settings.severity(r, finding),
                    message=finding.message,
                    span=finding.span,
                    line=line,
                    column=col,
                    end_line=end_line,
                    end_column=end_col,
                    fix=finding.fix,
                )
            )
    out.sort(key=lambda v: (v.line, v.column, v.code))
    return out


def lint(source: Source, settings: Settings | None = None) -> list[Violation]:
    from .document import load

    return lint_document(load(source), settings or Settings())


def _rules_for(doc: Document, settings: Settings) -> list[Rule]:
    """The enabled rules, plus those the document's spec turns on."""
    rules = settings.enabled()
    if settings.select is None and doc.binding is not None:
        data = doc.binding.spec.data
        extra = [
            r for r in all_rules()
            if r.wanted_by(data) and r not in rules
            and not any(matches(r, s) for s in settings.ignore)
        ]
        rules = sorted([*rules, *extra], key=lambda r: r.code)
    return rules


_DIRECTIVE = re.compile(
    r"^\s*roadmaplint-(disable-next-line|disable-file|disable|enable)\b(.*)$", re.S
)


class Suppressions:
    """``<!-- roadmaplint-disable[-next-line|-file] [RULES] -->`` and
    ``<!-- roadmaplint-enable [RULES] -->``; no rule list means every rule."""

    def __init__(self, doc: Document) -> None:
        self.file: list[list[str]] = []
        self.lines: dict[int, list[list[str]]] = {}
        # (line, action, selectors) in document order
        self.ranges: list[tuple[int, str, list[str]]] = []
        src = doc.source
        for span, inner in sorted(doc.comments, key=lambda c: c[0].start):
            m = _DIRECTIVE.match(inner)
            if not m:
                continue
            action, rest = m.group(1), m.group(2)
            selectors = [s for s in re.split(r"[\s,]+", rest.strip()) if s]
            if action == "disable-file":
                self.file.append(selectors)
            elif action == "disable-next-line":
                line = src.line_of(span.end) + 2  # 1-based line after the comment
                self.lines.setdefault(line, []).append(selectors)
            else:
                self.ranges.append((src.line_of(span.start) + 1, action, selectors))

    @staticmethod
    def _covers(r: Rule, selectors: list[str]) -> bool:
        return not selectors or any(matches(r, s) for s in selectors)

    def hides(self, r: Rule, line: int) -> bool:
        if any(self._covers(r, s) for s in self.file):
            return True
        if any(self._covers(r, s) for s in self.lines.get(line, ())):
            return True
        disabled = False
        for at, action, selectors in self.ranges:
            if at > line:
                break
            if self._covers(r, selectors):
                disabled = action == "disable"
        return disabled


def iter_lines(doc: Document) -> Iterator[tuple[int, int, int]]:
    """(0-based line, start, end) for every line outside code blocks and
    front matter."""
    src = doc.source
    code_lines: set[int] = set(doc.front_matter_lines())
    for block in doc.walk_blocks():
        if block.type == "code":
            first, last = src.line_of(block.span.start), src.line_of(block.span.end)
            code_lines.update(range(first, last + 1))
    for line in range(src.line_count):
        if line not in code_lines:
            yield line, src.line_start(line), src.line_end(line)
