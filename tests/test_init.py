"""`roadmaplint init`: the config it writes describes the roadmap it came from."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from roadmaplint.config import load_config
from roadmaplint.settings import Settings
from roadmaplint.source import Source
from roadmaplint.spec import validate
from helpers import found, run, said, violations
from shared_data import SHARED, absent

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SEEDS = SHARED / "seeds"
seeds = sorted(SEEDS.glob("0*.md")) if SEEDS.is_dir() else []
needs_seeds = pytest.mark.skipif(not seeds, reason=absent("seeds"))

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


# -- dated headings: the spec still holds next quarter ------------------------------------

STRUCTURE = ["RL201", "RL202", "RL203", "RL204"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_SHORT = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
_PERIOD = re.compile(r"\bQ([1-4]) (\d{4})|\bH([12]) (\d{4})|\b(" + "|".join(map(re.escape, _MONTHS + _SHORT))
                     + r") (\d{4})|\bv(\d+)\.(\d+)|\b(\d{4})\b")


def _next(m: re.Match) -> str:
    q, qy, h, hy, month, my, major, minor, year = m.groups()
    if q:
        return f"Q{int(q) % 4 + 1} {int(qy) + (q == '4')}"
    if h:
        return f"H{int(h) % 2 + 1} {int(hy) + (h == '2')}"
    if month:
        names = _MONTHS if month in _MONTHS else _SHORT
        i = names.index(month)
        return f"{names[(i + 1) % 12]} {int(my) + (i == 11)}"
    if major:
        return f"v{major}.{int(minor) + 1}"
    return str(int(year) + 1)


def roll_forward(text: str) -> str:
    """Every dated heading one period later: Q1 -> Q2, June -> July, v1.2 -> v1.3, 2025 -> 2026."""
    return re.sub(r"(?m)^(#+ .*)$", lambda line: _PERIOD.sub(_next, line.group(1)), text)


def inferred_spec(tmp_path: Path, text: str) -> dict:
    roadmap = project(tmp_path, text)
    result = run("init", str(roadmap))
    assert result.exit_code == 0, result.output
    data = tomllib.loads((tmp_path / ".roadmaplint.toml").read_text(encoding="utf-8"))
    validate(data["spec"], "init")
    return data


DATED = {
    "horizons": "# Roadmap\n\n## Now (Q1 2025)\n\n- Parser\n\n## Next (Q2 2025)\n\n- Plugins\n\n## Later\n\n- Sync\n",
    "quarters": "# Roadmap\n\n## Overview\n\nWhat we plan.\n\n## Q3 2025\n\n- Parser\n\n## Q4 2025\n\n- Plugins\n\n"
                "## Q1 2026\n\n- Sync\n\n## Ideas\n\n- Themes\n",
    "releases": "# Releases\n\n## v1.3\n\n- Sync\n\n## v1.2\n\n- Plugins\n\n## v1.1\n\n- Parser\n",
    "months": "# Roadmap\n\n## June 2026\n\n- Parser\n\n## July 2026\n\n- Plugins\n\n## December 2026\n\n- Sync\n",
    "years and halves": "# Roadmap\n\n## 2025\n\n- Parser\n\n## H1 2026\n\n- Plugins\n\n## H2 2026\n\n- Sync\n",
    "phases": "# Roadmap\n\n## Phase 1 (Q1 2025)\n\n- Parser\n\n## Phase 2 (Q3 2025)\n\n- Plugins\n",
    "patch releases": "# Roadmap\n\n## v0.1 — Parser\n\n- a\n\n## v0.1.x — Fixes\n\n- b\n\n## v0.2 — Plugins\n\n- c\n",
    "abbreviated months": "# Plan\n\n## Work (Jun. 2026)\n\n- a\n\n## Talks (Sept. 2026, Oct. 2026)\n\n- b\n",
}


@pytest.mark.parametrize("name", DATED)
def test_the_spec_still_holds_when_every_date_moves_on(name: str, tmp_path: Path) -> None:
    text = DATED[name]
    data = inferred_spec(tmp_path, text)
    assert "ignore" not in data
    later = roll_forward(text)
    assert later != text
    assert found(text, *STRUCTURE, "RL601", spec=data["spec"]) == []
    assert found(later, *STRUCTURE, "RL601", spec=data["spec"]) == []


def test_a_dated_heading_becomes_its_name_without_the_date(tmp_path: Path) -> None:
    spec = inferred_spec(tmp_path, DATED["horizons"])["spec"]
    assert [(s["name"], s.get("pattern")) for s in spec["sections"]] == [
        ("Now", "^now \\(q[1-4] \\d{4}\\)"), ("Next", "^next \\(q[1-4] \\d{4}\\)"), ("Later", None)]
    assert spec["order"] == "strict"  # known by name: the order of the names
    # the section is still required under its name
    gone = DATED["horizons"].replace("## Now (Q1 2025)\n\n- Parser\n\n", "")
    assert [(v.code, v.message) for v in violations(gone, *STRUCTURE, spec=spec)] == [
        ("RL201", 'missing section "Now" under "Roadmap"')]


def test_milestones_become_a_repeating_pattern_in_the_documents_direction(tmp_path: Path) -> None:
    spec = inferred_spec(tmp_path, DATED["quarters"])["spec"]
    assert spec["sections"][1] == {"name": "Quarters", "pattern": "^q[1-4] \\d{4}(?!\\w)", "level": 2,
                                   "repeat": {"min": 1}}
    assert spec["order"] == "chronological"
    (tmp_path / "releases").mkdir()
    assert inferred_spec(tmp_path / "releases", DATED["releases"])["spec"]["order"] == "reverse-chronological"
    # a fourth quarter is welcome; one out of its place is reported
    more = DATED["quarters"].replace("## Ideas", "## Q2 2026\n\n- Docs\n\n## Ideas")
    assert found(more, *STRUCTURE, "RL601", spec=spec) == []
    swapped = DATED["quarters"].replace("Q3 2025", "Q9").replace("Q4 2025", "Q3 2025").replace("Q9", "Q4 2025")
    assert [(v.code, v.message[:9]) for v in violations(swapped, *STRUCTURE, "RL601", spec=spec)] == [
        ("RL601", '"Q3 2025"')]


EVERY = sorted((SHARED / "corpus" / "roadmaps").glob("*")) + sorted((SHARED / "seeds").glob("0*.md"))


@pytest.mark.skipif(not EVERY, reason=absent())
def test_init_on_every_corpus_file_checks_clean_for_structure(tmp_path: Path) -> None:
    from roadmaplint.document import load
    from roadmaplint.linter import bind
    from roadmaplint.init import config_text, infer

    failures = []
    for i, path in enumerate(EVERY):
        folder = tmp_path / str(i)
        folder.mkdir()
        roadmap = folder / "ROADMAP.md"
        shutil.copyfile(path, roadmap)
        source = Source.from_bytes(roadmap.read_bytes(), str(roadmap))
        bound = bind(load(source), Settings())
        data = tomllib.loads(config_text(bound, infer(bound)))
        validate(data["spec"], path.name)
        reported = said(source.text, *STRUCTURE, spec=data["spec"])
        if reported or {"missing-section", "unknown-section", "duplicate-section", "section-order"} & set(
                data.get("ignore", [])):
            failures.append((path.name, reported[:2], data.get("ignore")))
    assert failures == []


# -- init --template: a new roadmap that already passes ------------------------------

from roadmaplint.spec import PRESETS  # noqa: E402


@pytest.mark.parametrize("name", PRESETS)
def test_the_template_of_every_preset_checks_clean(name: str, tmp_path: Path) -> None:
    result = run("init", "--template", "--preset", name, str(tmp_path))
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Roadmap\n") and text.endswith("\n")
    path = project(tmp_path, text)
    checked = run("check", "--preset", name, "--select", "RL2,RL3", str(path))
    assert checked.exit_code == 0 and checked.output.strip() == "All checks passed (1 file).", checked.output
    # and nothing to format
    assert run("format", "--check", str(path)).exit_code == 0
    assert not (tmp_path / ".roadmaplint.toml").exists()  # it only prints


def test_the_template_has_the_preset_s_sections_in_order_and_the_legend() -> None:
    assert run("init", "--template", "--preset", "horizons").stdout == (
        "# Roadmap\n\n## Now\n\n- (an item)\n\n## Next\n\n- (an item)\n\n## Later\n\n- (an item)\n")
    legend = run("init", "--template", "--preset", "status-legend").stdout
    assert "Legend:\n\n- ✅ done\n- 🚧 in progress\n- 💤 planned\n" in legend


def test_the_template_follows_the_config_s_spec(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".roadmaplint.toml").write_text(
        '[spec]\nextends = "status-legend"\n\n'
        '[[spec.sections]]\nname = "Now"\nrequired = true\ntemplate = "Our focus this quarter.\\n\\n- 🚧 (a task)"\n\n'
        '[[spec.sections]]\nname = "Themes"\nrequired = true\n\n'
        '[[spec.sections.children]]\nname = "Why"\nrequired = true\n\n'
        '[[spec.sections]]\nname = "Shipped"\nstatus = "done"\n',
        encoding="utf-8")
    result = run("init", "--template", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "# Roadmap\n\nLegend:\n\n- ✅ done\n- 🚧 in progress\n- 💤 planned\n- ⛔ blocked\n- ❌ dropped\n\n"
        "## Now\n\nOur focus this quarter.\n\n- 🚧 (a task)\n\n"
        "## Themes\n\n### Why\n\n- 💤 (an item)\n\n"
        "## Shipped\n\n- ✅ (an item)\n")
    path = tmp_path / "ROADMAP.md"
    path.write_text(result.stdout, encoding="utf-8")
    checked = run("check", "--select", "RL2,RL3", str(path))
    assert checked.exit_code == 0 and checked.output.strip() == "All checks passed (1 file).", checked.output


@pytest.mark.parametrize("args, message", [
    (["--template"], "no spec or preset in the configuration: name one with --preset"),
    (["--template", "--preset", "roadmap"], "unknown preset 'roadmap'"),
    (["--preset", "horizons"], "--preset goes with --template"),
])
def test_template_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ROADMAP.md").write_text("# Roadmap\n", encoding="utf-8")
    result = run("init", *args, str(tmp_path))
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
