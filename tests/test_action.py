"""The GitHub Action (action.yml) run the way a runner runs it: each step's
``run:`` script with bash -eo pipefail, its ``env:`` filled in from inputs, in a
temporary workspace. The install step runs with a stub Python (offline); the
steps after it run the current roadmaplint through a ``bin`` directory."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from roadmaplint.summary import make_summary

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[1]
if not (ROOT / "action.yml").is_file():
    pytest.skip("action.yml is not in this tree (an sdist)", allow_module_level=True)
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
SETUP = next(i for i, step in enumerate(STEPS) if step.get("uses", "").startswith("actions/setup-python@"))
INSTALL = next(i for i, step in enumerate(STEPS) if step.get("id") == "install")

# "- [x](#nowhere)": a link to an anchor no heading makes (RL401, an error)
BAD = "# Roadmap\n\n- [x](#nowhere)\n"
CLEAN = "# Roadmap\n\n## Now\n\n- item\n"


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _bin(tmp: Path) -> Path:
    """A bin directory whose roadmaplint and python are this checkout's."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    _script(bin_dir / "roadmaplint", f'exec "{sys.executable}" -m roadmaplint "$@"\n')
    _script(bin_dir / "python", f'exec "{sys.executable}" "$@"\n')
    return bin_dir


def _expand(value: str, inputs: dict[str, str], bin_dir: Path, python: str) -> str:
    def one(match: re.Match) -> str:
        expr = match.group(1).strip()
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        if expr == "steps.install.outputs.bin":
            return str(bin_dir)
        if expr == "steps.python.outputs.python-path":
            return python
        if expr == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"unexpected expression {expr!r}")
    return re.sub(r"\$\{\{(.*?)\}\}", one, value)


class Run:
    def __init__(self, tmp: Path) -> None:
        tmp.mkdir(exist_ok=True)
        self.workspace = tmp / "workspace"
        self.workspace.mkdir()
        self.temp = tmp / "runner-temp"
        self.temp.mkdir()
        self.output = tmp / "github-output"
        self.summary = tmp / "step-summary.md"
        self.output.touch()
        self.summary.touch()
        self.tmp = tmp

    def step(self, index: int, inputs: dict[str, str], bin_dir: Path, python: str = "python3",
             path_prefix: str | None = None) -> subprocess.CompletedProcess:
        step = STEPS[index]
        values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
        values.update(inputs)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        env.update({name: _expand(str(value), values, bin_dir, python) for name, value in step.get("env", {}).items()})
        env.update(GITHUB_OUTPUT=str(self.output), GITHUB_STEP_SUMMARY=str(self.summary),
                   GITHUB_WORKSPACE=str(self.workspace), RUNNER_TEMP=str(self.temp),
                   GITHUB_ACTION_PATH=str(ROOT), PYTHONPATH=str(ROOT))
        if path_prefix:
            env["PATH"] = path_prefix + os.pathsep + env["PATH"]
        script = self.tmp / f"step{index}.sh"
        script.write_text(step["run"], encoding="utf-8")
        assert step["shell"] == "bash"
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=self.workspace, env=env, capture_output=True, text=True, timeout=120)

    def after_install(self, inputs: dict[str, str]) -> list[subprocess.CompletedProcess]:
        """The steps after install, as the runner would: check's failure does
        not stop the format check (its `if:` says always())."""
        bin_dir = _bin(self.tmp)
        results = []
        for index in range(INSTALL + 1, len(STEPS)):
            # a step whose `if:` asks for an input to be "true" runs only then
            wanted = re.findall(r"inputs\.([\w-]+) == 'true'", STEPS[index].get("if", ""))
            if any(inputs.get(name, ACTION["inputs"][name].get("default", "")) != "true" for name in wanted):
                continue
            results.append(self.step(index, inputs, bin_dir))
        return results

    def outputs(self) -> dict[str, str]:
        return dict(line.split("=", 1) for line in self.output.read_text(encoding="utf-8").splitlines())


def test_install_step_pins_dependencies_and_honours_version(tmp_path: Path) -> None:
    # a stub Python whose `-m venv DIR` makes DIR/bin/python, a stub that records its arguments
    log = tmp_path / "pip-args"
    recorder = _script(tmp_path / "recorder", f'for a in "$@"; do printf "%s\\n" "$a"; done >> "{log}"\n'
                                              f'echo END >> "{log}"\n')
    stub_python = _script(tmp_path / "python-stub", f"""\
if [ "$1" = -m ] && [ "$2" = venv ]; then
  mkdir -p "$3/bin" && cp "{recorder}" "$3/bin/python"
  exit 0
fi
exit 3
""")
    for version, target in (("", str(ROOT)), ("0.1.0", "roadmaplint==0.1.0"), ("v0.1.0", "roadmaplint==0.1.0")):
        log.unlink(missing_ok=True)
        run = Run(tmp_path / f"install{version or 'checkout'}")
        result = run.step(INSTALL, {"version": version}, tmp_path / "unused", python=str(stub_python))
        assert result.returncode == 0, result.stderr
        args = log.read_text(encoding="utf-8").split("\n")
        assert args[:2] == ["-m", "pip"] and "install" in args
        assert args[args.index("--constraint") + 1] == str(ROOT / "action-constraints.txt")
        assert args[-3] == target and args[-2] == "END", args
        assert run.outputs()["bin"] == str(run.temp / "roadmaplint-venv" / "bin")


