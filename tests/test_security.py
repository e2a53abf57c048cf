"""What a roadmap, a config or a spec cannot make roadmaplint do: use the
network without --check-remote, read or write files other than those it was
given, fetch a schema, hang on a regular expression; and the characters that
hide what text says are reported."""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import run
from shared_data import SHARED, absent

ROOT = Path(__file__).resolve().parents[1]
SEEDS = SHARED / "seeds"
seeds = sorted(SEEDS.glob("*.md")) if SEEDS.is_dir() else []
seeds = [p for p in seeds if p.name != "README.md"]
HANG_GUARD = 15  # seconds: these runs refuse at once or finish in well under one

LINKS = "".join(
    f"- [ ] item {i}: [docs](https://docs.example.org/{i}), http://insecure.example.net/{i}, "
    f"<https://auto.example.com/{i}>, https://bare.example.com/{i}, [ref {i}][r{i}], "
    f"![img](https://img.example.com/{i}.png), [mirror](https://g.nite07.org/o/r/issues/{i}), "
    f"[local](http://127.0.0.1:9/{i}), [v6](http://[::1]:9/{i})\n"
    for i in range(40)
)
HTTP_ROADMAP = (
    "# Roadmap\n\n## Now\n\n" + LINKS + "\n"
    + "".join(f"[r{i}]: https://ref.example.com/{i}\n" for i in range(40))
    + "\n## Later\n\n- see https://github.com/o/r/issues/1 and www.example.com\n"
)


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """Every way a run could reach the network raises and is recorded."""
    attempts: list[tuple[object, ...]] = []

    def refuse(name: str):
        def call(*args: object, **kwargs: object) -> None:
            attempts.append((name, *args[:2]))
            raise OSError(f"network access in a test ({name})")

        return call

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    return attempts


def no_crash(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output


def one_line_error(result) -> str:
    no_crash(result)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("roadmaplint: error: "), result.stderr
    return lines[0]


def tree(top: Path) -> dict[str, bytes | str]:
    """Every path below ``top`` and its content (the target, for a link)."""
    out: dict[str, bytes | str] = {}
    for p in sorted(top.rglob("*")):
        if p.is_symlink():
            out[str(p.relative_to(top))] = os.readlink(p)
        elif p.is_file():
            out[str(p.relative_to(top))] = p.read_bytes()
    return out


# -- no network without --check-remote ---------------------------------------------


def inputs() -> list:
    cases = [pytest.param("http", id="http-links")]
    cases += [pytest.param(p.name, id=p.stem[:3]) for p in seeds] or [
        pytest.param("seeds", id="seeds", marks=pytest.mark.skip(reason=absent("seeds")))]
    return cases


@pytest.mark.parametrize("name", inputs())
def test_no_network_without_check_remote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         network_attempts: list, name: str) -> None:
    (tmp_path / ".git").mkdir()  # the config search stops here
    path = tmp_path / "ROADMAP.md"
    if name == "http":
        path.write_text(HTTP_ROADMAP, encoding="utf-8")
    else:
        shutil.copyfile(SEEDS / name, path)
    monkeypatch.chdir(tmp_path)
    for args in (
        ["check", "ROADMAP.md"],
        ["check", "--select", "ALL", "ROADMAP.md"],
        ["check", "--select", "ALL", "--format", "json", "ROADMAP.md"],
        ["check", "--diff", "--unsafe-fixes", "ROADMAP.md"],
        ["check"],
        ["format", "--check", "ROADMAP.md"],
        ["format", "--unsafe-fixes", "ROADMAP.md"],
        ["export", "ROADMAP.md"],
        ["init", "ROADMAP.md", "--stdout"],
    ):
        no_crash(run(*args))
    no_crash(run("format", "-", input=path.read_text(encoding="utf-8", errors="replace")))
    assert network_attempts == []


