"""The language server (`roadmaplint lsp`): diagnostics, formatting and code
actions over stdio, built on pygls.

Only the ``lsp`` command imports this module, so pygls stays an optional
extra and ``roadmaplint check`` never pays for it. The text the client sends
is the truth: it is linted and fixed as it is, line endings included, and
every position crosses the wire in the negotiated encoding (UTF-16 unless
the client offers another).
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from . import __version__, linter
from .config import NAME as CONFIG_NAME
from .config import PYPROJECT, ConfigError, resolve
from .document import Document
from .settings import Settings
from .violations import Applicability, Violation
from .output import RULES_URL
from .parser import ParserMismatch
from .runner import Mode, fix_one, run_source
from .source import Source
from .spec import SpecError

DEBOUNCE = 0.3  # seconds of quiet after a change before linting again
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.roadmaplint"
SOURCE = "roadmaplint"
log = logging.getLogger(__name__)


# -- positions ---------------------------------------------------------------

_UNITS: dict[str, Callable[[str], int]] = {
    types.PositionEncodingKind.Utf8.value: lambda s: len(s.encode("utf-8", "surrogatepass")),
    types.PositionEncodingKind.Utf16.value: lambda s: len(s.encode("utf-16-le", "surrogatepass")) // 2,
    types.PositionEncodingKind.Utf32.value: len,
}


class Positions:
    """Code-point offsets into a Source to LSP positions and back.

    Lines break at CRLF, CR and LF, as LSP and :class:`Source` both say (not
    at the other breaks ``str.splitlines`` knows)."""

    def __init__(self, source: Source, encoding: Any = None) -> None:
        self.source = source
        key = getattr(encoding, "value", encoding)
        self.units = _UNITS.get(key, _UNITS[types.PositionEncodingKind.Utf16.value])

    def position(self, offset: int) -> types.Position:
        src = self.source
        line = src.line_of(offset)
        start = src.line_start(line)
        # never inside a CRLF: a column past the content means the line's end
        return types.Position(line=line, character=self.units(src.text[start : min(offset, src.line_end(line))]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, pos: types.Position) -> int:
        src = self.source
        if pos.line >= src.line_count:
            return len(src.text)
        i, end, count = src.line_start(pos.line), src.line_end(pos.line), 0
        while i < end and count < pos.character:
            count += self.units(src.text[i])
            i += 1
        return i


def text_edits(before: str, after: str, where: Positions) -> list[types.TextEdit]:
    """Minimal edits turning ``before`` into ``after``: a line diff, each
    changed block trimmed to the characters that differ."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    edits = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a, b = "".join(old[i1:i2]), "".join(new[j1:j2])
        p = _common(a, b)
        s = _common(a[p:][::-1], b[p:][::-1])
        # keep a CRLF whole: half of one is no position a client can show
        if 0 < p < len(a) and a[p - 1] == "\r" and a[p] == "\n":
            p -= 1
        if 0 < s < len(a) and a[len(a) - s - 1] == "\r" and a[len(a) - s] == "\n":
            s -= 1
        start, end = starts[i1] + p, starts[i2] - s
        edits.append(types.TextEdit(range=where.range(start, end), new_text=b[p : len(b) - s]))
    return edits


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


# -- the server --------------------------------------------------------------


@dataclass
class Analysis:
    source: Source
    doc: Document
    settings: Settings
    violations: list[Violation]
    where: Positions


