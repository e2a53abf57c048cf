"""benchmarks/compare.py builds its inputs and command list without error
(--dry-run: nothing is built, installed or timed; no timed assertion here)."""

from __future__ import annotations

import importlib.util
import os
import re
from datetime import date
import subprocess
import sys
from pathlib import Path

import pytest

from roadmaplint import fix_text, lint_text
from shared_data import SHARED, absent

ROOT = Path(__file__).resolve().parents[1]
COMPARE = ROOT / "benchmarks" / "compare.py"


def _compare():
    spec = importlib.util.spec_from_file_location("compare", COMPARE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dry_run(shared: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ROADMAPLINT_SHARED=str(shared))
    return subprocess.run([sys.executable, str(COMPARE), "--quick", "--dry-run", *extra],
                          capture_output=True, text=True, env=env, timeout=120)


ROWS = [  # the table: each row's pair of commands and its goal
    ("vs `python -c pass`", "roadmaplint check / python -c pass", "5x"),
    ("same vs `mdformat --check`", "roadmaplint check / mdformat --check", "0.6x"),
    ("same vs `markdownlint-cli2`", "roadmaplint check / markdownlint-cli2", "0.3x"),
    ("roadmaps in one `check` vs `mdformat --check`", "roadmaplint check / mdformat --check", "0.5x"),
    ("vs mistune's own parse", "roadmaplint check / mistune parse", "2.5x"),
    ("`check`: {a} vs {b} (8x the text)", "check {a} / check {b}", "8.8x"),
    ("`format --check`: {a} vs {b} (8x the text)", "format --check {a} / format --check {b}", "8.8x"),
    ("on 50 dated milestone sections vs 25", "format --check 50 / format --check 25", "2.3x"),
    ("moving sections and nested lists: 50 areas vs 25", "moves 50 / moves 25", "2.3x"),
    ("with 50 withheld fixes vs 25", "withheld 50 / withheld 25", "2.3x"),
]


def test_dry_run_lists_every_row_of_the_table_and_each_command(tmp_path):
    proc = _dry_run(SHARED)
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("row: ")]
    assert len(rows) == len(ROWS)
    for line, (label, pair, goal) in zip(rows, ROWS):
        if "{a}" in label:  # the two sizes, as the input is (seeds or generated)
            a, b = re.search(r": (\S+ [KM]B) vs (\S+ [KM]B)", line).groups()
            label, pair = label.format(a=a, b=b), pair.format(a=a, b=b)
        assert label in line and pair in line and f"goal <= {goal}" in line, line
    out = proc.stdout
    assert re.search(r"^model: document.load / mistune's parse with the same plugins, in one process, "
                     r"on \S+ [KM]B, goal <= 1.5x; bytes kept per byte of text, goal <= 10$", out, re.M)
    # roadmaplint is the installed script of the scratch virtualenv, never this checkout
    assert re.search(r"roadmaplint check: \S+/venv/bin/roadmaplint check \S+/one/ROADMAP\.md", out)
    assert re.search(r"python -c pass: \S+/venv/bin/python -c pass", out)
    # the floor: the same virtualenv's Python importing mistune, nothing else
    assert re.search(r"import mistune: \S+/venv/bin/python -c import mistune\n", out)
    assert "mistune.create_markdown(renderer=None)" in out
    for group in ("[one]", "[batch]", "[parse]", "[check-growth]", "[format-growth]", "[milestones]", "[moves]", "[withheld]"):
        assert group in out


def test_dry_run_says_where_the_inputs_come_from():
    if not (SHARED / "corpus" / "roadmaps").is_dir():
        pytest.skip(absent("corpus/roadmaps"))
    proc = _dry_run(SHARED)
    assert proc.returncode == 0, proc.stderr
    assert f"found through ROADMAPLINT_SHARED={SHARED}" in proc.stderr
    size = int(re.search(r"one file: corpus/roadmaps/\S+ \(([\d,]+) bytes, the corpus file closest to 6 KB",
                         proc.stderr).group(1).replace(",", ""))
    assert 5000 < size < 7000
    assert "batch: 20 corpus roadmaps" in proc.stderr
    if (SHARED / "seeds").is_dir():
        assert "big inputs: the 5 seeds (seeds/0*.md" in proc.stderr