def test_the_network_guard_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, network_attempts: list) -> None:
    """--check-remote does reach the (disabled) network: the guard above is real."""
    (tmp_path / "ROADMAP.md").write_text("# Roadmap\n\n## Now\n\n- [x](http://127.0.0.1:9/a)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("check", "--check-remote", "ROADMAP.md")
    no_crash(result)
    assert network_attempts
    # nothing could be reached: said in one line, no link reported dead for it
    assert "remote checks skipped: no host could be reached" in result.output
    assert "RL410" not in result.output


# -- a spec or config cannot reach other files ---------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/outside/secret.txt beside a project tmp/repo/docs/ROADMAP.md."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("password=hunter2\nroot:x:0:0\n", encoding="utf-8")
    (outside / "package.json").write_text('{"name": "x", "version": "1.0.0"}\n', encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "docs").mkdir()
    (repo / "docs" / "ROADMAP.md").write_text("# Roadmap #\n\n## Now ##\n- thing   \n", encoding="utf-8")
    monkeypatch.chdir(repo)
    return tmp_path


def _config(project: Path, spec: str) -> None:
    (project / "repo" / "docs" / ".roadmaplint.toml").write_text(f"spec = {json.dumps(spec)}\n", encoding="utf-8")


@pytest.mark.parametrize(
    "spec, says",
    [
        ("../../outside/secret.txt", "invalid JSON"),
        ("../../outside/package.json", "$: Additional properties are not allowed"),
        ("../../outside", "cannot read"),
        ("../../outside/missing.json", "cannot read"),
    ],
    ids=["not-json", "not-a-spec", "directory", "missing"],
)
@pytest.mark.parametrize("command", ["check", "format", "export"])
def test_spec_outside_the_project_is_validated_never_leaked_or_written(
    project: Path, network_attempts: list, spec: str, says: str, command: str
) -> None:
    _config(project, spec)
    before = tree(project)
    err = one_line_error(run(command, "docs/ROADMAP.md"))
    assert says in err
    assert "hunter2" not in err and "root:x" not in err  # a line number, never the content
    assert tree(project) == before  # format wrote nothing, not even the roadmap
    assert network_attempts == []


@pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="no /etc/passwd here")
def test_spec_naming_etc_passwd(project: Path) -> None:
    rel = os.path.relpath("/etc/passwd", project / "repo" / "docs")
    _config(project, rel)
    before = Path("/etc/passwd").stat().st_mtime_ns
    for command in ("check", "format"):
        err = one_line_error(run(command, "docs/ROADMAP.md"))
        assert "/etc/passwd" in err and "invalid JSON" in err
        assert "root:" not in err
    assert Path("/etc/passwd").stat().st_mtime_ns == before


def test_format_writes_only_the_files_it_was_given(project: Path) -> None:
    repo = project / "repo"
    (repo / "docs" / "spec.json").write_text('{"extends": "generic", "title": {"required": true}}\n', encoding="utf-8")
    _config(project, "spec.json")
    (repo / "ROADMAP.md").write_text("# Other #\n", encoding="utf-8")  # not given: untouched
    before = tree(project)
    result = run("format", "--unsafe-fixes", "docs/ROADMAP.md")
    assert result.exit_code == 0, result.output
    after = tree(project)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert changed == [os.path.join("repo", "docs", "ROADMAP.md")]