def test_setup_python_caches_pip_on_the_constraints_file() -> None:
    # setup-python v5 rejects a cache-dependency-path outside the workspace
    assert STEPS[SETUP]["uses"] == "actions/setup-python@v6"
    with_ = STEPS[SETUP]["with"]
    assert with_["cache"] == "pip"
    assert with_["cache-dependency-path"] == "${{ github.action_path }}/action-constraints.txt"
    assert (ROOT / "action-constraints.txt").is_file()


def test_paths_one_per_line_may_contain_spaces(tmp_path: Path) -> None:
    run = Run(tmp_path)
    (run.workspace / "my docs").mkdir()
    (run.workspace / "my docs" / "ROADMAP.md").write_text(BAD, encoding="utf-8")
    (run.workspace / "other").mkdir()
    (run.workspace / "other" / "ROADMAP.md").write_text(BAD, encoding="utf-8")
    (run.workspace / "ignored").mkdir()
    (run.workspace / "ignored" / "ROADMAP.md").write_text(BAD, encoding="utf-8")
    check, fmt = run.after_install({"paths": "my docs/ROADMAP.md\n\nother/ROADMAP.md\r\n", "format": "text"})
    assert check.returncode == 1, check.stderr
    assert "my docs/ROADMAP.md:3:" in check.stdout and "other/ROADMAP.md:3:" in check.stdout
    assert "ignored" not in check.stdout
    assert run.outputs() == {"exit-code": "1", "output-file": ""}
    assert fmt.returncode == 0, fmt.stderr + fmt.stdout  # the format check runs on the same two files
    assert "2 files left unchanged" in fmt.stdout + fmt.stderr


