"""The command line as a user meets it: exit codes, output, files written."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from roadmaplint import engine
from roadmaplint.cli import cli

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
seeds = sorted(SEEDS.glob("*.md")) if SEEDS.is_dir() else []
needs_seeds = pytest.mark.skipif(not seeds, reason="../shared/seeds is absent")

CLOSED = "# Roadmap #\n\n## Now ##\n\n- ship it\n"


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def roadmap(tmp_path: Path) -> Path:
    path = tmp_path / "ROADMAP.md"
    path.write_text(CLOSED, encoding="utf-8")
    return path


def test_check_reports_path_line_col_code_and_summary(roadmap: Path) -> None:
    result = run("check", str(roadmap), "--select", "heading-style")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{roadmap}:1:1: RL501 [heading-style] [*] ")
    assert lines[1].startswith(f"{roadmap}:3:1: RL501")
    assert lines[-1] == "Found 2 problems in 1 file (2 fixable with roadmaplint format)"


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text("# Roadmap\n\n## Now\n\n- ship it\n", encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 0, result.output


def test_json_output_shape(roadmap: Path) -> None:
    result = run("check", str(roadmap), "--select", "RL501", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["version"] == 1
    assert data["files"] == [{"path": str(roadmap), "preset": "generic", "violations": 2}]
    first = data["violations"][0]
    assert set(first) == {"path", "line", "column", "end_line", "end_column", "code", "name",
                          "severity", "message", "fixable"}
    assert (first["line"], first["column"], first["code"], first["fixable"]) == (1, 1, "RL501", True)


def test_format_fixes_then_leaves_file_alone(roadmap: Path) -> None:
    assert run("format", str(roadmap)).exit_code == 0
    assert roadmap.read_text(encoding="utf-8") == "# Roadmap\n\n## Now\n\n- ship it\n"
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
    path.write_text("# A #\n\n### Skipped a level\n", encoding="utf-8")
    result = run("check", "--fix", str(path), "--select", "RL501,RL505")
    assert path.read_text(encoding="utf-8") == "# A\n\n### Skipped a level\n"
    assert result.exit_code == 1
    assert "RL505" in result.output and "RL501" not in result.output


def test_crlf_file_stays_crlf_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(b"Roadmap\r\n=======\r\n\r\n- item   \r\n")
    path.chmod(0o640)
    assert run("format", str(path)).exit_code == 0
    assert path.read_bytes() == b"# Roadmap\r\n\r\n- item\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_bom_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(b"\xef\xbb\xbf# Roadmap #\n")
    run("format", str(path), "--select", "heading-style")
    assert path.read_bytes() == b"\xef\xbb\xbf# Roadmap\n"


def test_failed_write_leaves_the_original(roadmap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    result = run("format", str(roadmap))
    assert result.exit_code == 2
    assert roadmap.read_text(encoding="utf-8") == CLOSED
    assert sorted(p.name for p in roadmap.parent.iterdir()) == ["ROADMAP.md"]  # no temp file left


def test_stdin_format(tmp_path: Path) -> None:
    result = run("format", "-", input="# Title #\n")
    assert result.exit_code == 0
    assert result.output == "# Title\n"


@pytest.mark.parametrize(
    "make, message, code",
    [
        (lambda d: d / "missing.md", "no such file", 2),
        (lambda d: (d / "bin.md").write_bytes(b"# x\x00\x01") and d / "bin.md", "binary", 2),
        (lambda d: (d / "utf16.md").write_bytes("# x\n".encode("utf-16")) and d / "utf16.md", "UTF-16", 2),
        # a Latin-1 / Windows-1252 file is read by detection: a violation, not an error
        (lambda d: (d / "latin.md").write_bytes(b"# caf\xe9\n") and d / "latin.md", "RL102 [invalid-utf8]", 1),
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
        "<!-- roadmaplint-disable heading-style -->\n## C ##\n<!-- roadmaplint-enable -->\n\n## D ##\n",
        encoding="utf-8",
    )
    data = json.loads(run("check", str(path), "--select", "RL501", "--format", "json").output)
    assert [v["line"] for v in data["violations"]] == [1, 10]
    path.write_text("<!-- roadmaplint-disable-file -->\n# A #\n", encoding="utf-8")
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
    @engine.rule(code="RL598", name="test-word-eater", summary="eats a word", fix="always")
    def eat(doc, options):
        i = doc.text.find("ship")
        if i >= 0:
            yield engine.Finding(engine.Span(i, i + 4), "eat", engine.Fix.safe(engine.Edit(i + 4, i + 8, "")))

    try:
        result = run("format", str(roadmap), "--select", "RL598,heading-style")
        assert result.exit_code == 0, result.output
        assert roadmap.read_text(encoding="utf-8") == "# Roadmap\n\n## Now\n\n- ship it\n"
        result = run("check", str(roadmap), "--select", "RL598,heading-style", "--fix")
    finally:
        del engine._REGISTRY["RL598"]
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

    from roadmaplint.resources import data_path

    schema = json.loads(data_path("schemas", "roadmap.schema.json").read_text(encoding="utf-8"))
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
