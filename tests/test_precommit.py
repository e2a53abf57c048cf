"""The pre-commit hooks in .pre-commit-hooks.yaml, driven by the real pre-commit.

The tests marked `precommit` run pre-commit as a user would; pre-commit
pip-installs this project into a fresh virtualenv, which needs a package
index. Where there is none, deselect them (`-m "not precommit"`) or set
ROADMAPLINT_SKIP_PRECOMMIT=1. CI runs them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from roadmaplint.cli import cli
from roadmaplint.files import ROADMAP_NAME

pytestmark = pytest.mark.slow  # generated inputs / the real pre-commit: `pytest -m slow`

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"

DAMAGED = (
    "# Garden shed roadmap\n"
    "\n"
    "Status markers: ✅ done, 🚧 in progress, 💤 not started.   \n"  # 3:54 RL502 (format)
    "\n"
    "## Now ##\n"                                                    # 5:1 RL501
    "\n"
    "- ✅ Pour the concrete base\t\n"                                # 7:27 RL502 (format)
    "- 🚧 Frame the walls   \n"                                      # 8:20 RL502 (format)
    "\n"
    "## Later\n"
    "\n"
    "- 💤 Paint the door ([colours](#paint-colours))\n"              # 12:22 RL401, no fix
)
FORMATTED = (
    "# Garden shed roadmap\n"
    "\n"
    "Status markers: ✅ done, 🚧 in progress, 💤 not started.\n"
    "\n"
    "## Now\n"
    "\n"
    "- ✅ Pour the concrete base\n"
    "- 🚧 Frame the walls\n"
    "\n"
    "## Later\n"
    "\n"
    "- 💤 Paint the door ([colours](#paint-colours))\n"
)
# not a roadmap: the hooks must leave it alone even with --all-files
README = "# Garden shed #\n\nPlans live in ROADMAP.md.   \n"

# the README's snippet, pointed at a local copy of the project
CONFIG = """\
repos:
  - repo: {repo}
    rev: v0.1.0
    hooks:
      - id: roadmaplint-format
      - id: roadmaplint