@pytest.mark.parametrize(
    "ref",
    ["http://127.0.0.1:9/x.json", "https://127.0.0.1:9/x.json#/a", "file:///etc/passwd",
     "../../outside/secret.txt", "secret.json", "//127.0.0.1:9/x"],
)
@pytest.mark.parametrize("where", ["inline", "file"])
def test_model_ref_is_refused_without_fetching(project: Path, network_attempts: list, ref: str, where: str) -> None:
    model = {"$defs": {"a": {"$ref": ref}}, "properties": {"root": {"$ref": "#/$defs/a"}}}
    docs = project / "repo" / "docs"
    (docs / "secret.json").write_text('{"type": "object"}', encoding="utf-8")
    if where == "file":
        (docs / "spec.json").write_text(json.dumps({"extends": "generic", "model": model}), encoding="utf-8")
        _config(project, "spec.json")
    else:
        (docs / ".roadmaplint.toml").write_text(
            "[spec]\nextends = \"generic\"\n[spec.model.\"$defs\".a]\n\"$ref\" = " + json.dumps(ref) + "\n",
            encoding="utf-8",
        )
    for command in ("check", "export"):
        err = one_line_error(run(command, "docs/ROADMAP.md"))
        assert "$.model.$defs.a.$ref" in err
        assert "not a reference inside the model" in err
    assert network_attempts == []


@pytest.mark.parametrize("schema_key", ["$schema", "$id"])
def test_model_uris_are_names_not_fetched(project: Path, network_attempts: list, schema_key: str) -> None:
    model = {schema_key: "http://127.0.0.1:9/meta.json", "type": "object"}
    docs = project / "repo" / "docs"
    (docs / "spec.json").write_text(json.dumps({"extends": "generic", "model": model}), encoding="utf-8")
    _config(project, "spec.json")
    result = run("check", "docs/ROADMAP.md")
    no_crash(result)
    assert network_attempts == []


@pytest.mark.parametrize("model", [{"$ref": "#"}, {"$ref": "#/$defs/a", "$defs": {"a": {"$ref": "#/$defs/a"}}}],
                         ids=["self", "defs-cycle"])
def test_model_ref_cycle_is_a_spec_error(project: Path, model: dict) -> None:
    docs = project / "repo" / "docs"
    (docs / "spec.json").write_text(json.dumps({"extends": "generic", "model": model}), encoding="utf-8")
    _config(project, "spec.json")
    err = one_line_error(run("check", "docs/ROADMAP.md"))
    assert "spec.json" in err and "$.model" in err


def roadmaplint(*args: str, cwd: Path, timeout: float = HANG_GUARD) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    try:
        return subprocess.run([sys.executable, "-m", "roadmaplint", *args], cwd=cwd, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"roadmaplint {' '.join(args)} did not end within {timeout} s (hang?)")


