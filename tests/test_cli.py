"""The command line as a user meets it: exit codes, output, files written."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from roadmaplint import registry, violations
from helpers import run
from shared_data import SHARED, absent

SEEDS = SHARED / "seeds"
seeds = sorted(SEEDS.glob("*.md")) if SEEDS.is_dir() else []
needs_seeds = pytest.mark.skipif(not seeds, reason=absent("seeds"))

# two closed ATX headings among three open ones: heading-style reports the two
CLOSED = "# Roadmap #\n\n## Now ##\n\n- ship it\n\n### Search\n\n### Sync\n\n### Plugins\n"
FORMATTED = "# Roadmap\n\n## Now\n\n- ship it\n\n### Search\n\n### Sync\n\n### Plugins\n"


@pytest.fixture
def roadmap(tmp_path: Path) -> Path:
    path = tmp_path / "ROADMAP.md"
    path.write_text(CLOSED, encoding="utf-8")
    return path


def test_check_reports_path_line_col_code_and_summary(roadmap: Path) -> None:
    result = run("check", str(roadmap), "--select", "heading-style")
    assert result.exit_code == 0  # warnings only
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{roadmap}:1:1: warning RL501 [heading-style] [*] ")
    assert lines[1].startswith(f"{roadmap}:3:1: warning RL501")
    assert lines[-1] == "Found 2 problems (2 warnings) in 1 file; 2 fixable with `roadmaplint check --fix`."
    assert run("check", str(roadmap), "--select", "heading-style", "--strict").exit_code == 1


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text("# Roadmap\n\n## Now\n\n- ship it\n", encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 0, result.output


def test_json_output_shape(roadmap: Path) -> None:
    result = run("check", str(roadmap), "--select", "RL501", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["version"] == 1
    assert data["files"] == [{"path": str(roadmap), "preset": "generic", "violations": 2}]
    first = data["violations"][0]
    assert set(first) == {"path", "line", "column", "end_line", "end_column", "code", "name",
                          "severity", "message", "fixable", "fix"}
    assert (first["line"], first["column"], first["code"], first["fixable"], first["fix"]) == (1, 1, "RL501", True, "safe")


def test_format_fixes_then_leaves_file_alone(roadmap: Path) -> None:
    assert run("format", str(roadmap)).exit_code == 0
    assert roadmap.read_text(encoding="utf-8") == FORMATTED
    before = roadmap.stat().st_mtime_ns
    os.utime(roadmap, ns=(before - 10**9, before - 10**9))
    result = run("format", str(roadmap))
    assert result.exit_code == 0
    assert "1 file left unchanged" in result.output
    assert roadmap.stat().st_mtime_ns == before - 10**9  # not rewritten


def test_format_check_and_diff_write_nothing(roadmap: Path) -> None:
    result = run("format", "--check", str(roadmap))
    assert result.exit_code == 1
    assert f"Would reformat: {roadmap}" in result.output
    result = run("format", "--diff", str(roadmap))
    assert result.exit_code == 1
    assert "-# Roadmap #" in result.output and "+# Roadmap" in result.output
    result = run("check", "--diff", str(roadmap), "--select", "RL501")
    assert "+## Now" in result.output
    assert roadmap.read_text(encoding="utf-8") == CLOSED


def test_check_fix_writes_and_reports_what_remains(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    # "## B" has a level-4 heading under it where "## C" has a level-3 one
    path.write_text("# A #\n\n## B\n\n#### Skipped a level\n\n## C\n\n### Sub\n", encoding="utf-8")
    result = run("check", "--fix", str(path), "--select", "RL501,RL505")
    assert path.read_text(encoding="utf-8") == "# A\n\n## B\n\n#### Skipped a level\n\n## C\n\n### Sub\n"
    assert result.exit_code == 0  # what remains is a warning
    assert "warning RL505" in result.output and "RL501" not in result.output
    assert run("check", "--strict", str(path), "--select", "RL501,RL505").exit_code == 1


def test_crlf_file_stays_crlf_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(b"Roadmap\r\n=======\r\n\r\n## Now\r\n\r\n## Next\r\n\r\n- item   \r\n")
    path.chmod(0o640)
    assert run("format", str(path)).exit_code == 0
    assert path.read_bytes() == b"# Roadmap\r\n\r\n## Now\r\n\r\n## Next\r\n\r\n- item\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_bom_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(b"\xef\xbb\xbf# Roadmap #\n\n## Now\n\n## Next\n")
    run("format", str(path), "--select", "heading-style")
    assert path.read_bytes() == b"\xef\xbb\xbf# Roadmap\n\n## Now\n\n## Next\n"


def test_failed_write_leaves_the_original(roadmap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    result = run("format", str(roadmap))
    assert result.exit_code == 2
    assert roadmap.read_text(encoding="utf-8") == CLOSED
    assert sorted(p.name for p in roadmap.parent.iterdir()) == ["ROADMAP.md"]  # no temp file left


def test_stdin_format(tmp_path: Path) -> None:
    result = run("format", "-", input="# Title #\n\n## Now\n\n## Next\n")
    assert result.exit_code == 0
    assert result.output == "# Title\n\n## Now\n\n## Next\n"


@pytest.mark.parametrize(
    "make, message, code",
    [
        (lambda d: d / "missing.md", "no such file", 2),
        (lambda d: (d / "bin.md").write_bytes(b"# x\x00\x01") and d / "bin.md", "binary", 2),
        (lambda d: (d / "utf16.md").write_bytes("# x\n".encode("utf-16")) and d / "utf16.md", "UTF-16", 2),
        # a Latin-1 / Windows-1252 file is read by detection: a violation, not an error
        (lambda d: (d / "latin.md").write_bytes(b"# caf\xe9\n") and d / "latin.md", "error RL102 [invalid-utf8]", 1),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, make, message: str, code: int) -> None:
    path = make(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "roadmaplint", "check", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == code
    if code == 2:
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert message in proc.stderr
    else:
        assert proc.stderr == ""
        assert f"{path}:1:6: {message} [*] file is not UTF-8: it reads as cp1252" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_directory_named_like_a_roadmap_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "ROADMAP.md").mkdir()
    result = run("check", str(tmp_path / "ROADMAP.md"))
    assert result.exit_code == 0  # a directory argument is searched, and holds nothing


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no fifos here")
def test_fifo_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "ROADMAP.md"
    os.mkfifo(fifo)
    result = run("check", str(fifo))
    assert result.exit_code == 2
    assert "not a regular file" in result.output


def test_discovery_finds_roadmaps_and_skips_ignored_places(tmp_path: Path, monkeypatch) -> None:
    for rel in ["ROADMAP.md", "docs/roadmap.md", "sub/Roadmap.markdown", "node_modules/x/ROADMAP.md",
                ".venv/ROADMAP.md", "build/ROADMAP.md", "README.md"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("# Roadmap #\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("build/\n", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    data = json.loads(run("check", "--format", "json", "--select", "RL501").output)
    assert sorted(f["path"] for f in data["files"]) == ["ROADMAP.md", "docs/roadmap.md", "sub/Roadmap.markdown"]


def test_select_ignore_and_unknown_selector(roadmap: Path) -> None:
    assert run("check", str(roadmap), "--select", "RL5", "--ignore", "heading-style").exit_code == 0
    result = run("check", str(roadmap), "--select", "RL999")
    assert result.exit_code == 2
    assert "unknown rule" in result.output


def test_suppression_comments(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(
        "# A #\n\n<!-- roadmaplint-disable-next-line RL501 -->\n## B ##\n\n"
        "<!-- roadmaplint-disable heading-style -->\n## C ##\n<!-- roadmaplint-enable -->\n\n## D ##\n"
        "\n## E\n\n## F\n\n## G\n\n## H\n\n## I\n",  # open ATX headings outnumber the closed ones
        encoding="utf-8",
    )
    data = json.loads(run("check", str(path), "--select", "RL501", "--format", "json").output)
    assert [v["line"] for v in data["violations"]] == [1, 10]
    path.write_text("<!-- roadmaplint-disable-file -->\n# A #\n\n## B\n\n## C\n", encoding="utf-8")
    assert run("check", str(path), "--select", "RL501").exit_code == 0


def test_warnings_fail_only_with_strict(roadmap: Path) -> None:
    (roadmap.parent / ".roadmaplint.toml").write_text('[rules.heading-style]\nseverity = "warning"\n')
    assert run("check", str(roadmap), "--select", "RL501").exit_code == 0
    assert run("check", str(roadmap), "--select", "RL501", "--strict").exit_code == 1
    assert run("check", str(roadmap), "--select", "RL501", "--strict", "--exit-zero").exit_code == 0


def test_broken_config_is_one_line_exit_2(roadmap: Path) -> None:
    (roadmap.parent / ".roadmaplint.toml").write_text('[rules.heading-style]\nstyle = "sideways"\n')
    proc = subprocess.run([sys.executable, "-m", "roadmaplint", "check", str(roadmap)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "$.rules.heading-style.style" in proc.stderr


def test_refused_fix_is_withheld_and_the_others_apply(roadmap: Path) -> None:
    """A fix that would lose a word is withheld (reported, with the reason, as
    its violation); the file's other fixes are written; exit 0 for format."""
    @registry.rule(code="RL598", name="test-word-eater", summary="eats a word", fix="always")
    def eat(ctx):
        doc = ctx.doc
        i = doc.text.find("ship")
        if i >= 0:
            yield violations.Finding(violations.Span(i, i + 4), "eat", violations.Fix.safe(violations.Edit(i + 4, i + 8, "")))

    try:
        result = run("format", str(roadmap), "--select", "RL598,heading-style")
        assert result.exit_code == 0, result.output
        assert roadmap.read_text(encoding="utf-8") == FORMATTED
        result = run("check", str(roadmap), "--select", "RL598,heading-style", "--fix")
    finally:
        del registry._REGISTRY["RL598"]
    assert result.exit_code == 1
    assert "RL598 [test-word-eater] eat (fix withheld: it would lose the word 'it')" in result.output
    assert "fixable" not in result.output


