"""The language server end to end: pytest-lsp starts `python -m roadmaplint lsp`
and talks to it over stdio as an editor would."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
SERVER = [sys.executable, "-m", "roadmaplint", "lsp"]
PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
TIMEOUT = 5.0

MOJIBAKE = "\u00e2\u0153\u2026"  # "✅" saved as UTF-8, read as Windows-1252
DAMAGED = (
    "# Roadmap #\n"
    "\n"
    "## Now\n"
    "\n"
    f"- 🦀 work {MOJIBAKE}   \n"  # the emoji counts two UTF-16 units
    "- 🚀 ship it\n"
    "\n"
    "## Next ##\n"
    "\n"
    "- plan the next thing\n"
    "\n"
    "### Search\n"  # open ATX headings outnumber the closed ones: those two are reported
    "\n"
    "- index the notes\n"
    "\n"
    "### Sync\n"
    "\n"
    "- between devices\n"
)
CLEAN = "# Roadmap\n\n## Now\n\n- 🦀 work ✅\n"

lsp = pytest.mark.asyncio(loop_scope="module")  # one server for the module


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lsp") / "my roadmaps"  # a URI with %20 in it
    (root / ".git").mkdir(parents=True)  # stop the config search here
    return root


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def client(lsp_client: LanguageClient, workdir: Path):
    lsp_client.registrations = []  # type: ignore[attr-defined]

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    # VS Code offers no positionEncodings: the server must answer in UTF-16
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=workdir.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workdir.as_uri(), name="lsp")],
        )
    )
    yield
    await lsp_client.shutdown_session()


# -- helpers -------------------------------------------------------------------


async def _until(client: LanguageClient, method: str, done) -> None:
    async def wait() -> None:
        # the check and the next wait are one step: nothing arrives between
        while not done():
            await client.wait_for_notification(method)

    await asyncio.wait_for(wait(), TIMEOUT)


async def published(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """The diagnostics published for ``uri`` since ``forget``."""
    await _until(client, PUBLISH, lambda: uri in client.diagnostics)
    return list(client.diagnostics[uri])


def forget(client: LanguageClient, uri: str) -> None:
    client.diagnostics.pop(uri, None)


def open_doc(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    forget(client, uri)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=version, text=text)
        )
    )
    return uri


def change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def close(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply edits as a client would: UTF-16 positions, all against the
    original text, lines broken at CRLF, CR or LF (written apart from the
    server's own conversion on purpose)."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def offset(pos: types.Position) -> int:
        if pos.line >= len(starts):
            return len(text)
        i, units = starts[pos.line], 0
        while units < pos.character and i < len(text) and text[i] not in "\r\n":
            units += 2 if ord(text[i]) > 0xFFFF else 1
            i += 1
        return i

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for (start, end, new), later in zip(spans, [None, *spans]):
        assert later is None or end <= later[0], "edits overlap"
        text = text[:start] + new + text[end:]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    edit = action.edit
    assert edit is not None
    if edit.document_changes:
        (change,) = edit.document_changes
        assert change.text_document.uri == uri
        return list(change.edits)
    return list(edit.changes[uri])


def cli_format(text: str, path: Path) -> str:
    """What `roadmaplint format - --stdin-filename PATH` prints for ``text``."""
    from helpers import run

    result = run("format", "-", "--stdin-filename", str(path), input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")


def spans(diagnostics: list[types.Diagnostic]) -> list[tuple]:
    return [
        (d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
        for d in diagnostics
    ]


# -- tests ---------------------------------------------------------------------


@lsp
async def test_diagnostics_in_utf16(client: LanguageClient, workdir: Path) -> None:
    uri = open_doc(client, workdir / "ROADMAP.md", DAMAGED)
    diagnostics = await published(client, uri)
    assert spans(diagnostics) == [
        ("RL501", 0, 0, 0, 11),
        # "- 🦀 work " is 9 code points but 10 UTF-16 units
        ("RL101", 4, 10, 4, 13),
        # trailing whitespace is formatting: the formatter's job, not a diagnostic
        ("RL501", 7, 0, 7, 10),
    ]
    mojibake = diagnostics[1]
    assert mojibake.severity == types.DiagnosticSeverity.Error
    assert mojibake.source == "roadmaplint"
    assert mojibake.message == f'mojibake "{MOJIBAKE}" -> "✅"'
    assert mojibake.code_description.href.endswith("/rules/RL101-mojibake.md")
    close(client, uri)


@lsp
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
async def test_formatting_is_roadmaplint_format(client: LanguageClient, workdir: Path, newline: str) -> None:
    text = DAMAGED.replace("\n", newline)
    path = workdir / f"format-{len(newline)}" / "ROADMAP.md"
    path.parent.mkdir()
    uri = open_doc(client, path, text)
    await published(client, uri)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert edits
    formatted = apply(text, edits)
    assert formatted == cli_format(text, path)
    assert f"- 🦀 work ✅{newline}" in formatted and "## Next" + newline in formatted
    close(client, uri)


@lsp
async def test_quick_fix_and_fix_all(client: LanguageClient, workdir: Path) -> None:
    path = workdir / "actions" / "ROADMAP.md"
    path.parent.mkdir()
    uri = open_doc(client, path, DAMAGED)
    diagnostics = await published(client, uri)
    mojibake = next(d for d in diagnostics if d.code == "RL101")

    def request(rng: types.Range, diagnostics: list, only: list | None = None):
        return client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=rng,
                context=types.CodeActionContext(diagnostics=diagnostics, only=only),
            )
        )

    # the cursor on the mojibake: its fix, and fix-all
    cursor = types.Position(line=4, character=11)
    actions = await request(types.Range(start=cursor, end=cursor), [mojibake])
    quick = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert [a.diagnostics[0].code for a in quick] == ["RL101"]
    edits = edits_of(quick[0], uri)
    assert [(e.range.start.character, e.range.end.character, e.new_text) for e in edits] == [(10, 13, "✅")]
    assert apply(DAMAGED, edits).splitlines()[4] == "- 🦀 work ✅   "

    (fix_all,) = [a for a in actions if a.kind == "source.fixAll.roadmaplint"]
    assert fix_all.title == "Fix all roadmaplint problems"
    assert apply(DAMAGED, edits_of(fix_all, uri)) == cli_format(DAMAGED, path)

    # an editor asking only for source.fixAll (on save) gets only that
    actions = await request(types.Range(start=cursor, end=cursor), [], only=[types.CodeActionKind.SourceFixAll])
    assert [a.kind for a in actions] == ["source.fixAll.roadmaplint"]

    # a line with nothing wrong: no quick fix
    blank = types.Position(line=5, character=3)
    actions = await request(types.Range(start=blank, end=blank), [], only=[types.CodeActionKind.QuickFix])
    assert not actions
    close(client, uri)


@lsp
async def test_changes_are_relinted_once_debounced(client: LanguageClient, workdir: Path) -> None:
    path = workdir / "change" / "ROADMAP.md"
    path.parent.mkdir()
    uri = open_doc(client, path, CLEAN)
    assert await published(client, uri) == []

    forget(client, uri)
    for version, text in enumerate(["# A #\n", "# A #\n\n## B ##\n", DAMAGED], start=2):
        change(client, uri, text, version)
    diagnostics = await published(client, uri)
    assert spans(diagnostics)[1] == ("RL101", 4, 10, 4, 13)  # the last text's
    # the earlier changes' runs were cancelled, not merely overtaken
    forget(client, uri)
    await asyncio.sleep(0.4)
    assert uri not in client.diagnostics

    change(client, uri, CLEAN, 5)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert await published(client, uri) == []  # on save, at once

    forget(client, uri)
    change(client, uri, DAMAGED, 6)
    assert len(await published(client, uri)) == 3
    forget(client, uri)
    close(client, uri)
    assert await published(client, uri) == []  # closed: cleared


@lsp
async def test_broken_config_is_a_message_not_a_crash(client: LanguageClient, workdir: Path) -> None:
    project = workdir / "broken"
    project.mkdir()
    (project / ".roadmaplint.toml").write_text('[rules.heading-style]\nstyle = "sideways"\n', encoding="utf-8")
    seen = len(client.messages)
    uri = open_doc(client, project / "ROADMAP.md", DAMAGED)
    await _until(client, types.WINDOW_SHOW_MESSAGE, lambda: len(client.messages) > seen)
    message = client.messages[seen]
    assert message.type == types.MessageType.Error
    assert "$.rules.heading-style.style" in message.message and "\n" not in message.message
    assert await published(client, uri) == []

    # formatting with that config: no edits, and the server lives on
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert not edits

    # the config mended (the watcher the server asked for reports it):
    # linted again, with the new config
    (method,) = {r.method for r in client.registrations}
    assert method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    (project / ".roadmaplint.toml").write_text('extend-select = ["trailing-whitespace"]\n', encoding="utf-8")
    forget(client, uri)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(project / ".roadmaplint.toml").as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    # a formatting rule the config selects is a diagnostic too
    assert [d.code for d in await published(client, uri)] == ["RL501", "RL101", "RL502", "RL501"]
    close(client, uri)
    other = open_doc(client, workdir / "elsewhere.md", DAMAGED)
    assert len(await published(client, other)) == 3
    close(client, other)


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER, server_env=ENV), loop_scope="module"
)
async def utf8_client(lsp_client: LanguageClient, workdir: Path):
    capabilities = types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16]
        )
    )
    result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=capabilities, root_uri=workdir.as_uri())
    )
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


@lsp
async def test_utf8_when_the_client_prefers_it(utf8_client: LanguageClient, workdir: Path) -> None:
    uri = open_doc(utf8_client, workdir / "utf8.md", DAMAGED)
    diagnostics = await published(utf8_client, uri)
    # "- 🦀 work " is 12 bytes; the mojibake's three characters 2 + 2 + 3
    assert spans(diagnostics)[1:3] == [("RL101", 4, 12, 4, 19), ("RL501", 7, 0, 7, 10)]


def test_pygls_is_only_imported_by_lsp(workdir: Path) -> None:
    """`check` never imports pygls; `lsp` without it says how to install it."""
    path = workdir / "ROADMAP.md"
    path.write_text(DAMAGED.replace(MOJIBAKE, "✅"), encoding="utf-8")  # no need to load ftfy
    code = (
        "import sys\n"
        "from roadmaplint.cli import main\n"
        "def run(args):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as exc:\n"
        "        return exc.code\n"
        f"checked = run(['check', '-q', {str(path)!r}])\n"
        "print(checked, 'pygls' in sys.modules, 'lsprotocol' in sys.modules)\n"
        "sys.modules['pygls'] = None  # as if the extra were not installed\n"
        "print(run(['lsp']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    assert proc.stdout.splitlines()[-2:] == ["0 False False", "2"], proc.stderr
    assert proc.stderr.startswith("roadmaplint: error: the language server needs pygls: pip install 'roadmaplint[lsp]'")
    assert len(proc.stderr.strip().splitlines()) == 1


# -- positions and edits, in process -------------------------------------------

# line breaks of every kind, emoji (two UTF-16 units), and breaks LSP does not
# count as lines (str.splitlines does)
_ALPHABET = st.sampled_from(["a", "b", " ", "#", "\n", "\r", "\r\n", "🦀", "é", "\u2028", "\x0c"])
_TEXT = st.lists(_ALPHABET, max_size=30).map("".join)


@given(before=_TEXT, after=_TEXT)
@settings(max_examples=100, deadline=None)
def test_edits_turn_one_text_into_the_other(before: str, after: str) -> None:
    from roadmaplint.lsp import Positions, text_edits
    from roadmaplint.source import Source

    edits = text_edits(before, after, Positions(Source(before)))
    assert apply(before, edits) == after
    assert (not edits) == (before == after)


@given(text=_TEXT, data=st.data())
@settings(max_examples=100, deadline=None)
def test_positions_round_trip(text: str, data: st.DataObject) -> None:
    from roadmaplint.lsp import Positions
    from roadmaplint.source import Source

    source = Source(text)
    offset = data.draw(st.integers(0, len(text)))
    if text[offset - 1 : offset + 1] == "\r\n":
        offset -= 1  # no position lies inside a CRLF
    for encoding, units in [("utf-16", 2), ("utf-8", 4), ("utf-32", 1)]:
        where = Positions(source, encoding)
        pos = where.position(offset)
        assert where.offset(pos) == offset
        line_start = source.line_start(pos.line)
        assert pos.character <= units * (offset - line_start)
    assert Positions(source).position(offset) == Positions(source, "utf-16").position(offset)


def in_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str):
    """A server in this process with ROADMAP.md open holding ``text``: the
    server, the document's URI, and the messages it shows (collected)."""
    from pygls.workspace import Workspace

    from roadmaplint import lsp as server_module

    server = server_module.make_server()
    server.protocol._workspace = Workspace(tmp_path.as_uri(), types.TextDocumentSyncKind.Full)
    server.protocol.client_capabilities = types.ClientCapabilities()
    shown: list[types.ShowMessageParams] = []
    monkeypatch.setattr(server, "window_show_message", shown.append)
    uri = (tmp_path / "ROADMAP.md").as_uri()
    server.workspace.put_text_document(types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text))
    return server, uri, shown