class RoadmapServer(LanguageServer):
    def __init__(self) -> None:
        # full sync: the client sends the whole text, so no position of ours
        # ever depends on pygls's own (splitlines-based) line index
        super().__init__(SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.config_cache: dict = {}
        self.stamps: dict[str, float | None] = {}  # config file -> mtime when read
        self.generation = 0  # bumped whenever the config may have changed
        self.memo: dict[tuple[str, str], tuple[tuple, Any]] = {}  # (what, uri) -> (key, value)
        self.uris: set[str] = set()  # open documents, as the client spells them
        self.pending: dict[str, asyncio.Task] = {}
        self.shown: set[str] = set()

    # -- messages ------------------------------------------------------------
    def error(self, message: str, once: bool = False) -> None:
        """One line in the editor; ``once`` for errors every keystroke would repeat."""
        message = " ".join(f"roadmaplint: {message}".split())
        log.error(message)
        if once and message in self.shown:
            return
        self.shown.add(message)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))

    # -- config --------------------------------------------------------------
    def forget_config(self) -> None:
        self.config_cache.clear()
        self.stamps.clear()
        self.shown.clear()
        self.generation += 1
        linter.forget_specs()  # spec files named by a config: read them again too

    def check_config(self) -> None:
        """Forget a config edited behind the editor's back (its mtime tells)."""
        if any(_mtime(p) != t for p, t in self.stamps.items()):
            self.forget_config()

    def settings(self, path: Path) -> Settings:
        settings = resolve(path, None, self.config_cache)
        for key in self.config_cache:
            if key[0] == "load" and key[1] not in self.stamps:
                self.stamps[key[1]] = _mtime(key[1])
        return settings

    # -- documents -----------------------------------------------------------
    def document(self, uri: str) -> Any:
        # pygls keys its documents by the unquoted URI
        return self.workspace.text_documents.get(unquote(uri))

    def memoized(self, what: str, uri: str, compute: Callable[[], Any]) -> Any:
        """One lint (or fix) per document version and config: code actions
        are asked for at every move of the cursor. Failures are not kept."""
        self.check_config()
        document = self.document(uri)
        key = (None if document is None else document.version, self.generation)
        hit = self.memo.get((what, uri))
        if hit is not None and hit[0] == key and key[0] is not None:
            return hit[1]
        value = compute()
        if value is not None:
            self.memo[what, uri] = (key, value)
        return value

    def context(self, uri: str) -> tuple[Source, Settings, Positions] | None:
        """The open document as a Source, with its settings; None after
        reporting a config error."""
        document = self.document(uri)
        if document is None:
            return None
        fs_path = to_fs_path(uri)
        # a buffer with no file (untitled:) is judged like stdin: ROADMAP.md here
        path = Path(fs_path) if fs_path else Path(self.workspace.root_path or os.getcwd()) / "ROADMAP.md"
        try:
            settings = self.settings(path)
        except ConfigError as exc:
            self.error(str(exc), once=True)
            return None
        source = Source(document.source, path=str(path))
        return source, settings, Positions(source, self.workspace.position_encoding)

    def analyse(self, uri: str) -> Analysis | None:
        return self.memoized("lint", uri, lambda: self._analyse(uri))

    def _analyse(self, uri: str) -> Analysis | None:
        found = self.context(uri)
        if found is None:
            return None
        source, settings, where = found
        # diagnostics are what `check` reports; formatting is the formatter's
        settings = settings.replace(formatting=False)
        try:
            result = run_source(source, settings, Mode.LINT)
        except (SpecError, ParserMismatch) as exc:  # one line, as the command line says it
            self.error(str(exc), once=True)
            return None
        return Analysis(source, result.document, settings, result.violations, where)

    def fix_all(self, uri: str, report: bool) -> list[types.TextEdit] | None:
        """Edits applying every safe fix (what ``roadmaplint format`` does);
        None when the document cannot be fixed (a config error). A fix the
        guard would refuse is withheld, not the others; ``report`` is kept for
        callers that show why nothing changed."""
        return self.memoized("fix", uri, lambda: self._fix_all(uri, report))

    def _fix_all(self, uri: str, report: bool) -> list[types.TextEdit] | None:
        found = self.context(uri)
        if found is None:
            return None
        source, settings, where = found
        try:
            result = run_source(source, settings, Mode.FIX)
        except (SpecError, ParserMismatch) as exc:  # one line, as the command line says it
            self.error(str(exc), once=True)
            return None
        return text_edits(source.text, result.text, where)

    # -- diagnostics ---------------------------------------------------------
    def publish(self, uri: str) -> None:
        document = self.document(uri)
        if document is None:
            return
        try:
            analysis = self.analyse(uri)
        except Exception as exc:  # a bug must not take the editor's server down
            log.exception("linting %s", uri)
            self.error(f"internal error: {type(exc).__name__}: {exc}", once=True)
            analysis = None
        diagnostics = [] if analysis is None else [diagnostic(v, analysis.where) for v in analysis.violations]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version)
        )

    def clear(self, uri: str) -> None:
        self.cancel(uri)
        self.uris.discard(uri)
        self.memo.pop(("lint", uri), None)
        self.memo.pop(("fix", uri), None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def schedule(self, uri: str, delay: float = DEBOUNCE) -> None:
        """Lint ``uri`` after ``delay`` of quiet; a newer change restarts the wait."""
        self.cancel(uri)
        self.pending[uri] = asyncio.get_running_loop().create_task(self._later(uri, delay))

    async def _later(self, uri: str, delay: float) -> None:
        await asyncio.sleep(delay)
        self.pending.pop(uri, None)
        self.publish(uri)

    def cancel(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()

    def now(self, uri: str) -> None:
        self.cancel(uri)
        self.publish(uri)

    def relint_all(self) -> None:
        for uri in sorted(self.uris):
            self.now(uri)

    # -- code actions --------------------------------------------------------
    def workspace_edit(self, uri: str, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
        document = self.document(uri)
        if document is not None and get_capability(
            self.client_capabilities, "workspace.workspace_edit.document_changes", False
        ):
            # versioned: a client refuses it if the text moved on meanwhile
            ident = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=document.version)
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=ident, edits=edits)])
        return types.WorkspaceEdit(changes={uri: edits})

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        only = params.context.only

        def wanted(kind: str) -> bool:
            return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)

        actions = []
        if wanted(types.CodeActionKind.QuickFix.value):
            analysis = self.analyse(uri)
            if analysis is not None:
                actions += self.quick_fixes(uri, analysis, params.range)
        if wanted(FIX_ALL):
            edits = self.fix_all(uri, report=False)
            if edits:
                actions.append(
                    types.CodeAction(
                        title="Fix all roadmaplint problems",
                        kind=FIX_ALL,
                        edit=self.workspace_edit(uri, edits),
                    )
                )
        return actions

    def quick_fixes(self, uri: str, analysis: Analysis, rng: types.Range) -> list[types.CodeAction]:
        where = analysis.where
        lo, hi = where.offset(rng.start), where.offset(rng.end)
        actions = []
        for v in analysis.violations:
            if not (v.span.start <= hi and lo <= v.span.end):
                continue
            # None: display-only, a change of file encoding no text edit can
            # make, or refused by the guard `format` runs (for this one fix)
            after = fix_one(analysis.doc, v, unsafe=True)
            if after is None:
                continue
            unsafe = v.fix is not None and v.fix.applicability is Applicability.UNSAFE
            source = analysis.source
            title = f"Fix {v.code} ({v.name}){' [unsafe]' if unsafe else ''}: {v.message}"
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic(v, where)],
                    is_preferred=not unsafe,
                    edit=self.workspace_edit(uri, text_edits(source.text, after, where)),
                )
            )
        return actions


