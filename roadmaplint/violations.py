"""What rules produce and the linter reports: spans, edits, fixes, findings
and violations. No project imports: every other module may import this one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class Span:
    """Offsets into ``Source.text``: ``start`` inclusive, ``end`` exclusive."""

    start: int
    end: int

    def __contains__(self, offset: int) -> bool:
        return self.start <= offset < self.end

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


class Severity(str, Enum):
    """How much a finding matters: only errors fail `check` (unless --strict)."""

    ERROR = "error"
    WARNING = "warning"


class Fixable(str, Enum):
    """Whether a rule's findings carry fixes (ruff's fix availability)."""

    ALWAYS = "always"
    SOMETIMES = "sometimes"
    NEVER = "never"


class Applicability(str, Enum):
    """When a fix is applied (ruff's applicability)."""

    SAFE = "safe"  # applied by `format` and `check --fix`
    UNSAFE = "unsafe"  # applied only with --unsafe-fixes


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
    # the edits only insert text (a missing section): the guard checks that
    # they replace nothing and that the page gains the blocks of the
    # inserted text and changes in nothing else (declare RESTRUCTURED too)
    inserts: bool = False

    @property
    def renders(self) -> Rendering:
        if self.effect is not None:
            return self.effect
        return Rendering.REWRITTEN if self.rewrites else Rendering.SAME

    @classmethod
    def safe(cls, *edits: Edit, rewrites: bool = False, effect: Rendering | None = None) -> Fix:
        return cls(tuple(edits), rewrites=rewrites, effect=effect)

    @classmethod
    def unsafe(cls, *edits: Edit, rewrites: bool = False, effect: Rendering | None = None,
               inserts: bool = False) -> Fix:
        return cls(tuple(edits), Applicability.UNSAFE, rewrites, effect=effect, inserts=inserts)

    @property
    def empty(self) -> bool:
        return not self.edits and self.bom is None and self.encoding is None


@dataclass(frozen=True)
class Finding:
    """What a rule yields; the linter stamps code, name and severity."""

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
