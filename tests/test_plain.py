"""`roadmaplint check PATH...` and `roadmaplint format PATH...` with no option,
as pre-commit runs them, run without click (commands.run_plain): the same
output, exit code and files as the command line that click reads."""

from __future__ import annotations

import inspect
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from roadmaplint import cli, commands, registry

ROOT = str(Path(registry.__file__).resolve().parents[1])  # the roadmaplint under test
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p)}
for name in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR"):
    ENV.pop(name, None)

CLEAN = "# Roadmap\n\n## Now\n\n- Parser, see [the plan](#now)\n"
# a broken anchor (error), and two closed ATX headings among open ones (a formatting fix)
BROKEN = "# Roadmap #\n\n## Now ##\n\n- Parser, see [the plan](#nowhere)\n\n### Search\n\n### Sync\n\n### Plugins\n"


def _roadmaplint(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "roadmaplint", *args], cwd=cwd, env=env or ENV,
                          capture_output=True)


def _tree(root: Path) -> None:
    (root / ".git").mkdir()  # the search for a config stops here
    (root / "clean").mkdir()
    (root / "clean" / "ROADMAP.md").write_text(CLEAN, encoding="utf-8")
    (root / "broken").mkdir()
    (root / "broken" / "ROADMAP.md").write_text(BROKEN, encoding="utf-8")
    (root / "many").mkdir()  # enough files for the worker pool
    for n in range(9):
        (root / "many" / f"p{n}").mkdir()
        (root / "many" / f"p{n}" / "ROADMAP.md").write_text(BROKEN if n % 2 else CLEAN, encoding="utf-8")
    (root / "badconfig").mkdir()
    (root / "badconfig" / ".roadmaplint.toml").write_text("preset = 3\n", encoding="utf-8")
    (root / "badconfig" / "ROADMAP.md").write_text(CLEAN, encoding="utf-8")
    # an escape sequence in a folder's name, so in each finding's path
    (root / "esc\x1b[31mape").mkdir()
    (root / "esc\x1b[31mape" / "ROADMAP.md").write_text(BROKEN, encoding="utf-8")
    (root / "empty").mkdir()
    if sys.platform != "win32":
        name = os.fsdecode(b"caf\xe9")  # a name that is not UTF-8
        (root / name).mkdir()
        (root / name / "ROADMAP.md").write_text(BROKEN, encoding="utf-8")


CASES = [
    ["clean/ROADMAP.md"],
    ["broken/ROADMAP.md"],
    ["./broken//ROADMAP.md", "clean"],
    ["many"],
    ["badconfig/ROADMAP.md"],
    ["esc\x1b[31mape/ROADMAP.md"],
    ["missing.md"],
    ["miss\x1b[38:5:1ming.md"],  # an error naming a path with a control sequence in it
    ["clean/ROADMAP.md", "missing.md"],
    [],
] + ([[os.fsdecode(b"caf\xe9")]] if sys.platform != "win32" else [])


@pytest.mark.parametrize("command", ["check", "format"])
@pytest.mark.parametrize("paths", CASES, ids=lambda p: " ".join(p) or "no-paths")
def test_a_plain_run_is_the_run_click_reads(tmp_path: Path, command: str, paths: list[str]) -> None:
    """The same stdout, stderr, exit code and files as the same run through
    click (`--` makes click read the arguments: what follows is paths)."""
    plain, through_click = tmp_path / "plain", tmp_path / "click"
    for root in (plain, through_click):
        root.mkdir()
        _tree(root)
    cwd = "empty" if not paths else "."
    a = _roadmaplint(command, *paths, cwd=plain / cwd)
    b = _roadmaplint(command, "--", *paths, cwd=through_click / cwd)
    assert b"Traceback" not in a.stderr + b.stderr
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)
    for path in sorted(plain.rglob("ROADMAP.md")):
        assert path.read_bytes() == (through_click / path.relative_to(plain)).read_bytes()
    if command == "format" and paths == ["broken/ROADMAP.md"]:  # the case is not empty: it wrote
        assert (plain / "broken" / "ROADMAP.md").read_text(encoding="utf-8") != BROKEN
    if paths == ["esc\x1b[31mape/ROADMAP.md"] and command == "check":
        # not a terminal: the escape sequence is removed, as click.echo removes it
        assert a.stdout.startswith(b"escape/ROADMAP.md:1:1:") and b"\x1b" not in a.stdout


@pytest.mark.parametrize("args", [["check", "ROADMAP.md"], ["format", "ROADMAP.md"], ["check"],
                                  ["check", "--quiet", "ROADMAP.md"], ["check", "--", "ROADMAP.md"],
                                  ["check", "-"], ["--debug", "check", "ROADMAP.md"]])
def test_only_a_command_with_no_option_runs_without_click(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ROADMAP.md").write_text(CLEAN, encoding="utf-8")
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print('click' in sys.modules, file=sys.stderr))\n"
            f"sys.argv = ['roadmaplint', *{args!r}]\n"
            "from roadmaplint.__main__ import main\nmain()\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=ENV, capture_output=True, text=True,
                            input=CLEAN)
    assert result.returncode == 0, result.stderr
    plain = args[0] in ("check", "format") and not any(a.startswith("-") for a in args[1:])
    assert result.stderr.splitlines()[-1] == str(not plain)


def _defaults(function) -> dict:
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not inspect.Parameter.empty}


