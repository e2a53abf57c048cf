"""Hostile input ends cleanly: the real command line, run as a user runs it,
exits 0, 1 or 2 (2 with one line on stderr) and never shows a traceback,
whatever the file holds or whatever sits where a roadmap should be; and a
write that fails half-way leaves the original file as it was.

The subprocess timeout is a guard against hangs, not a speed assertion: how
the time grows with the input is measured in benchmarks/, not here.
"""

from __future__ import annotations

import builtins
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from roadmaplint.cli import cli

ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD = 120  # seconds; generous on a slow, shared machine
MB = 1_000_000


def roadmaplint(*args: str, cwd: Path, timeout: float = HANG_GUARD) -> subprocess.CompletedProcess[str]:
    """``python -m roadmaplint ARGS`` in ``cwd``, importing this checkout."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    env.pop("NO_COLOR", None)
    try:
        return subprocess.run(
            [sys.executable, "-m", "roadmaplint", *args],
            cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
            text=True, encoding="utf-8", errors="replace", timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"roadmaplint {' '.join(args)} did not end within {timeout} s (hang?)")


def assert_clean(proc: subprocess.CompletedProcess[str], *, summary: bool = False) -> None:
    """Exit 0, 1 or 2; no traceback or internal error anywhere; exit 2 says
    why in one line (``summary``: plus format's "N files ..." line, for runs
    over several files)."""
    out = proc.stdout + proc.stderr
    assert proc.returncode in (0, 1, 2), out[-2000:]
    assert "Traceback" not in out, out[-2000:]
    assert "internal error" not in out, out[-2000:]
    if proc.returncode == 2:
        errors = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        if summary:
            errors = [ln for ln in errors if not ln.endswith(("left unchanged", "reformatted"))]
        assert len(errors) == 1, proc.stderr
        assert errors[0].startswith("roadmaplint: error: "), proc.stderr


def check_and_format(path: Path, cwd: Path) -> tuple[subprocess.CompletedProcess[str], ...]:
    """`check`, then `format`, then `check` again on what format left."""
    procs = (roadmaplint("check", str(path), cwd=cwd), roadmaplint("format", str(path), cwd=cwd),
             roadmaplint("check", str(path), cwd=cwd))
    for proc in procs:
        assert_clean(proc)
    return procs


# -- generated documents ------------------------------------------------------------


def milestone(i: int) -> str:
    return (
        f"## Milestone {i}\n\n"
        f"- [x] Ship feature {i} ([#{i}](https://github.com/example/project/issues/{i}))\n"
        f"- [ ] Plan item {i} with `code {i}` and **bold** text   \n"
        f"  - nested detail {i}, see https://example.org/page/{i}\n"
        f"- ✅ Done thing {i}\n\n"
        f"| Feature | Status |\n|---|---|\n| thing {i} | planned |\n\n"
        f"```python\nprint({i})\n```\n\n"
    )


def big_roadmap(size: int) -> str:
    parts, n, i = ["# Roadmap\n\n"], 0, 0
    while n < size:
        parts.append(milestone(i))
        n += len(parts[-1].encode())
        i += 1
    return "".join(parts)


HOSTILE = {
    "long-line": "# Roadmap\n\n" + "word " * 200_000 + "\n",  # one line of a million characters
    "brackets": "# Roadmap\n\n" + "[" * 50_000 + "]" * 50_000 + "\n",
    "emphasis": "# Roadmap\n\n" + "*a **b " * 30_000 + "\n",
    "quotes": "# Roadmap\n\n" + ">" * 5_000 + " deep\n",
    "spaced-quotes": "# Roadmap\n\n" + "> " * 5_000 + "deep\n",
    "lists": "# Roadmap\n\n" + "".join("  " * i + "- item\n" for i in range(2_000)),
    "one-line-lists": "# Roadmap\n\n" + "- " * 2_000 + "item\n",
    "quoted-lists": "# Roadmap\n\n" + "> - " * 2_000 + "item\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_pathological_markdown_ends_cleanly(tmp_path: Path, name: str) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(HOSTILE[name], encoding="utf-8")
    for proc in (*check_and_format(path, tmp_path), roadmaplint("export", str(path), cwd=tmp_path)):
        assert_clean(proc)
        # deep nesting is still text to check: never "nested too deeply"
        assert proc.returncode in (0, 1), proc.stderr


@pytest.mark.slow
def test_one_megabyte_roadmap(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(big_roadmap(MB), encoding="utf-8")
    proc = roadmaplint("check", "--select", "ALL", "--ignore", "dead-link", "--strict", str(path), cwd=tmp_path)
    assert_clean(proc)
    assert proc.returncode == 1  # trailing spaces in every milestone: warnings, failing with --strict


@pytest.mark.skipif(
    not os.environ.get("ROADMAPLINT_HUGE"),
    reason="a 10 MB roadmap takes a minute or two here; set ROADMAPLINT_HUGE=1 to run it (CI does)",
)
def test_ten_megabyte_roadmap(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(big_roadmap(10 * MB), encoding="utf-8")
    proc = roadmaplint("check", str(path), cwd=tmp_path)
    assert_clean(proc)
    assert "Found" in proc.stdout  # its findings are warnings: exit 0 or 1 by severity


@pytest.mark.parametrize(
    "data",
    [b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n", b"\n\n\n", b"   ", b"\r", b"\r\n\r\n"],
    ids=["empty", "bom-only", "bom-newline", "newlines", "spaces", "cr", "crlf"],
)
def test_empty_files(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(data)
    check_and_format(path, tmp_path)
    assert not path.read_bytes().strip(b"\xef\xbb\xbf \r\n")  # nothing invented


@pytest.mark.parametrize(
    "data",
    [b"# Roadmap\n\x00\n", b"\x00" * 1000, b"# Road\x00map\n\n- item\n", b"\xef\xbb\xbf\x00"],
    ids=["nul-line", "only-nul", "nul-in-heading", "bom-nul"],
)
def test_nul_bytes_are_one_line_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(data)
    for proc in check_and_format(path, tmp_path):
        assert proc.returncode == 2
        assert "binary" in proc.stderr
    assert path.read_bytes() == data


# -- what sits where a roadmap should be ------------------------------------------------


def test_directory_named_roadmap(tmp_path: Path) -> None:
    (tmp_path / "ROADMAP.md").mkdir()
    (tmp_path / "ROADMAP.md" / "notes.txt").write_text("not a roadmap\n", encoding="utf-8")
    for args in (["ROADMAP.md"], ["."], []):
        for command in ("check", "format"):
            assert_clean(roadmaplint(command, *args, cwd=tmp_path))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no fifos here")
def test_fifo_named_roadmap_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "ROADMAP.md")
    for args in (["ROADMAP.md"], ["."], []):
        for command in ("check", "format"):
            proc = roadmaplint(command, *args, cwd=tmp_path)  # a read would block forever
            assert_clean(proc)
    proc = roadmaplint("export", "ROADMAP.md", cwd=tmp_path)
    assert_clean(proc)
    assert proc.returncode == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no fifos here")
def test_fifo_named_pyproject_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ROADMAP.md").write_text("# Roadmap\n\n## Now\n\n- ship it\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pyproject.toml")
    os.mkfifo(tmp_path / ".roadmaplint.toml")
    proc = roadmaplint("check", "ROADMAP.md", cwd=tmp_path, timeout=10)  # a read would block forever
    assert_clean(proc)
    assert proc.returncode == 0, proc.stderr


def _can_read(path: Path) -> bool:
    try:
        path.read_bytes()
    except PermissionError:
        return False
    return True


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text("# Roadmap #\n", encoding="utf-8")
    path.chmod(0)
    try:
        if _can_read(path):
            pytest.skip("chmod 000 does not stop this user reading (root?)")
        for command in ("check", "format"):
            proc = roadmaplint(command, "ROADMAP.md", cwd=tmp_path)
            assert_clean(proc)
            assert proc.returncode == 2
            assert "ROADMAP.md" in proc.stderr
    finally:
        path.chmod(0o644)
    assert path.read_text(encoding="utf-8") == "# Roadmap #\n"


@pytest.mark.parametrize("command", ["check", "format"])
def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """What a permission error looks like, even when the tests run as root."""
    path = tmp_path / "ROADMAP.md"
    path.write_text("# Roadmap #\n", encoding="utf-8")
    real = open

    def denied(file, *args, **kwargs):
        if os.path.basename(os.fspath(file)) == "ROADMAP.md":
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", denied)
    result = CliRunner().invoke(cli, [command, str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.strip().splitlines() == [f"roadmaplint: error: {path}: Permission denied"]


def test_symlink_loops_during_discovery(tmp_path: Path) -> None:
    (tmp_path / "ROADMAP.md").write_text("# Roadmap\n\n## Now\n\n- ship it\n", encoding="utf-8")
    sub = tmp_path / "docs"
    sub.mkdir()
    (sub / "up").symlink_to("..", target_is_directory=True)  # a directory loop
    (sub / "self").symlink_to("self")  # a link to itself
    (sub / "a").symlink_to("b")
    (sub / "b").symlink_to("a")
    for args in (["."], []):
        proc = roadmaplint("check", *args, cwd=tmp_path)
        assert_clean(proc)
        assert proc.stdout.count("All checks passed (1 file)") == 1, proc.stdout  # found once, not forever


def test_looping_symlink_named_roadmap(tmp_path: Path) -> None:
    (tmp_path / "ROADMAP.md").write_text("# Roadmap\n\n## Now\n\n- ship it\n", encoding="utf-8")
    sub = tmp_path / "docs"
    sub.mkdir()
    (sub / "roadmap.md").symlink_to("roadmap.md")
    for command in ("check", "format"):
        proc = roadmaplint(command, ".", cwd=tmp_path)
        assert_clean(proc, summary=True)
        proc = roadmaplint(command, "docs/roadmap.md", cwd=tmp_path)
        assert_clean(proc)
        assert proc.returncode == 2


# -- a fix is never half-written ------------------------------------------------------------

# a closed heading among open ones (check --fix and format fix it), trailing
# spaces (format removes them)
FIXABLE = b"# Roadmap\r\n\r\n## Now ##\r\n- ship it   \r\n\r\n## Next\r\n"


def _no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _interrupted(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("command", [["format"], ["check", "--fix"]])
@pytest.mark.parametrize(
    "target, failure",
    [("replace", _no_space), ("fsync", _no_space), ("chmod", _no_space), ("replace", _interrupted),
     ("fsync", _interrupted)],
    ids=["replace-enospc", "fsync-enospc", "chmod-enospc", "replace-interrupt", "fsync-interrupt"],
)
def test_failed_write_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          command: list[str], target: str, failure) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(FIXABLE)
    path.chmod(0o640)
    monkeypatch.setattr(os, target, failure)
    result = CliRunner().invoke(cli, [*command, str(path)])
    monkeypatch.undo()
    if failure is _no_space:
        assert result.exit_code == 2, result.output
        errors = [ln for ln in result.stderr.splitlines() if ln.startswith("roadmaplint: error: ")]
        assert errors == [f"roadmaplint: error: {path}: cannot write: No space left on device"], result.stderr
    else:
        assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert path.read_bytes() == FIXABLE
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ROADMAP.md"]  # no temp file left


def test_write_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(FIXABLE)
    link = tmp_path / "ROADMAP.md"
    link.symlink_to("real.md")
    result = CliRunner().invoke(cli, ["format", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert real.read_bytes() != FIXABLE and real.read_bytes().count(b"\r\n") >= 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ROADMAP.md", "real.md"]