def test_rules_lists_and_shows_pages() -> None:
    listing = run("rules")
    assert listing.exit_code == 0
    assert "RL501  heading-style" in listing.output
    page = run("rules", "heading-style")
    assert page.output.startswith("# RL501 heading-style")
    assert run("rules", "nope").exit_code == 2


def test_export_validates_against_schema(roadmap: Path) -> None:
    import jsonschema

    from roadmaplint.resources import data_text

    schema = json.loads(data_text("schemas", "roadmap.schema.json"))
    for path in [roadmap, *seeds]:
        result = run("export", str(path))
        assert result.exit_code == 0
        jsonschema.validate(json.loads(result.output), schema)


@needs_seeds
@pytest.mark.parametrize("seed", seeds, ids=lambda p: p.name[:3])
def test_seed_check_and_idempotent_format(seed: Path, tmp_path: Path) -> None:
    result = run("check", "--format", "json", str(seed))
    assert result.exit_code in (0, 1)
    json.loads(result.output)
    copy = tmp_path / "ROADMAP.md"
    copy.write_bytes(seed.read_bytes())
    assert run("format", str(copy)).exit_code == 0
    once = copy.read_bytes()
    assert run("format", "--check", str(copy)).exit_code == 0
    assert copy.read_bytes() == once


def test_version_and_module_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "roadmaplint", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stdout.startswith("roadmaplint, version ")