def test_sarif_goes_to_the_output_file_and_summary_counts_rules(tmp_path: Path) -> None:
    run = Run(tmp_path)
    (run.workspace / "ROADMAP.md").write_text(BAD.replace("[x](#nowhere)", "[x](#nowhere) [y](#gone)"),
                                               encoding="utf-8")
    (check,) = run.after_install({"format": "sarif", "output-file": "out.sarif", "format-check": "false"})
    assert check.returncode == 1, check.stderr
    sarif = json.loads((run.workspace / "out.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"]
    assert "runs" not in check.stdout and "$schema" not in check.stdout
    assert run.outputs() == {"exit-code": "1", "output-file": "out.sarif"}
    summary = run.summary.read_text(encoding="utf-8")
    assert "| RL401 | broken-anchor | error | 2 | 0 |" in summary
    assert "`ROADMAP.md:3` | RL401 | no heading or anchor for #nowhere" in summary


def test_sarif_without_output_file_defaults_to_a_file(tmp_path: Path) -> None:
    run = Run(tmp_path)
    (run.workspace / "ROADMAP.md").write_text(CLEAN, encoding="utf-8")
    (check,) = run.after_install({"format": "sarif", "format-check": "false"})
    assert check.returncode == 0, check.stderr
    assert run.outputs() == {"exit-code": "0", "output-file": "roadmaplint.sarif"}
    json.loads((run.workspace / "roadmaplint.sarif").read_text(encoding="utf-8"))
    assert "All checks passed (1 file)." in run.summary.read_text(encoding="utf-8")


def test_github_annotations_go_to_the_log_and_the_file(tmp_path: Path) -> None:
    run = Run(tmp_path)
    (run.workspace / "ROADMAP.md").write_text(BAD, encoding="utf-8")
    (check,) = run.after_install({"output-file": "annotations.txt", "format-check": "false"})
    assert check.returncode == 1
    assert "::error" in check.stdout and "RL401" in check.stdout
    assert "::error" in (run.workspace / "annotations.txt").read_text(encoding="utf-8")
    assert run.outputs()["exit-code"] == "1"


def test_usage_error_exits_2_after_outputs_and_summary(tmp_path: Path) -> None:
    run = Run(tmp_path)
    (run.workspace / "ROADMAP.md").write_text(CLEAN, encoding="utf-8")
    (check,) = run.after_install({"args": "--select NOPE", "format-check": "false"})
    assert check.returncode == 2
    assert "unknown rule or prefix 'NOPE'" in check.stderr
    assert run.outputs() == {"exit-code": "2", "output-file": ""}
    assert "could not check the files (exit code 2)" in run.summary.read_text(encoding="utf-8")


def test_args_are_split_on_spaces(tmp_path: Path) -> None:
    run = Run(tmp_path)
    (run.workspace / "ROADMAP.md").write_text(BAD, encoding="utf-8")
    (check,) = run.after_install({"args": "--exit-zero  --select RL1", "format": "json",
                                  "format-check": "false"})
    assert check.returncode == 0, check.stderr
    assert run.outputs() == {"exit-code": "0", "output-file": "roadmaplint.json"}
    assert json.loads((run.workspace / "roadmaplint.json").read_text(encoding="utf-8"))["violations"] == []


def test_summary_lists_the_first_20_problems() -> None:
    report = {"files": [{"path": "R.md"}],
              "violations": [{"path": "R.md", "line": n, "code": "RL401", "name": "broken-anchor",
                              "severity": "error", "message": f"no heading for #a|{n}", "fixable": False}
                             for n in range(1, 26)]}
    summary = make_summary(report)
    assert "Found 25 problems in 1 file." in summary
    assert "`R.md:20` | RL401 | no heading for #a\\|20 |" in summary
    assert "`R.md:21`" not in summary and "… and 5 more." in summary


def test_summary_of_statistics_json(tmp_path: Path) -> None:
    # args "--statistics" with format json: the report is one row per rule
    run = Run(tmp_path)
    (run.workspace / "ROADMAP.md").write_text(BAD, encoding="utf-8")
    (check,) = run.after_install({"args": "--statistics", "format": "json", "format-check": "false"})
    assert check.returncode == 1, check.stderr
    summary = run.summary.read_text(encoding="utf-8")
    assert "Found 1 problem." in summary and "| RL401 | broken-anchor | error | 1 | 0 |" in summary


# a checklist: "[x] Parser" done, "[ ] Plugins" planned
PROGRESS = "# Roadmap\n\n## Now\n\n- [x] Parser\n- [ ] Plugins\n"
SUMMARY = next(i for i, step in enumerate(STEPS) if "inputs.summary" in step.get("if", ""))


def test_summary_true_writes_the_progress_to_the_job_summary(tmp_path: Path) -> None:
    run = Run(tmp_path)
    (run.workspace / "docs").mkdir()
    (run.workspace / "docs" / "ROADMAP.md").write_text(PROGRESS, encoding="utf-8")
    check, progress = run.after_install({"summary": "true", "format": "text", "format-check": "false",
                                         "paths": "docs/ROADMAP.md"})
    assert check.returncode == 0, check.stderr
    assert progress.returncode == 0, progress.stderr
    summary = run.summary.read_text(encoding="utf-8")
    # the lint summary, then the progress
    assert summary.index("All checks passed (1 file).") < summary.index("## Roadmap progress")
    assert "### `docs/ROADMAP.md`" in summary and "**1/2 done (50%)**" in summary
    assert "| Now | `█████░░░░░` 50% | 1 | 0 | 1 | 0 | 0 | 0 |" in summary
    assert run.outputs()["exit-code"] == "0"


def test_summary_runs_after_problems_and_not_unless_asked(tmp_path: Path) -> None:
    run = Run(tmp_path / "asked")
    (run.workspace / "ROADMAP.md").write_text(PROGRESS + "\n- [x](#nowhere)\n", encoding="utf-8")
    check, progress = run.after_install({"summary": "true", "format-check": "false"})
    assert check.returncode == 1 and progress.returncode == 0, progress.stderr
    assert "## Roadmap progress" in run.summary.read_text(encoding="utf-8")
    assert STEPS[SUMMARY]["if"].startswith("${{ always() &&")  # as the runner runs it after a failing check
    quiet = Run(tmp_path / "default")
    (quiet.workspace / "ROADMAP.md").write_text(PROGRESS, encoding="utf-8")
    (check,) = quiet.after_install({"format-check": "false"})
    assert "Roadmap progress" not in quiet.summary.read_text(encoding="utf-8")


def _closure() -> dict[str, list]:
    """roadmaplint's runtime requirements (pyproject) and theirs (installed metadata)."""
    from packaging.requirements import Requirement
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    todo = [Requirement(text) for text in pyproject["project"]["dependencies"]]
    found: dict[str, list] = {}
    while todo:
        req = todo.pop()
        name = req.name.lower().replace("_", "-").replace(".", "-")
        found.setdefault(name, []).append(req)
        if len(found[name]) > 1 or (req.marker and not req.marker.evaluate({"extra": ""})):
            continue
        todo += [Requirement(text) for text in metadata.distribution(req.name).requires or []]
    return found


def test_constraints_pin_every_runtime_dependency() -> None:
    from packaging.requirements import Requirement
    pins = {}
    for line in (ROOT / "action-constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", line
            pins[req.name.lower().replace("_", "-")] = spec.version
    for name, reqs in _closure().items():
        applies = [r for r in reqs if not r.marker or r.marker.evaluate({"extra": ""})]
        if not applies:  # such as tomli on Python >= 3.11: pinned if listed
            for req in reqs:
                if name in pins:
                    assert req.specifier.contains(pins[name], prereleases=True), (name, pins[name])
            continue
        assert name in pins, f"{name} is not pinned in action-constraints.txt"
        for req in applies:
            assert req.specifier.contains(pins[name], prereleases=True), (name, pins[name], str(req))