def assert_one_line_exit_2(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("roadmaplint: error: "), proc.stderr
    return lines[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no fifos here")
@pytest.mark.parametrize("how", ["spec", "config"])
def test_spec_or_config_that_is_a_fifo_is_refused(project: Path, how: str) -> None:
    docs = project / "repo" / "docs"
    os.mkfifo(docs / "fifo")
    if how == "spec":
        _config(project, "fifo")
        args = ["check", "docs/ROADMAP.md"]
    else:
        args = ["check", "--config", "docs/fifo", "docs/ROADMAP.md"]
    err = assert_one_line_exit_2(roadmaplint(*args, cwd=project / "repo", timeout=10))
    assert "fifo" in err


# -- regular expressions in a user spec ------------------------------------------------

EVIL = ["(a+)+$", "(a|aa)+$", "(.*a){20}", "(a*)*b", "(\\w+\\s?)+$", ".*.*.*x", "^(a|a?)+$", "(x+x+)+y"]
LONG = "a" * 5_000
LONG_ROADMAP = (
    f"# Roadmap {LONG}\n\n## {LONG}!\n\n- [ ] {LONG} [link](https://host.org/{'a' * 2_000})\n"
    f"- [ ] [{LONG}](https://host.org/{'a' * 1_990}!)\n\n{LONG}\n{'=' * 3}\n\n## Now\n\n- a\n"
)


def _spec(where: str, pattern: str) -> dict:
    if where == "section":
        return {"extends": "generic", "sections": [{"name": "Later", "pattern": pattern}]}
    if where == "title":
        return {"extends": "generic", "title": {"required": True, "pattern": pattern}}
    return {"extends": "generic", "tracking": {"pattern": pattern, "sections": True, "items": True}}


@pytest.mark.parametrize("pattern", EVIL)
@pytest.mark.parametrize("where", ["section", "title", "tracking"])
def test_pathological_regex_is_refused_or_bounded(tmp_path: Path, where: str, pattern: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ROADMAP.md").write_text(LONG_ROADMAP, encoding="utf-8")
    (tmp_path / "spec.json").write_text(json.dumps(_spec(where, pattern)), encoding="utf-8")
    (tmp_path / ".roadmaplint.toml").write_text('spec = "spec.json"\n', encoding="utf-8")
    proc = roadmaplint("check", "ROADMAP.md", cwd=tmp_path)  # the timeout is the assertion
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    if proc.returncode == 2:  # refused: say where and why in one line
        err = assert_one_line_exit_2(proc)
        assert "spec.json" in err and "pattern" in err
    else:
        assert proc.returncode in (0, 1), proc.stderr


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)+$", "(.*a){20}"])
def test_exponential_patterns_are_refused_with_a_clear_error(tmp_path: Path, pattern: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ROADMAP.md").write_text(LONG_ROADMAP, encoding="utf-8")
    (tmp_path / ".roadmaplint.toml").write_text(
        "[spec]\nextends = \"generic\"\n[[spec.sections]]\nname = \"Later\"\npattern = " + json.dumps(pattern) + "\n",
        encoding="utf-8",
    )
    err = assert_one_line_exit_2(roadmaplint("check", "ROADMAP.md", cwd=tmp_path))
    assert ".roadmaplint.toml" in err and "$.sections[0].pattern" in err
    assert "exponential time" in err


# -- text that hides what it says ---------------------------------------------------------

BIDI = {
    "\u202a": "left-to-right embedding", "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting", "\u202d": "left-to-right override",
    "\u202e": "right-to-left override", "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate", "\u2068": "first strong isolate", "\u2069": "pop directional isolate",
}


@pytest.mark.parametrize("ch", sorted(BIDI), ids=[f"U+{ord(c):04X}" for c in sorted(BIDI)])
@pytest.mark.parametrize(
    "template",
    ["# Road{c}map\n\n## Now\n\n- a\n", "# Roadmap\n\n## Now\n\n- admin{c} // check\n",
     "# Roadmap\n\n## Now\n\n- [li{c}nk](https://example.com/x)\n",
     "# Roadmap\n\n## Now\n\n```c\nint a; /*{c} } if (x) begin */\n```\n",
     "# Roadmap\n\n## Now\n\n- `co{c}de` span\n"],
    ids=["heading", "item", "link", "code-block", "code-span"],
)
def test_bidirectional_controls_are_reported(tmp_path: Path, ch: str, template: str) -> None:
    text = template.replace("{c}", ch)
    path = tmp_path / "ROADMAP.md"
    path.write_text(text, encoding="utf-8")
    result = run("check", "--format", "json", str(path))
    assert result.exit_code == 1, result.output
    found = [v for v in json.loads(result.stdout)["violations"] if v["code"] == "RL105"]
    offset = text.index(ch)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    assert [(v["line"], v["column"]) for v in found] == [(line, column)]
    assert BIDI[ch] in found[0]["message"]
    # never removed silently: `format` leaves it for a person to decide
    assert run("format", str(path)).exit_code == 0
    assert ch in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["check", "format"])
def test_a_file_name_too_long_is_one_line_not_an_internal_error(tmp_path: Path, command: str) -> None:
    name = str(tmp_path / ("a" * 300 + ".md"))  # past NAME_MAX (255) on common file systems
    try:
        os.stat(name)
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            pytest.skip(f"this file system does not refuse a 304-byte name as too long ({exc})")
    else:
        pytest.skip("this file system takes a 304-byte name")
    line = one_line_error(run(command, name))
    assert line.endswith(": File name too long") and "a" * 300 in line, line