# -- check reports problems; format does formatting ---------------------------

# trailing spaces (line 3), three blank lines (5-7), no final newline: all
# formatting; one broken anchor (line 8): a problem
UNTIDY = "# Roadmap\n\n- ship it   \n\n\n\n\n- see [below](#nowhere)"


def test_check_leaves_formatting_to_format(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(UNTIDY, encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 1
    codes = [line.split()[2] for line in result.output.splitlines()[:-1]]
    assert codes == ["RL401"]
    assert result.output.splitlines()[-1] == "Found 1 problem (1 error) in 1 file."

    # format --check reports the formatting; format applies it
    assert run("format", "--check", str(path)).exit_code == 1
    assert run("format", str(path)).exit_code == 0
    assert path.read_text(encoding="utf-8") == "# Roadmap\n\n- ship it\n\n- see [below](#nowhere)\n"


@pytest.mark.parametrize("selector", ["RL502", "trailing-whitespace", "RL5", "ALL"])
def test_check_reports_formatting_rules_when_selected(tmp_path: Path, selector: str) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(UNTIDY, encoding="utf-8")
    result = run("check", str(path), "--select", selector)
    assert "warning RL502 [trailing-whitespace] [*] 3 trailing spaces" in result.output


def test_config_extend_select_brings_a_formatting_rule_into_check(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(UNTIDY, encoding="utf-8")
    (tmp_path / ".roadmaplint.toml").write_text('extend-select = ["final-newline"]\n', encoding="utf-8")
    codes = [line.split()[2] for line in run("check", str(path)).output.splitlines()[:-1]]
    assert codes == ["RL401", "RL503"]


def test_check_fix_applies_only_the_rules_check_runs(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text("# Roadmap\n\n## Now ##\n\n- ship it   \n\n## Next\n", encoding="utf-8")
    run("check", "--fix", str(path), "--select", "RL501")
    assert path.read_text(encoding="utf-8") == "# Roadmap\n\n## Now\n\n- ship it   \n\n## Next\n"


def test_warnings_alone_pass_unless_strict(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    # one bare URL among four named links: a warning
    path.write_text("# Roadmap\n\nSee https://example.com/plan for the plan.\n\n"
                    "[a](https://example.com/a) [b](https://example.com/b) [c](https://example.com/c) "
                    "[d](https://example.com/d)\n", encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 0
    assert "warning RL405 [bare-url]" in result.output
    assert result.output.splitlines()[-1].startswith("Found 1 problem (1 warning) in 1 file")
    assert run("check", "--strict", str(path)).exit_code == 1


def test_rules_lists_severity_and_formatting() -> None:
    out = run("rules").output
    assert "RL502  trailing-whitespace      format" in out
    assert "RL401  broken-anchor            error" in out
    assert "RL405  bare-url                 warning" in out
    assert "fails it only with --strict" in out


# -- stdin, output file, statistics, colour, unsafe fixes ---------------------

# a closed heading among open ones (safe fix), a bold line used as a heading
# (unsafe fix), a broken anchor (no fix)
MIXED = "# Roadmap\n\n## Now ##\n\n- see [soon](#soon)\n\n## Next\n\n**MVP**\n\n- ship\n"


def test_check_reads_stdin_with_a_filename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / ".roadmaplint.toml").write_text('ignore = ["broken-anchor"]\n', encoding="utf-8")
    result = run("check", "-", input=MIXED)
    assert result.exit_code == 1
    assert result.output.startswith("-:3:1: warning RL501 [heading-style] [*] ")
    assert "RL401" in result.output
    # --stdin-filename names the file in the report and finds its config
    result = run("check", "-", "--stdin-filename", "docs/ROADMAP.md", input=MIXED)
    assert result.output.startswith("docs/ROADMAP.md:3:1: warning RL501")
    assert "RL401" not in result.output
    # the same exit codes as for a file
    assert run("check", "-", input="# Roadmap\n\n- ship\n").exit_code == 0
    assert run("check", "-", input=b"\xff\xfe# x").exit_code == 2


def test_check_fix_on_stdin_writes_the_text_to_stdout(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "roadmaplint", "check", "--fix", "-"],
                          input=MIXED.encode(), capture_output=True, cwd=tmp_path)
    assert proc.stdout.decode() == MIXED.replace("## Now ##", "## Now")
    assert b"RL401" in proc.stderr and b"RL501" not in proc.stderr
    assert proc.returncode == 1


def test_output_file_takes_the_report(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(MIXED, encoding="utf-8")
    for fmt in ("text", "json", "sarif", "junit", "github"):
        out = tmp_path / f"report.{fmt}"
        result = run("check", str(path), "--format", fmt, "-o", str(out))
        assert result.exit_code == 1
        assert "RL401" not in result.output  # nothing on stdout but what stderr got
        assert "RL401" in out.read_text(encoding="utf-8")
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["version"] == 1
    result = run("check", str(path), "-o", str(tmp_path / "no" / "such" / "dir.txt"))
    assert result.exit_code == 2 and "cannot write the report" in result.output


def test_statistics_count_per_rule(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(MIXED + "\n## Later ##\n\n- more\n", encoding="utf-8")
    result = run("check", str(path), "--statistics")
    lines = result.output.splitlines()
    assert lines[0].split() == ["2", "RL501", "heading-style", lines[0].split()[3], "[*]", "2", "fixable"]
    assert [line.split()[1] for line in lines[:-1]] == ["RL501", "RL206", "RL401"]
    assert lines[-1].startswith("Found 4 problems")
    data = json.loads(run("check", str(path), "--statistics", "--format", "json").output)
    assert data[0] == {"code": "RL501", "name": "heading-style", "severity": data[0]["severity"],
                       "count": 2, "fixable": 2}


def test_unsafe_fixes_are_marked_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(MIXED, encoding="utf-8")
    out = run("check", str(path)).output
    assert "RL206 [pseudo-heading] [~] " in out
    assert "RL401 [broken-anchor] no heading" in out  # no fix: no mark
    assert "; 1 fixable with `roadmaplint check --fix`; 1 more with `--fix --unsafe-fixes` [~]." in out
    # --unsafe-fixes without --fix or --diff would silently write nothing: a usage error
    result = run("check", str(path), "--unsafe-fixes")
    assert result.exit_code == 2 and "add --fix" in result.output
    assert run("check", str(path), "--unsafe-fixes", "--diff").exit_code == 1
    assert path.read_text(encoding="utf-8") == MIXED
    run("check", str(path), "--unsafe-fixes", "--fix")
    assert "## MVP" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "env", "colored"),
    [
        ([], {}, False),  # not a terminal
        (["--color", "always"], {}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    ],
)
def test_color_choice(tmp_path: Path, args: list[str], env: dict[str, str], colored: bool) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(MIXED, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    for command in (["check", str(path)], ["format", "--diff", str(path)]):
        proc = subprocess.run([sys.executable, "-m", "roadmaplint", *command, *args],
                              capture_output=True, text=True, env={**clean, **env})
        assert ("\x1b[" in proc.stdout) is colored, (command, proc.stdout)


def test_diff_marks_a_missing_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text("# Roadmap\n\n- ship", encoding="utf-8")
    out = run("format", "--diff", str(path)).output
    assert "\n-- ship\n\\ No newline at end of file\n+- ship\n" in out


def test_format_names_each_file_it_changed(tmp_path: Path) -> None:
    one, two = tmp_path / "a" / "ROADMAP.md", tmp_path / "b" / "ROADMAP.md"
    for path, text in ((one, "# Roadmap\n\n- ship   \n"), (two, "# Roadmap\n\n- ship\n")):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    result = run("format", str(one), str(two))
    assert result.exit_code == 0
    assert f"Reformatted: {one}" in result.output and str(two) not in result.output
    assert "1 file reformatted, 1 file left unchanged" in result.output


# -- exclusions ------------------------------------------------------------------


def _tree(tmp_path: Path) -> None:
    for rel in ("ROADMAP.md", "docs/ROADMAP.md", "archive/2019/ROADMAP.md", "docs/old/roadmap.md"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        # a broken anchor (an error check reports), trailing spaces (formatting)
        path.write_text("# Roadmap\n\n- [x](#gone)   \n", encoding="utf-8")


def _checked(result) -> list[str]:
    return sorted({line.split(":")[0] for line in result.output.splitlines() if "RL401" in line})


def test_exclude_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert _checked(run("check", ".")) == ["ROADMAP.md", "archive/2019/ROADMAP.md", "docs/ROADMAP.md",
                                           "docs/old/roadmap.md"]
    # a name at any depth, a folder only, an anchored path
    assert _checked(run("check", ".", "--exclude", "archive/")) == ["ROADMAP.md", "docs/ROADMAP.md",
                                                                    "docs/old/roadmap.md"]
    assert _checked(run("check", ".", "--exclude", "old", "--exclude", "/ROADMAP.md")) == [
        "archive/2019/ROADMAP.md", "docs/ROADMAP.md"]
    assert _checked(run("check", ".", "--exclude", "docs/*/*.md")) == ["ROADMAP.md", "archive/2019/ROADMAP.md",
                                                                       "docs/ROADMAP.md"]
    # a file named on the command line is checked, unless --force-exclude
    assert _checked(run("check", "archive/2019/ROADMAP.md", "--exclude", "archive/")) == ["archive/2019/ROADMAP.md"]
    assert _checked(run("check", "archive/2019/ROADMAP.md", "--exclude", "archive/", "--force-exclude")) == []


def test_exclude_in_the_config_is_relative_to_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    (tmp_path / ".roadmaplint.toml").write_text('exclude = ["archive/"]\nextend-exclude = ["docs/old/"]\n',
                                                encoding="utf-8")
    monkeypatch.chdir(tmp_path / "docs")
    assert _checked(run("check", "..")) == ["../ROADMAP.md", "../docs/ROADMAP.md"]
    # format honours it too
    result = run("format", "--check", "..")
    assert sorted(ln for ln in result.output.splitlines() if ln.startswith("Would")) == [
        "Would reformat: ../ROADMAP.md", "Would reformat: ../docs/ROADMAP.md"]


def test_paths_are_shown_as_given_tidied_and_folders_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # "(#nowhere)": one RL401 broken-anchor a file
    for rel in ["a/b/ROADMAP.md", "a-b/ROADMAP.md", "sp ace/ROADMAP.md", "é/ROADMAP.md"]:
        (tmp_path / rel).parent.mkdir(parents=True)
        (tmp_path / rel).write_text("# Roadmap\n\n- [x](#nowhere)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    shown = [ln.split(":")[0] for ln in run("check", "--select", "RL401", "./a//b/", "sp ace/./ROADMAP.md",
                                             "a/../é", str(tmp_path / "a-b")).output.splitlines()[:-1]]
    # `./`, doubled and trailing slashes dropped, `..` kept, absolute stays absolute
    assert shown == ["a/b/ROADMAP.md", "sp ace/ROADMAP.md", "a/../é/ROADMAP.md", f"{tmp_path}/a-b/ROADMAP.md"]
    # a folder's roadmaps in the order of their folders' names: a/b before a-b
    assert [ln.split(":")[0] for ln in run("check", "--select", "RL401").output.splitlines()[:-1]] == [
        "a/b/ROADMAP.md", "a-b/ROADMAP.md", "sp ace/ROADMAP.md", "é/ROADMAP.md"]


def test_plain_check_of_a_clean_file_imports_no_pathlib(tmp_path: Path) -> None:
    """Start-up: a `check` or `format` of a clean file with no config leaves
    pathlib (and fnmatch, which it imports) unimported."""
    (tmp_path / ".git").mkdir()  # the search for a config stops here
    (tmp_path / "ROADMAP.md").write_bytes(b"# Roadmap\n\n## Now\n\n- Parser, see [the plan](#now)\n")
    code = ("import sys\nfrom roadmaplint.cli import main\n"
            "for args in (['check', 'ROADMAP.md'], ['format', '--check', 'ROADMAP.md']):\n"
            "    try:\n        main(args)\n    except SystemExit as exc:\n        assert exc.code == 0, args\n"
            "print(sorted(m for m in ('pathlib', 'fnmatch') if m in sys.modules))")
    root = str(Path(registry.__file__).resolve().parents[1])  # the roadmaplint under test
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout
    assert out.splitlines()[-1] == "[]"


@pytest.mark.parametrize("command", ["check", "format", "summary"])
def test_a_folder_that_cannot_be_listed_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                command: str) -> None:
    """A folder named on the command line that cannot be read (mode 0, or
    0311: searchable, not listable) is an error, not "no roadmap files
    found" and exit 0. Simulated: root reads any folder."""
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "ROADMAP.md").write_text("# Roadmap\n", encoding="utf-8")
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) == "docs":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "scandir", scandir)
    result = run(command, "docs")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["roadmaplint: error: docs: Permission denied"]