def test_without_the_shared_folder_generated_roadmaps_stand_in(tmp_path):
    proc = _dry_run(tmp_path / "nowhere")
    assert proc.returncode == 0, proc.stderr
    assert "shared material: absent" in proc.stderr
    assert "one file: a generated roadmap" in proc.stderr
    assert "big inputs: generated release roadmaps" in proc.stderr
    assert "row: `check`: 0.50 MB vs 62.7 KB (8x the text)" in proc.stdout


def test_a_full_batch_reuses_corpus_files_to_make_200_and_says_which(tmp_path):
    compare = _compare()
    corpus = tmp_path / "shared" / "corpus" / "roadmaps"
    corpus.mkdir(parents=True)
    for i in range(3):
        (corpus / f"r{i}.md").write_text(f"# Roadmap {i}\n", encoding="utf-8")
    inputs = compare.Inputs(tmp_path / "in", tmp_path / "shared", "--shared", quick=True, batch_size=7)
    assert [p.read_text(encoding="utf-8") for p in inputs.batch] == [f"# Roadmap {i % 3}\n" for i in range(7)]
    assert any("the corpus has 3, so the first 4 (in name order) appear twice" in n for n in inputs.notes)


def test_generated_inputs_are_deterministic_and_of_the_size_asked():
    compare = _compare()
    text = compare.roadmap(100_000)
    assert text == compare.roadmap(100_000)
    assert 100_000 <= len(text.encode()) < 101_000
    assert len(re.findall(r"^## v\d+\.\d\.0$", text, re.M)) > 100


def test_the_milestone_input_gives_format_moves_to_make():
    # every 25th pair of weekly dated sections is swapped: "## 2030-01-13: Milestone 1" comes
    # before "## 2030-01-06: Milestone 2", which milestone-order reports and can fix
    text = _compare().milestones(50)
    assert len(re.findall(r"^## 2030-\d\d-\d\d: Milestone \d+$", text, re.M)) == 50
    found = [v for v in lint_text(text, today=date(2026, 12, 1)) if v.name == "milestone-order"]
    assert [v.line for v in found] == [11, 161]


def test_the_moves_input_gives_a_section_move_per_area_and_an_item_move_per_third(tmp_path):
    # each area's "### 2031-03-02" comes before "### 2030-06-01"; every third area's nested
    # list has its open item before its done one, where the others have done work first
    text = _compare().moves(6)
    config = tmp_path / ".roadmaplint.toml"
    config.write_text('select = ["milestone-order", "item-order"]\n', encoding="utf-8")
    found = [v.name for v in lint_text(text, config=config)]
    assert sorted(found) == ["item-order"] * 2 + ["milestone-order"] * 6
    fixed = fix_text(text, config=config)
    assert not lint_text(fixed, config=config)
    assert sorted(fixed.splitlines()) == sorted(text.splitlines())


def test_the_withheld_input_gives_a_withheld_fix_and_an_applied_one_per_part():
    from roadmaplint.fixes import fix
    from roadmaplint.settings import Settings
    from roadmaplint.source import Source

    result = fix(Source(_compare().withheld(5)), Settings())
    assert [v.code for v in result.withheld] == ["RL105"] * 5
    assert result.applied["RL502"] == 5


def test_skip_leaves_out_a_tool_in_one_group_only():
    wanted = _compare().wanted
    skip = ["batch:pymarkdown", "parse"]
    assert not wanted("batch", "pymarkdown scan", skip)
    assert wanted("one", "pymarkdown scan", skip)
    assert wanted("batch", "roadmaplint check", skip)
    assert not wanted("parse", "", skip)


