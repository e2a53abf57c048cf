"""One file's trip: read, lint, fix (guarded), write. The command line and
the language server both run files through here.

:func:`run_text` does no I/O: text (or bytes, with the path they stand for)
in, a :class:`Result` out. :func:`run_file` reads a file with honest
decoding, runs it, and writes the fixed bytes back keeping the file's
identity. :func:`fix_one` applies one violation's fix alone, guarded as
``format`` would guard it (the editor's quick fixes).
"""

from __future__ import annotations

from collections import Counter
from enum import Enum
from typing import TYPE_CHECKING

from .files import FileError

if TYPE_CHECKING:
    from .binding import Bound
    from .document import Document
    from .paths import PathLike
    from .settings import Settings
    from .source import Source
    from .violations import Violation


class Mode(str, Enum):
    """What a run does to the text."""

    LINT = "lint"  # report; change nothing
    FIX = "fix"  # apply the safe fixes
    FIX_UNSAFE = "fix-unsafe"  # the unsafe fixes too

    @property
    def fixes(self) -> bool:
        return self is not Mode.LINT


class Result:
    """What one run found and did."""

    # a plain class, not a dataclass: start-up pays for each one built
    def __init__(self, source: Source, document: Document, bound: Bound, violations: list[Violation],
                 fixed: Source | None = None, applied: Counter | None = None,
                 withheld: list[Violation] | None = None, notices: list[str] | None = None,
                 written: bool = False) -> None:
        self.source = source  # the text as read (or given)
        self.document = document  # the last text's document
        self.bound = bound  # that document bound to its spec
        self.violations = violations  # what remains (in LINT mode: everything found)
        self.fixed = fixed  # the text after fixing; None in LINT mode
        self.applied = Counter() if applied is None else applied  # rule code -> fixes applied
        # the violations whose fix the guard withheld (also in ``violations``;
        # the reason ends their message, they carry no fix)
        self.withheld = [] if withheld is None else withheld
        self.notices = [] if notices is None else notices  # what remote checks could not settle
        self.written = written  # run_file wrote the fixed bytes

    @property
    def changed(self) -> bool:
        """Whether fixing changed the file's bytes (text, BOM or encoding)."""
        return self.fixed is not None and self.fixed.to_bytes() != self.source.to_bytes()

    @property
    def text(self) -> str:
        """The text after the run (the text given, when nothing was fixed)."""
        return (self.fixed or self.source).text

    def to_bytes(self) -> bytes:
        """The file's bytes after the run, BOM and encoding included."""
        return (self.fixed or self.source).to_bytes()


class WriteError(FileError):
    """Fixing worked, writing it back did not; ``result`` is what the run
    found (its ``written`` is False)."""

    def __init__(self, message: str, result: Result) -> None:
        super().__init__(message)
        self.result = result


def run_text(text: str | bytes, settings: Settings, mode: Mode = Mode.LINT, *,
             path: str = "ROADMAP.md") -> Result:
    """Lint (and in a fix mode, fix) ``text``; no I/O. ``path`` names the
    text in violations. Bytes are decoded as a file's would be; raises
    source.SourceError for bytes that are no text, spec.SpecError for a
    broken spec; never for the document's content."""
    from .source import Source

    source = Source.from_bytes(text, path) if isinstance(text, bytes) else Source(text, path=path)
    return run_source(source, settings, mode)


def run_source(source: Source, settings: Settings, mode: Mode = Mode.LINT) -> Result:
    """:func:`run_text` for text already decoded."""
    from .linter import bind

    notices = _Notices(settings)
    if mode.fixes:
        from .fixes import fix

        fixed = fix(source, settings, unsafe=mode is Mode.FIX_UNSAFE)
        result = Result(source, fixed.document, bind(fixed.document, settings), fixed.remaining,
                        fixed.source, fixed.applied, fixed.withheld)
    else:
        from .document import load
        from .linter import lint_document

        doc = load(source)
        bound = bind(doc, settings)
        result = Result(source, doc, bound, lint_document(doc, settings, bound))
    result.notices = notices.taken()
    return result


def run_file(path: PathLike, settings: Settings, mode: Mode = Mode.LINT, *, write: bool = True) -> Result:
    """Read ``path``, run it, and (in a fix mode, with ``write``) write the
    fixed bytes back when they differ, keeping the file's mode, owner, hard
    links and symlink. Raises files.FileError for a file that cannot be
    read or decoded, :class:`WriteError` for one that cannot be written,
    spec.SpecError for a broken spec."""
    from . import files

    result = run_source(files.read(path), settings, mode)
    if write and result.changed:
        assert result.fixed is not None
        try:
            result.written = files.write(path, result.fixed)
        except FileError as exc:
            raise WriteError(str(exc), result) from None
    return result


def fix_one(document: Document, violation: Violation, *, unsafe: bool = True) -> str | None:
    """The text of ``document`` with only ``violation``'s fix applied, when
    the guard ``format`` runs lets that fix through on its own; None when it
    has no fix that ``unsafe`` allows, its fix is no text edit (a change of
    encoding or byte-order mark), or the guard refuses it."""
    from .document import load
    from .fixes import allowed, apply_edits, problem

    fix = violation.fix
    if fix is None or not allowed(fix, unsafe=unsafe) or not fix.edits:
        return None
    source = document.source
    after = apply_edits(source.text, list(fix.edits))
    if problem(document, load(source.replace(after)), [violation]) is not None:
        return None
    return after


class _Notices:
    """The notices remote checks leave during one run, taken off the
    process-wide list (a long-running process keeps none)."""

    def __init__(self, settings: Settings) -> None:
        self.start = -1
        if settings.check_remote:  # only then is there anything to take
            from .remote import NOTICES

            self.start = len(NOTICES)

    def taken(self) -> list[str]:
        if self.start < 0:
            return []
        from .remote import NOTICES

        out = NOTICES[self.start:]
        del NOTICES[self.start:]
        return out