def test_withheld_fix_leaves_the_other_fixes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A fix the guard refuses (removing the NBSP after `---` turns the next
    line into a code block) is withheld; fix-all still adds the final newline,
    and no error is shown."""
    text = "---\u00a0\n\t\u00a0"
    server, uri, shown = in_process(monkeypatch, tmp_path, text)

    edits = server.fix_all(uri, report=True)
    assert edits is not None
    after = text
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        assert e.range.start.line == e.range.end.line == 1  # nothing on line 0 (the NBSP stays)
        line = after.split("\n")[1]
        line = line[: e.range.start.character] + e.new_text + line[e.range.end.character :]
        after = after.split("\n")[0] + "\n" + line
    assert after == "---\u00a0\n\t\u00a0\n"
    assert shown == []


def test_a_mistune_the_parser_does_not_fit_is_one_line_in_the_editor(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    """An installed mistune whose private pieces have changed: the editor
    shows the one line `roadmaplint check` prints (version, what failed,
    what to install), once, and no traceback reaches the log as an internal
    error."""
    import mistune

    from roadmaplint import parser

    monkeypatch.setattr(parser, "_MARKDOWN", None)  # built (and checked) again
    monkeypatch.delattr(mistune.list_parser, "_parse_list_item")
    server, uri, shown = in_process(monkeypatch, tmp_path, "# Roadmap\n\n- [ ] ship\n")

    assert server.analyse(uri) is None
    assert server.fix_all(uri, report=True) is None
    assert len(shown) == 1
    message = shown[0].message
    assert message.startswith("roadmaplint: ") and "internal error" not in message
    assert f"mistune {mistune.__version__}" in message and "_parse_list_item is missing" in message


def test_the_server_runs_with_the_garbage_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """A check turns the cyclic GC off for its run; an editor's server lives for
    hours, and every document it lints leaves cycles behind."""
    import gc

    from roadmaplint import cli, lsp

    seen = []
    monkeypatch.setattr(lsp, "serve", lambda: seen.append(gc.isenabled()))
    was = gc.isenabled()
    try:
        cli.main(["lsp"])
    except SystemExit as exc:
        assert exc.code in (0, None)
    finally:
        gc.enable() if was else gc.disable()
    assert seen == [True]