def diagnostic(v: Violation, where: Positions) -> types.Diagnostic:
    return types.Diagnostic(
        range=where.range(v.span.start, v.span.end),
        message=v.message,
        severity=types.DiagnosticSeverity.Error if v.severity == "error" else types.DiagnosticSeverity.Warning,
        code=v.code,
        code_description=types.CodeDescription(href=f"{RULES_URL}{v.code}-{v.name}.md"),
        source=SOURCE,
        data={"name": v.name, "fixable": v.fixable},
    )


def _mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def _is_config(uri: str) -> bool:
    return uri.rsplit("/", 1)[-1] in (CONFIG_NAME, PYPROJECT)


def make_server() -> RoadmapServer:
    server = RoadmapServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: RoadmapServer, params: types.InitializedParams) -> None:
        if get_capability(ls.client_capabilities, "workspace.did_change_watched_files.dynamic_registration", False):
            watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in (CONFIG_NAME, PYPROJECT)]
            ls.client_register_capability(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="roadmaplint-config",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
                        )
                    ]
                )
            )

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: RoadmapServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(_is_config(change.uri) for change in params.changes):
            ls.forget_config()
            ls.relint_all()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RoadmapServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.uris.add(params.text_document.uri)
        ls.now(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: RoadmapServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: RoadmapServer, params: types.DidSaveTextDocumentParams) -> None:
        if _is_config(params.text_document.uri):
            ls.forget_config()
            ls.relint_all()
        else:
            ls.now(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RoadmapServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.clear(params.text_document.uri)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: RoadmapServer, params: None) -> None:
        for uri in list(ls.pending):
            ls.cancel(uri)

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: RoadmapServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        try:
            return ls.fix_all(params.text_document.uri, report=True)
        except Exception as exc:
            log.exception("formatting %s", params.text_document.uri)
            ls.error(f"internal error: {type(exc).__name__}: {exc}")
            return None

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
    )
    def code_action(ls: RoadmapServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        try:
            return ls.code_actions(params) or None
        except Exception:  # asked on every cursor move: log, never pop up
            log.exception("code actions for %s", params.text_document.uri)
            return None

    return server


def serve() -> None:
    """Serve over stdio until the client says exit."""
    make_server().start_io()