@pytest.mark.parametrize("command, function", [("check", commands.check), ("format", commands.format_files)])
def test_a_plain_run_takes_every_option_at_clicks_default(command: str, function) -> None:
    """What click gives the command for no option is what the function
    takes when it is called with paths alone."""
    passed = cli.cli.commands[command].make_context(command, []).params
    assert passed.pop("paths") == ()
    defaults = _defaults(function)
    assert defaults.pop("paths") == ()
    assert set(passed) == set(defaults)
    for name, value in passed.items():
        # click gives a list or a tuple where the function takes an empty tuple
        value = tuple(value) if isinstance(value, list) else value
        assert value == defaults[name] and type(value) is type(defaults[name]), name


def test_echo_writes_as_click_echo_does(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", out)
    commands.echo("a \x1b[1mbold\x1b[0m word")  # not a terminal: control sequences go
    commands.echo("b \x1b[38:5:1mred\x1b[2~ \x1b[?25lx")  # with colons, a tilde, a private mode
    commands.echo("kept \x1b[1mstyle\x1b[0m", color=True)
    commands.echo(b"\xff raw", nl=False)
    out.flush()
    assert out.buffer.getvalue() == b"a bold word\nb red x\nkept \x1b[1mstyle\x1b[0m\n\xff raw"
    # a stream misconfigured as ASCII gets UTF-8, not an error
    ascii_out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", ascii_out)
    commands.echo("caf\u00e9 \u2192")
    assert ascii_out.buffer.getvalue() == "caf\u00e9 \u2192\n".encode("utf-8")


@pytest.mark.parametrize("text", ["a \x1b[1mbold\x1b[0m word", "b \x1b[38:5:1mred\x1b[2~ \x1b[?25lx",
                                  "caf\u00e9 \u2192", "plain"])
def test_echo_removes_what_click_8_5_removes(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    click = pytest.importorskip("click")
    from importlib.metadata import version

    if tuple(int(p) for p in version("click").split(".")[:2]) < (8, 5):
        pytest.skip("click before 8.5 removed fewer control sequences")
    outs = []
    for write in (commands.echo, click.echo):
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        monkeypatch.setattr(sys, "stdout", out)
        write(text)
        out.flush()
        outs.append(out.buffer.getvalue())
    assert outs[0] == outs[1]


def test_a_plain_check_through_an_ascii_stdout_prints_utf_8(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ROADMAP.md").write_text("# Roadmap\n\n- voir [caf\u00e9](#caf\u00e9-\u2192)\n", encoding="utf-8")
    env = {**ENV, "PYTHONIOENCODING": "ascii"}
    a = _roadmaplint("check", "ROADMAP.md", cwd=tmp_path, env=env)
    b = _roadmaplint("check", "--", "ROADMAP.md", cwd=tmp_path, env=env)
    assert a.returncode == b.returncode == 1 and "\u2192".encode("utf-8") in a.stdout
    assert (a.stdout, a.stderr) == (b.stdout, b.stderr)


def test_guarded_says_aborted_on_ctrl_c_and_one_line_on_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    def failing() -> None:
        raise commands.Failure("x.md: no such file or directory")

    with pytest.raises(SystemExit) as exc:
        commands.guarded(interrupted, debug=False)
    assert exc.value.code == 1 and capsys.readouterr().err == "\nAborted!\n"  # as click says it
    with pytest.raises(SystemExit) as exc:
        commands.guarded(failing, debug=False)
    assert exc.value.code == 2
    assert capsys.readouterr().err == "roadmaplint: error: x.md: no such file or directory\n"


@pytest.mark.skipif(sys.platform == "win32", reason="a closed pipe is POSIX's")
@pytest.mark.parametrize("dashdash", [[], ["--"]], ids=["plain", "click"])
def test_a_reader_that_stops_reading_ends_the_run_quietly(tmp_path: Path, dashdash: list[str]) -> None:
    """`roadmaplint check | head -1`: exit 1 and no traceback, with click or without."""
    (tmp_path / ".git").mkdir()
    for n in range(3):
        (tmp_path / f"p{n}").mkdir()
        (tmp_path / f"p{n}" / "ROADMAP.md").write_text(
            "# Roadmap\n\n" + "".join(f"- [x{i}](#nowhere{i})\n" for i in range(3000)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "roadmaplint", "check", *dashdash, "p0", "p1", "p2"],
                            cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 1
    assert b"Traceback" not in err and b"Error" not in err, err


def test_the_console_script_is_the_one_that_skips_click() -> None:
    """pyproject's `roadmaplint` script is ``roadmaplint.__main__:main``:
    a script pointing at cli.main would import click for every run."""
    text = (Path(ROOT) / "pyproject.toml").read_text(encoding="utf-8")
    assert 'roadmaplint = "roadmaplint.__main__:main"' in text


def test_a_plain_run_colours_as_the_command_line_does(tmp_path: Path) -> None:
    """FORCE_COLOR (pre-commit on a terminal): styles come from click.style,
    imported for them alone, on both paths."""
    _tree(tmp_path)
    env = {**ENV, "FORCE_COLOR": "1"}
    a = _roadmaplint("check", "broken/ROADMAP.md", cwd=tmp_path, env=env)
    b = _roadmaplint("check", "--", "broken/ROADMAP.md", cwd=tmp_path, env=env)
    assert a.returncode == 1 and b"\x1b[1mbroken/ROADMAP.md:" in a.stdout
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)
