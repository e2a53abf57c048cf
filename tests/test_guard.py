"""The guard withholds a fix, never the file: `format` on valid Markdown
always succeeds, applying every fix but the ones that would lose a word,
change code or never settle."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from roadmaplint import registry, violations
from roadmaplint.settings import Settings
from roadmaplint.fixes import fix
from roadmaplint.source import Source
from helpers import run


def fmt(tmp_path: Path, data: bytes, *args: str) -> bytes:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(data)
    result = run("format", str(path), *args)
    assert result.exit_code == 0, result.output
    return path.read_bytes()


@pytest.mark.parametrize(
    "data, fixed",
    [
        # a bare CR inside an indented code block: line endings are not code
        (b"     \r    5\n", b"     \n    5\n"),
        # a bare CR inside a code span, no final newline
        (b"`\n5\r`", b"`\n5\n`\n"),
        # a bare CR inside an unclosed fence
        (b"```\n\r# ", b"```\n\n# \n"),
    ],
)
def test_line_endings_inside_code_are_fixed(tmp_path: Path, data: bytes, fixed: bytes) -> None:
    assert fmt(tmp_path, data) == fixed
    assert run("check", str(tmp_path / "ROADMAP.md")).exit_code == 0


def test_bare_url_ending_in_underscore_is_wrapped(tmp_path: Path) -> None:
    # GitHub ends the URL before the trailing `_`: wrapping it keeps the
    # rendering, and no word is lost (`_` is markup, not part of a word)
    # (among named links, so that the bare URL is reported)
    named = b"\n[a](https://a.example/1) [b](https://a.example/2) [c](https://a.example/3) [d](https://a.example/4)\n"
    out = fmt(tmp_path, b"See https://example.com/_x_ now\n" + named)
    assert out == b"See <https://example.com/_x>_ now\n" + named


def test_nbsp_after_thematic_break_is_withheld_and_the_rest_applies(tmp_path: Path) -> None:
    # removing the NBSP would turn `---` into a thematic break and the next
    # line into a code block: that fix is withheld, the final newline is added
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(b"---\xc2\xa0\n\t\xc2\xa0")
    result = run("format", str(path))
    assert result.exit_code == 0
    assert path.read_bytes() == b"---\xc2\xa0\n\t\xc2\xa0\n"
    # format says what it kept back, one line, and still formats the file
    assert (f"{path}:1:4: RL105 [invisible-character] trailing no-break space (U+00A0) "
            "(fix withheld: it would change a code block or code span)") in result.output
    # (--strict: an invisible character other than a bidi control is a warning)
    result = run("check", str(tmp_path / "ROADMAP.md"), "--fix", "--strict", "--select", "invisible-character")
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.endswith("(fix withheld: it would change a code block or code span)"), first
    assert "[*]" not in first  # not counted as fixable


def test_withheld_fix_stays_in_remaining_without_a_fix() -> None:
    result = fix(Source("---\xa0\n\t\xa0"), Settings())
    assert result.text == "---\xa0\n\t\xa0\n"
    (withheld,) = [v for v in result.remaining if "fix withheld" in v.message]
    assert withheld.name == "invisible-character" and withheld.fix is None and not withheld.fixable


def test_fixes_that_never_settle_are_withheld(tmp_path: Path) -> None:
    """A rule whose fix flips `-` and `*` for ever: withheld after the pass
    limit; the heading fix in the same file is written."""
    @registry.rule(code="RL597", name="test-flip-flop", summary="flips bullets", fix="always")
    def flip(ctx):
        doc = ctx.doc
        for line in range(doc.source.line_count):
            start = doc.source.line_start(line)
            if doc.text[start : start + 2] in ("- ", "* "):
                other = "*" if doc.text[start] == "-" else "-"
                yield violations.Finding(violations.Span(start, start + 1), "flip",
                                     violations.Fix.safe(violations.Edit(start, start + 1, other)))

    path = tmp_path / "ROADMAP.md"
    path.write_bytes(b"# Roadmap\n\n- a   \n")
    try:
        assert run("format", str(path), "--select", "RL597,trailing-whitespace").exit_code == 0
        assert path.read_bytes() in (b"# Roadmap\n\n- a\n", b"# Roadmap\n\n* a\n")
        result = fix(Source("- a\n"), Settings(select=["RL597"]))
    finally:
        del registry._REGISTRY["RL597"]
    (v,) = result.remaining
    assert "fix withheld: it does not settle" in v.message and v.fix is None


def test_only_the_culprit_among_many_is_withheld() -> None:
    """Bisecting the chosen fixes: one word-eater among many heading fixes."""
    @registry.rule(code="RL596", name="test-eater", summary="eats", fix="always")
    def eat(ctx):
        doc = ctx.doc
        i = doc.text.find("eatme")
        if i >= 0:
            yield violations.Finding(violations.Span(i, i + 5), "eat", violations.Fix.safe(violations.Edit(i, i + 5, "")))

    text = "".join(f"## H{i} ##\n\n" for i in range(20)) + "eatme\n" + "".join(f"## J{i} ##\n\n" for i in range(20))
    try:
        result = fix(Source(text), Settings(select=["RL596", "heading-style"],
                                            options={"heading-style": {"style": "atx"}}))
    finally:
        del registry._REGISTRY["RL596"]
    assert "##\n" not in result.text.replace("\n\n", "\n")  # every heading fixed
    assert "eatme" in result.text
    assert [v.code for v in result.remaining] == ["RL596"]
    assert result.applied["RL501"] == 40


def test_withheld_fix_names_the_lost_word_that_comes_first_in_the_text() -> None:
    """Among many fixes, one eats "alpha beta" near the end; "beta" also
    stands in the first paragraph, so it is the word the reason names (the
    first lost word in the whole text, not in the stretch the fix edits)."""
    @registry.rule(code="RL596", name="test-eater", summary="eats", fix="always")
    def eat(ctx):
        i = ctx.doc.text.find("alpha beta")
        if i >= 0:
            yield violations.Finding(violations.Span(i, i + 10), "eat", violations.Fix.safe(violations.Edit(i, i + 10, "")))

    text = "Said beta.\n\n" + "".join(f"## H{i} ##\n\n" for i in range(10)) + "alpha beta\n"
    try:
        result = fix(Source(text), Settings(select=["RL596", "heading-style"],
                                            options={"heading-style": {"style": "atx"}}))
    finally:
        del registry._REGISTRY["RL596"]
    assert result.applied["RL501"] == 10 and "alpha beta" in result.text
    (held,) = result.withheld
    assert held.message == "eat (fix withheld: it would lose the word 'beta')"


def test_many_withheld_fixes_each_keep_their_reason_and_the_others_apply() -> None:
    """Each part has a `---` line with a trailing no-break space over a
    line of one tab and one: removing it turns `---` into a thematic break
    and the line below into an indented code block, so each of those fixes
    is withheld (judged in its own stretch of text), while every item's
    trailing spaces are removed."""
    text = "# Roadmap\n\n" + "".join(
        f"## Part {i}\n\nSome text {i}.\n\n---\u00a0\n\t\u00a0\n\n- item {i}  \n\n" for i in range(30))
    result = fix(Source(text), Settings())
    held = [(v.code, v.line) for v in result.withheld]
    assert held == [("RL105", 7 + 9 * i) for i in range(30)]
    assert all(v.message.endswith("(fix withheld: it would change a code block or code span)")
               for v in result.withheld)
    assert "  \n" not in result.text and result.text.count("---\u00a0\n\t\u00a0\n") == 30
    assert fix(result.source, Settings()).text == result.text


# -- writes keep the file's identity ------------------------------------------------

CLOSED = b"# Roadmap\n\n- ship it   \n"  # trailing spaces: format removes them
FIXED = b"# Roadmap\n\n- ship it\n"
MOJIBAKE = "# Roadmap \u00e2\u0153\u2026\n".encode()  # "âœ…": an error check reports, a fix format applies


def test_hard_linked_file_is_written_in_place(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(CLOSED)
    other = tmp_path / "docs-roadmap.md"
    os.link(path, other)
    inode = path.stat().st_ino
    assert run("format", str(path)).exit_code == 0
    assert path.read_bytes() == other.read_bytes() == FIXED  # every name sees the fix
    assert path.stat().st_ino == inode and path.stat().st_nlink == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ROADMAP.md", "docs-roadmap.md"]


@pytest.mark.skipif(not hasattr(os, "chown") or os.geteuid() != 0, reason="giving a file away needs root")
def test_owner_group_and_mode_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(CLOSED)
    os.chown(path, 12345, 23456)
    path.chmod(0o664)
    assert run("format", str(path)).exit_code == 0
    assert path.read_bytes() == FIXED
    st = path.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (12345, 23456, 0o664)


def test_read_only_file_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(CLOSED)
    path.chmod(0o444)  # root could write it anyway: the mode says no
    proc = subprocess.run([sys.executable, "-m", "roadmaplint", "format", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"roadmaplint: error: {path}: cannot write: the file is read-only"]
    assert path.read_bytes() == CLOSED
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


@pytest.mark.parametrize("links", [1, 2])
def test_failed_write_leaves_the_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       links: int) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(CLOSED)
    if links == 2:
        os.link(path, tmp_path / "other.md")

    def boom(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    result = run("format", str(path))
    assert result.exit_code == 2
    assert result.output.strip().endswith(f"{path}: cannot write: No space left on device")
    assert path.read_bytes() == CLOSED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ROADMAP.md", "other.md"][:links]


def test_symlink_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(CLOSED)
    link = tmp_path / "ROADMAP.md"
    link.symlink_to(real)
    assert run("format", str(link)).exit_code == 0
    assert link.is_symlink() and real.read_bytes() == FIXED


# -- any path the file system allows --------------------------------------------------

BAD_NAME = b"road\xffmap.md"  # not UTF-8: Python holds it as "road\udcffmap.md"


def cli_bytes(cwd: Path, *args: str | bytes) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "GITHUB_ACTIONS": ""}
    return subprocess.run([sys.executable, "-m", "roadmaplint", *args], cwd=cwd, capture_output=True, env=env)


needs_bytes_names = pytest.mark.skipif(sys.platform in ("win32", "darwin"),
                                       reason="file names must be arbitrary bytes (Linux)")


@needs_bytes_names
@pytest.mark.parametrize("fmt, expect", [
    ("text", b"road\\xffmap.md:1:11: error RL101 [mojibake]"),
    ("json", b'"path": "road\\\\xffmap.md"'),
    ("sarif", b'"uri": "road%FFmap.md"'),
    ("junit", b'name="road\\xffmap.md"'),
    ("github", b"::error file=road\\xffmap.md,line=1"),
])
def test_every_output_format_takes_a_path_that_is_not_utf8(tmp_path: Path, fmt: str, expect: bytes) -> None:
    (tmp_path / os.fsdecode(BAD_NAME)).write_bytes(MOJIBAKE)
    proc = cli_bytes(tmp_path, "check", "--format", fmt, BAD_NAME)
    assert proc.returncode == 1, proc.stderr
    assert b"internal error" not in proc.stderr
    assert expect in proc.stdout, proc.stdout


@needs_bytes_names
def test_sarif_file_uri_outside_the_root_percent_encodes_the_bytes(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / os.fsdecode(BAD_NAME)).write_bytes(MOJIBAKE)
    (tmp_path / "elsewhere").mkdir()
    proc = cli_bytes(tmp_path / "elsewhere", "check", "--format", "sarif", os.fsencode(tmp_path) + b"/d/" + BAD_NAME)
    assert proc.returncode == 1, proc.stderr
    assert b'"uri": "file://' + os.fsencode(tmp_path) + b'/d/road%FFmap.md"' in proc.stdout


@needs_bytes_names
def test_format_messages_and_diff_take_a_path_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / os.fsdecode(BAD_NAME)
    path.write_bytes(MOJIBAKE)
    proc = cli_bytes(tmp_path, "format", "--check", BAD_NAME)
    assert (proc.returncode, proc.stdout) == (1, b"Would reformat: road\\xffmap.md\n"), proc.stderr
    proc = cli_bytes(tmp_path, "format", "--diff", BAD_NAME)
    assert proc.returncode == 1 and b"--- a/road\xffmap.md\n" in proc.stdout  # the diff keeps the bytes
    path.chmod(0o444)
    proc = cli_bytes(tmp_path, "format", BAD_NAME)
    assert proc.returncode == 2
    assert proc.stderr == b"roadmaplint: error: road\\xffmap.md: cannot write: the file is read-only\n"


def test_damaged_bytes_in_the_text_reach_every_output_format(tmp_path: Path) -> None:
    # a UTF-8 file with stray bytes where rules quote text: a heading, a link
    data = "# Roadmap ✅\n\n## Now\n\n".encode("utf-8") + b"- [x](#n\xffw) and x\x80\n"
    (tmp_path / "ROADMAP.md").write_bytes(data)
    for fmt in ("text", "json", "sarif", "junit", "github"):
        proc = cli_bytes(tmp_path, "check", "--select", "ALL", "--format", fmt, "ROADMAP.md")
        assert proc.returncode == 1 and b"internal error" not in proc.stderr, (fmt, proc.stderr)
        assert b"RL102" in proc.stdout, fmt
    proc = cli_bytes(tmp_path, "format", "--diff", "ROADMAP.md")
    assert b"internal error" not in proc.stderr
    proc = cli_bytes(tmp_path, "export", "ROADMAP.md")
    assert proc.returncode == 0 and b"internal error" not in proc.stderr
    assert b'"url": "#n\\\\xffw"' in proc.stdout


def test_a_directory_without_write_permission_writes_the_file_in_place(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    path = tmp_path / "ROADMAP.md"
    path.write_bytes(CLOSED)
    monkeypatch.setattr(tempfile, "mkstemp", denied)  # root ignores a directory's mode
    assert run("format", str(path)).exit_code == 0
    assert path.read_bytes() == FIXED