"""


def _hooks() -> dict[str, dict]:
    yaml = pytest.importorskip("yaml")
    return {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}


# -- the manifest -------------------------------------------------------------


def test_manifest_offers_check_and_format() -> None:
    hooks = _hooks()
    assert set(hooks) == {"roadmaplint", "roadmaplint-format"}
    assert hooks["roadmaplint"]["entry"] == "roadmaplint check"
    assert hooks["roadmaplint-format"]["entry"] == "roadmaplint format"
    assert {hook["language"] for hook in hooks.values()} == {"python"}


def test_manifest_is_valid_for_pre_commit() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    clientlib.load_manifest(str(MANIFEST))  # raises InvalidManifestError


def test_entries_are_our_commands() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    for hook in _hooks().values():
        program, command, *_ = hook["entry"].split()
        assert program in scripts
        assert command in cli.commands


@pytest.mark.parametrize(
    ("path", "roadmap"),
    [
        ("ROADMAP.md", True),
        ("roadmap.md", True),
        ("Roadmap.MD", True),
        ("ROADMAP.markdown", True),
        ("docs/roadmap.md", True),
        ("docs/Roadmap.markdown", True),
        ("roadmap.mdown", True),
        ("a/b/ROADMAP.mkd", True),
        ("README.md", False),
        ("myroadmap.md", False),
        ("docs/roadmap-2024.md", False),
        ("roadmap.md.orig", False),
        ("roadmap.txt", False),
        ("roadmap/README.md", False),
    ],
)
def test_files_pattern(path: str, roadmap: bool) -> None:
    # the hooks pick the same files `roadmaplint check .` finds
    assert bool(ROADMAP_NAME.fullmatch(path.rsplit("/", 1)[-1])) is roadmap
    for hook in _hooks().values():
        assert bool(re.search(hook["files"], path)) is roadmap, hook["id"]


# -- the real pre-commit ------------------------------------------------------


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment free of the caller's git and pre-commit settings, with
    one PRE_COMMIT_HOME for the module so `pre-commit run` builds its
    virtualenv once (try-repo always builds in a store of its own)."""
    if os.environ.get("ROADMAPLINT_SKIP_PRECOMMIT", "") not in ("", "0"):
        pytest.skip("ROADMAPLINT_SKIP_PRECOMMIT is set")
    if shutil.which("git") is None:
        pytest.skip("needs git")
    pytest.importorskip("pre_commit")
    env = {
        k: v for k, v in os.environ.items()
        # GIT_DIR and GIT_INDEX_FILE are set when the suite runs inside a git hook
        if not k.startswith(("GIT_", "PRE_COMMIT")) and k != "SKIP"
    }
    env.update(
        PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")),
        PRE_COMMIT_COLOR="never",
        NO_COLOR="1",
        GIT_CONFIG_GLOBAL=os.devnull,  # no hooksPath, gpgsign or templates of the caller's
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


def _git(repo: Path, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, env=env, check=check, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def _new_repo(path: Path, env: dict[str, str], files: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    _git(path, env, "init", "-q")
    _git(path, env, "config", "user.name", "roadmaplint tests")
    _git(path, env, "config", "user.email", "tests@roadmaplint.invalid")
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8", newline="")
    _git(path, env, "add", "-A")
    return path


def _project_files(env: dict[str, str]) -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, env=env, capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):  # not a git checkout, e.g. an sdist
        skip = {".git", "__pycache__", ".pytest_cache", ".hypothesis", ".venv", "venv", "build", "dist"}
        return [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
                if p.is_file() and not skip.intersection(p.relative_to(ROOT).parts)]
    return [name for name in out.decode().split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Path:
    """A committed copy of the project as it is on disk, tagged v0.1.0.

    try-repo on the working tree itself would commit only tracked files, so a
    new, not yet added module would be missing from the hook's install."""
    snapshot = tmp_path_factory.mktemp("project")
    for name in _project_files(env):
        (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, snapshot / name)
    _new_repo(snapshot, env, {})
    _git(snapshot, env, "commit", "-q", "-m", "snapshot")
    _git(snapshot, env, "tag", "v0.1.0")
    return snapshot


def _pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=repo, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=600)


STATUS = re.compile(r"^(?P<name>\S.*?)\.+(?:\([^)]*\))?(?P<status>Passed|Failed|Skipped)$", re.M)


def _results(output: str) -> dict[str, tuple[str, str]]:
    """Hook name -> (Passed / Failed / Skipped, what the hook printed)."""
    found = list(STATUS.finditer(output))
    ends = [m.start() for m in found[1:]] + [len(output)]
    return {m["name"]: (m["status"], output[m.end():end]) for m, end in zip(found, ends)}


def _show(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}"


@pytest.mark.precommit
def test_try_repo_formats_then_checks(tmp_path: Path, project: Path, env: dict[str, str]) -> None:
    repo = _new_repo(tmp_path / "user", env, {"ROADMAP.md": DAMAGED, "README.md": README})

    first = _pre_commit(repo, env, "try-repo", str(project), "--all-files")
    results = _results(first.stdout)
    assert first.returncode == 1, _show(first)
    status, out = results["roadmaplint"]  # hooks run by id: check, then format
    assert status == "Failed", _show(first)
    # check reports problems; trailing whitespace is left to the format hook
    assert "RL501" in out and "RL401" in out and "RL502" not in out, _show(first)
    status, out = results["roadmaplint format"]
    assert status == "Failed" and "files were modified by this hook" in out, _show(first)
    assert (repo / "ROADMAP.md").read_text(encoding="utf-8") == FORMATTED
    assert (repo / "README.md").read_text(encoding="utf-8") == README

    second = _pre_commit(repo, env, "try-repo", str(project), "--all-files")
    results = _results(second.stdout)
    assert results["roadmaplint format"][0] == "Passed", _show(second)
    status, out = results["roadmaplint"]
    assert status == "Failed", _show(second)
    assert "RL401" in out and "broken-anchor" in out, _show(second)
    assert "RL501" not in out and "RL502" not in out, _show(second)
    assert (repo / "ROADMAP.md").read_text(encoding="utf-8") == FORMATTED


@pytest.mark.precommit
def test_commit_hook_from_readme_config(tmp_path: Path, project: Path, env: dict[str, str]) -> None:
    roadmap = "docs/Roadmap.markdown"
    repo = _new_repo(tmp_path / "user", env, {roadmap: DAMAGED, "README.md": README})
    (repo / ".pre-commit-config.yaml").write_text(CONFIG.format(repo=project.as_posix()), encoding="utf-8")
    _git(repo, env, "add", "-A")
    installed = _pre_commit(repo, env, "install")
    assert installed.returncode == 0, _show(installed)

    refused = _git(repo, env, "commit", "-m", "Add a roadmap", check=False)
    output = refused.stdout + refused.stderr
    results = _results(output)
    assert refused.returncode != 0, output
    status, out = results["roadmaplint format"]
    assert status == "Failed" and "files were modified by this hook" in out, output
    status, out = results["roadmaplint"]  # after format: only what has no fix
    assert status == "Failed" and "RL401" in out and "RL501" not in out, output
    assert (repo / roadmap).read_text(encoding="utf-8") == FORMATTED
    assert (repo / "README.md").read_text(encoding="utf-8") == README
    assert _git(repo, env, "rev-list", "--all").stdout == ""  # nothing committed

    (repo / roadmap).write_text(FORMATTED.replace("#paint-colours", "#later"), encoding="utf-8")
    _git(repo, env, "add", "-A")
    done = _git(repo, env, "commit", "-m", "Add a roadmap", check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert {status for status, _ in _results(output).values()} == {"Passed"}, output
