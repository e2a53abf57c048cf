"""`roadmaplint init`: the config it writes describes the roadmap it came from."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from roadmaplint.cli import cli
from roadmaplint.config import load_config
from roadmaplint.spec import validate

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
seeds = sorted(SEEDS.glob("0*.md")) if SEEDS.is_dir() else []
needs_seeds = pytest.mark.skipif(not seeds, reason="../shared/seeds is absent")

OURS = """# Roadmap

- ✅ done
- 🚧 in progress
- 💤 not started

## Now

- 🚧 Faster startup
- ✅ Parser

## Next

- 💤 Plugin API

## Completed

- Logo
"""


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def project(tmp_path: Path, text: str) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    path = tmp_path / "ROADMAP.md"
    path.write_text(text, encoding="utf-8")
    return path


def round_trip(roadmap: Path) -> str:
    result = run("init", str(roadmap))
    assert result.exit_code == 0, result.output
    config = roadmap.parent / ".roadmaplint.toml"
    text = config.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    load_config(config)  # validates against the config schema
    validate(data["spec"], str(config))
    result = run("check", str(roadmap), "--select", "RL2,RL3")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "All checks passed (1 file)."
    return text


def test_round_trip_on_our_roadmap(tmp_path: Path) -> None:
    text = round_trip(project(tmp_path, OURS))
    data = tomllib.loads(text)["spec"]
    assert data["extends"] == "status-legend"
    assert [s["name"] for s in data["sections"]] == ["Now", "Next", "Completed"]
    assert data["sections"][2]["status"] == "done"
    assert data["statuses"] == {"done": {"markers": ["✅"]}, "in-progress": {"markers": ["🚧"]},
                                "planned": {"markers": ["💤"]}}


def test_the_inferred_spec_catches_changes(tmp_path: Path) -> None:
    roadmap = project(tmp_path, OURS)
    round_trip(roadmap)
    roadmap.write_text(OURS.replace("## Next\n\n- 💤 Plugin API\n\n", "").replace("- ✅ Parser", "- ⏳ Parser"),
                       encoding="utf-8")
    result = run("check", str(roadmap), "--select", "RL2,RL3", "--format", "json")
    import json

    codes = sorted(v["code"] for v in json.loads(result.output)["violations"])
    assert codes == ["RL201", "RL302"]  # the section is gone, the marker is not the legend's


@needs_seeds
@pytest.mark.parametrize("seed", seeds, ids=lambda p: p.name[:3])
def test_round_trip_on_every_seed(seed: Path, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    roadmap = tmp_path / "ROADMAP.md"
    shutil.copyfile(seed, roadmap)
    round_trip(roadmap)


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    roadmap = project(tmp_path, OURS)
    config = tmp_path / ".roadmaplint.toml"
    config.write_text("# mine\n", encoding="utf-8")
    result = run("init", str(roadmap))
    assert result.exit_code == 2
    assert "exists (use --force to overwrite, or --stdout)" in result.stderr
    assert config.read_text(encoding="utf-8") == "# mine\n"
    assert run("init", str(roadmap), "--force").exit_code == 0
    assert "[spec]" in config.read_text(encoding="utf-8")


def test_stdout_prints_without_writing(tmp_path: Path) -> None:
    roadmap = project(tmp_path, OURS)
    result = run("init", str(roadmap), "--stdout")
    assert result.exit_code == 0
    assert not (tmp_path / ".roadmaplint.toml").exists()
    data = tomllib.loads(result.stdout)
    validate(data["spec"], "stdout")
    assert data["spec"]["legend"] == "required"


def test_rules_the_roadmap_fails_are_listed_under_ignore(tmp_path: Path) -> None:
    text = "# Roadmap\n\n## Now\n\nMVP\n\n- Parser\n\n## Later\n"
    data = tomllib.loads(round_trip(project(tmp_path, text)))
    assert data["ignore"] == ["empty-section", "pseudo-heading"]