def test_the_report_shows_what_a_one_file_check_cannot_go_below():
    compare = _compare()

    def timed(median):
        return {"median": median, "runs": 3, "exit": [0], "timeout": False}

    res = {"quick": False, "machine": {"date": "d", "nproc": "2", "cpu": "c", "python": "p", "os": "o"},
           "versions": {"roadmaplint": "roadmaplint, version 0", "mistune": "3", "click": "8",
                        "mdformat": "mdformat 1", "markdownlint-cli2": "-", "rumdl": "-", "pymarkdown": "-"},
           "install": "i", "tools_from": "t", "runs": {"one": 3, "batch": 1, "big": 1, "milestones": 3},
           "batch_size": 20, "inputs": [], "timeout": 60, "skip": [], "rows": [], "command": "c",
           "load": [0.5, 0.5],
           "groups": {"one": {"python -c pass": timed(0.020), "import mistune": timed(0.110),
                              "roadmaplint check": timed(0.165)}}}
    out = compare.report(res, markdown=True)
    assert "What a one-file check cannot go below" in out
    assert "| `import mistune` vs `python -c pass` | 110 ms | 20 ms | 5.50x |" in out
    assert "| `roadmaplint check` vs `import mistune` | 165 ms | 110 ms | 1.50x |" in out


def test_a_command_is_timed_by_a_blocking_wait_not_by_polling(monkeypatch, tmp_path):
    """subprocess.run(timeout=...) polls, sleeping up to 50 ms: every time
    would be rounded up to the next poll. The wait must block."""
    compare = _compare()
    waits = []
    real = subprocess.Popen.wait

    def wait(self, timeout=None):
        waits.append(timeout)
        return real(self, timeout)

    monkeypatch.setattr(subprocess.Popen, "wait", wait)
    t, code = compare.timed([sys.executable, "-c", "raise SystemExit(3)"], tmp_path, timeout=60)
    assert code == 3 and t is not None
    assert waits == [None]


def test_a_command_past_its_timeout_is_killed_and_reported(tmp_path):
    compare = _compare()
    t, code = compare.timed([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path, timeout=0.5)
    assert (t, code) == (None, -1)


def test_the_report_shows_the_model_rows_with_their_goals():
    compare = _compare()
    res = {"quick": False, "model_input": "1.01 MB",
           "model": {"load": 0.694, "mistune": 0.644, "runs": 7, "kept": 7.8,
                     "plugins": ["table", "strikethrough", "url", "task_lists"]}}
    out = "\n".join(compare.model_table(res))
    assert "The model, in one process (1.01 MB; medians of 7, alternating)" in out
    assert re.search(r"\| the position layer and model builder .*\(table, strikethrough, url, task_lists\) "
                     r"\| 694 ms \| 644 ms \| 1\.08x \| <= 1\.5x \| yes \|", out)
    assert "| memory the loaded document keeps, per byte of text | 7.8 bytes | | | <= 10 | yes |" in out
    res["model"]["kept"] = 22.0  # as before the tokens were released
    assert "| 22.0 bytes | | | <= 10 | no |" in "\n".join(compare.model_table(res))
    assert compare.model_table({"quick": False}) == []  # --skip model, or the script failed


def test_the_model_script_measures_the_layer_and_what_the_document_keeps(tmp_path):
    compare = _compare()
    path = tmp_path / "ROADMAP.md"
    path.write_text(compare.roadmap(60_000), encoding="utf-8")
    root = str(ROOT)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    proc = subprocess.run([sys.executable, "-c", compare.MODEL, str(path), "3"], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    import json

    m = json.loads(proc.stdout)
    assert m["runs"] == 3 and m["load"] > 0 and m["mistune"] > 0
    from roadmaplint.parser import PLUGINS

    assert m["plugins"] == list(PLUGINS)
    assert 0.5 < m["kept"] < 100  # the document keeps something, and not the whole token tree many times over
