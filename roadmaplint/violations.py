"""What rules produce and the linter reports: spans, edits, fixes, findings
and violations. No project imports: every other module may import this one."""

from __future__ import annotations

from enum import Enum
from typing import Any

# The types below are plain classes with ``__slots__`` rather than
# dataclasses: a run creates them by the thousand and a process pays for
# every class a dataclass decorator builds. They keep a dataclass's
# semantics: equality (and, for Span, Edit, Fix, Finding and Violation,
# a hash) over their fields, Edit ordered by (start, end, replacement).
# Treat them as immutable.


class Record:
    """A base for plain model classes: ``__slots__``, equality over
    ``_fields`` (as a dataclass has it), unhashable, mutable; ``repr``
    leaves out the ``_hidden`` fields."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _hidden: tuple[str, ...] = ()
    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return tuple(getattr(self, f) for f in self._fields) == tuple(getattr(other, f) for f in self._fields)

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields if f not in self._hidden)
        return f"{self.__class__.__qualname__}({shown})"


class FrozenRecord(Record):
    """A Record treated as immutable: hashable over its fields; ``ordered``
    classes compare as the tuples of their fields (a dataclass's
    ``order=True``)."""

    __slots__ = ()

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in self._fields)

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._key())


class OrderedRecord(FrozenRecord):
    __slots__ = ()

    def __lt__(self, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() >= other._key()


class Span:
    """Offsets into ``Source.text``: ``start`` inclusive, ``end`` exclusive."""

    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        return self.start == other.start and self.end == other.end  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.start, self.end))

    def __repr__(self) -> str:
        return f"Span(start={self.start!r}, end={self.end!r})"

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


class Edit:
    """Replace ``text[start:end]`` with ``replacement``."""

    __slots__ = ("start", "end", "replacement")

    def __init__(self, start: int, end: int, replacement: str) -> None:
        self.start = start
        self.end = end
        self.replacement = replacement

    def _key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.replacement)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Edit:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __lt__(self, other: Edit) -> bool:
        if other.__class__ is not Edit:
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: Edit) -> bool:
        if other.__class__ is not Edit:
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: Edit) -> bool:
        if other.__class__ is not Edit:
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: Edit) -> bool:
        if other.__class__ is not Edit:
            return NotImplemented
        return self._key() >= other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Edit(start={self.start!r}, end={self.end!r}, replacement={self.replacement!r})"


class Fix:
    """Edits applied together. A fix keeps every word of the text unless it
    declares ``rewrites``: then the words its edits touch may change (a URL's
    host, mojibake, a definition removed on purpose); the guard allows nothing
    else."""

    __slots__ = ("edits", "applicability", "rewrites", "bom", "encoding", "effect", "inserts")

    def __init__(self, edits: tuple[Edit, ...], applicability: Applicability = Applicability.SAFE,
                 rewrites: bool = False, bom: bool | None = None, encoding: str | None = None,
                 effect: Rendering | None = None, inserts: bool = False) -> None:
        self.edits = edits
        self.applicability = applicability
        self.rewrites = rewrites
        # changes to the file rather than its text: drop the BOM, write UTF-8
        self.bom = bom
        self.encoding = encoding
        # what the fix may change in the rendered page; None: REWRITTEN when
        # the fix rewrites words, else SAME
        self.effect = effect
        # the edits only insert text (a missing section): the guard checks that
        # they replace nothing and that the page gains the blocks of the
        # inserted text and changes in nothing else (declare RESTRUCTURED too)
        self.inserts = inserts

    def _key(self) -> tuple[Any, ...]:
        return (self.edits, self.applicability, self.rewrites, self.bom, self.encoding, self.effect, self.inserts)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Fix:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Fix(edits={self.edits!r}, applicability={self.applicability!r}, rewrites={self.rewrites!r}, "
                f"bom={self.bom!r}, encoding={self.encoding!r}, effect={self.effect!r}, inserts={self.inserts!r})")

    def replace(self, **changes: Any) -> Fix:
        """A copy with ``changes`` (as ``dataclasses.replace`` made one)."""
        values = {name: getattr(self, name) for name in Fix.__slots__}
        values.update(changes)
        return Fix(**values)

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


class Finding:
    """What a rule yields; the linter stamps code, name and severity."""

    __slots__ = ("span", "message", "fix", "severity")

    def __init__(self, span: Span, message: str, fix: Fix | None = None, severity: str | None = None) -> None:
        self.span = span
        self.message = message
        self.fix = fix
        # a finding milder than the rule's usual (mojibake quoted in code):
        # "warning" here gives way to a severity the user configures
        self.severity = severity

    def _key(self) -> tuple[Any, ...]:
        return (self.span, self.message, self.fix, self.severity)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Finding:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Finding(span={self.span!r}, message={self.message!r}, fix={self.fix!r}, severity={self.severity!r})"


class Violation:
    __slots__ = ("path", "code", "name", "severity", "message", "span", "line", "column", "end_line",
                 "end_column", "fix")

    def __init__(self, path: str, code: str, name: str, severity: str, message: str, span: Span, line: int,
                 column: int, end_line: int, end_column: int, fix: Fix | None = None) -> None:
        self.path = path
        self.code = code
        self.name = name
        self.severity = severity  # error | warning
        self.message = message
        self.span = span
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.fix = fix

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in Violation.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Violation:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return "Violation(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in Violation.__slots__) + ")"

    def replace(self, **changes: Any) -> Violation:
        """A copy with ``changes`` (as ``dataclasses.replace`` made one)."""
        values = {name: getattr(self, name) for name in Violation.__slots__}
        values.update(changes)
        return Violation(**values)

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
