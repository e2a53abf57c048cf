"""`roadmaplint summary`: how far a roadmap has got, counted from the
binding (statuses, the legend, dates), in text, Markdown, JSON (checked
against schemas/summary.schema.json) and an SVG badge."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from helpers import run
from shared_data import SHARED, absent

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "summary.schema.json").read_text(encoding="utf-8"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# a legend (its four lines are not work); Q1 2027: 2 done, 1 in progress,
# 1 dropped; Q2 2027: 1 in progress with a detail under it that states no
# status (not work), 1 blocked with a date of its own, 1 unmarked; Later: 1
# unmarked. Work: 8, to do (less the dropped): 7, done 2 -> 28 %.
LEGEND = """\
# Widget roadmap

## Legend

- ✅ done
- 🚧 in progress
- ⏸️ blocked
- ❌ dropped

## Q1 2027

- ✅ Parser
- ✅ Lexer
- 🚧 Printer
- ❌ Old API

## Q2 2027

- 🚧 Plugins
  - a detail with no status
- ⏸️ Sync (by 2027-01-15)
- Docs

## Later

- Themes
"""

# no statuses at all: plain bullets under horizons
PLAIN = "# Roadmap\n\n## Now\n\n- Parser\n- Printer\n\n## Later\n\n- Plugins\n"


def _write(tmp_path: Path, text: str, name: str = "ROADMAP.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _json(*args: str) -> dict:
    result = run("summary", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    return data


def _section(data: dict, title: str) -> dict:
    return next(s for s in data["roadmaps"][0]["sections"] if s["title"] == title)


# -- counting ------------------------------------------------------------------------------


def test_counts_by_status_per_section_and_in_total(tmp_path):
    data = _json("--today", "2027-02-01", str(_write(tmp_path, LEGEND)))
    roadmap = data["roadmaps"][0]
    assert roadmap["preset"] == "status-legend" and roadmap["has_statuses"] is True
    assert roadmap["totals"] == {"done": 2, "in-progress": 2, "planned": 0, "blocked": 1, "dropped": 1,
                                 "other": 0, "unmarked": 2, "items": 8, "percent_done": 28}
    # the legend's four lines are no work
    assert _section(data, "Legend")["counts"]["items"] == 0
    q1 = _section(data, "Q1 2027")["counts"]
    assert (q1["done"], q1["in-progress"], q1["dropped"], q1["items"]) == (2, 1, 1, 4)
    assert q1["percent_done"] == 66  # 2 of 3 (the dropped one is not work to do), rounded down
    q2 = _section(data, "Q2 2027")["counts"]
    assert (q2["in-progress"], q2["blocked"], q2["unmarked"], q2["items"]) == (1, 1, 1, 3)
    assert roadmap["statuses"] == {"blocked": 1, "done": 2, "dropped": 1, "in-progress": 2}


def test_nested_work_counts_when_it_has_a_status_of_its_own(tmp_path):
    # "- [x] Ship" with two sub-items: "[ ] docs" is work, "plain note" a detail
    text = "# Roadmap\n\n## Now\n\n- [x] Ship\n  - [ ] docs\n  - plain note\n- [ ] Test\n"
    totals = _json(str(_write(tmp_path, text)))["roadmaps"][0]["totals"]
    assert (totals["done"], totals["planned"], totals["unmarked"], totals["items"]) == (1, 2, 0, 3)
    assert totals["percent_done"] == 33


def test_section_status_counts_for_its_items(tmp_path):
    # "## Done" gives its bullets done, "## To do" planned
    text = "# Roadmap\n\n## Done\n\n- Parser\n- Lexer\n- Printer\n\n## To do\n\n- Plugins\n"
    totals = _json(str(_write(tmp_path, text)))["roadmaps"][0]["totals"]
    assert (totals["done"], totals["planned"], totals["percent_done"]) == (3, 1, 75)


def test_a_spec_status_marked_done_counts_as_done_others_as_other(tmp_path):
    (tmp_path / ".roadmaplint.toml").write_text(
        '[spec]\nextends = "generic"\n[spec.statuses.shipped]\nmarkers = ["🚀"]\ndone = true\n'
        '[spec.statuses.review]\nmarkers = ["👀"]\n', encoding="utf-8")
    text = "# Roadmap\n\n## Now\n\n- 🚀 Parser\n- 👀 Printer\n- ✅ Lexer\n"
    roadmap = _json(str(_write(tmp_path, text)))["roadmaps"][0]
    assert (roadmap["totals"]["done"], roadmap["totals"]["other"], roadmap["totals"]["percent_done"]) == (2, 1, 66)
    assert roadmap["statuses"] == {"done": 1, "review": 1, "shipped": 1}


def test_no_statuses_says_so_rather_than_zero_percent(tmp_path):
    path = _write(tmp_path, PLAIN)
    roadmap = _json(str(path))["roadmaps"][0]
    assert roadmap["has_statuses"] is False
    assert roadmap["totals"]["unmarked"] == 3 and roadmap["totals"]["percent_done"] is None
    assert all(s["counts"]["percent_done"] is None for s in roadmap["sections"])
    for fmt in ("text", "markdown"):
        result = run("summary", "--format", fmt, str(path))
        assert result.exit_code == 0
        assert "no statuses: none of its 3 items is marked" in result.stdout
        assert "0%" not in result.stdout and "0/3" not in result.stdout
    badge = run("summary", "--format", "svg", str(path)).stdout
    assert ">no statuses<" in badge and "#9f9f9f" in badge
    headings_only = _write(tmp_path, "# Roadmap\n\n## Now\n\nParsing, mostly.\n", "OTHER.md")
    assert "no statuses: it lists no work items" in run("summary", str(headings_only)).stdout


# -- dates ---------------------------------------------------------------------------------------


def test_overdue_as_rule_rl603_judges_it_with_today(tmp_path):
    path = _write(tmp_path, LEGEND)
    late = _json("--today", "2027-05-01", str(path))["roadmaps"][0]
    # Q1 2027 (ended 2027-03-31) still has "🚧 Printer"; "⏸️ Sync" missed its own 2027-01-15;
    # "Docs" has no status: not judged; done and dropped work is never overdue
    assert [(o["text"], o["line"], o["status"], o["due"]["end"], o["by_section"]) for o in late["overdue"]] == [
        ("Printer", 14, "in-progress", "2027-03-31", True),
        ("Sync (by 2027-01-15)", 21, "blocked", "2027-01-15", False)]
    assert _section({"roadmaps": [late]}, "Q1 2027")["late"] is True
    assert _section({"roadmaps": [late]}, "Q1 2027")["overdue"] == 1
    # the same lines rule RL603 reports, on the same day
    check = run("check", "--select", "RL603", "--today", "2027-05-01", "--format", "json", "--exit-zero", str(path))
    assert sorted(v["line"] for v in json.loads(check.stdout)["violations"]) == [10, 21]  # the Q1 heading, Sync
    early = _json("--today", "2027-01-01", str(path))["roadmaps"][0]
    assert early["overdue"] == [] and all(not s["late"] for s in early["sections"])


def test_next_milestone_is_the_unfinished_dated_section_due_soonest(tmp_path):
    path = _write(tmp_path, LEGEND)
    first = _json("--today", "2027-02-01", str(path))["roadmaps"][0]["next_milestone"]
    assert (first["title"], first["due"]["end"], first["days_left"]) == ("Q1 2027", "2027-03-31", 58)
    after = _json("--today", "2027-04-02", str(path))["roadmaps"][0]["next_milestone"]
    assert after["title"] == "Q2 2027" and after["counts"]["items"] == 3
    # when Q1's work is all done (or dropped), Q2 is next even before Q1 ends
    done = LEGEND.replace("- 🚧 Printer", "- ✅ Printer")
    nxt = _json("--today", "2027-02-01", str(_write(tmp_path, done, "DONE.md")))["roadmaps"][0]["next_milestone"]
    assert nxt["title"] == "Q2 2027"
    assert _json("--today", "2027-07-01", str(path))["roadmaps"][0]["next_milestone"] is None
    text = run("summary", "--today", "2027-02-01", str(path)).stdout
    assert "next milestone: Q1 2027 (due 2027-03-31, in 58 days; 2/3 done)" in text


def test_the_roadmaps_own_dated_title_is_no_milestone(tmp_path):
    # "# Roadmap (2026–2030)" names the roadmap's span; "## Q3 2027" is the milestone
    text = "# Roadmap (2026–2030)\n\n## Q3 2027\n\n- [ ] Plugins\n\n## Q4 2027\n\n- [ ] Sync\n"
    m = _json("--today", "2027-01-01", str(_write(tmp_path, text)))["roadmaps"][0]["next_milestone"]
    assert m["title"] == "Q3 2027"


# -- formats --------------------------------------------------------------------------------------


def test_text_table_with_bars(tmp_path):
    out = run("summary", "--today", "2027-05-01", "--color", "never", str(_write(tmp_path, LEGEND))).stdout
    lines = out.splitlines()
    assert lines[0].endswith("ROADMAP.md (status-legend): 2/7 done (28%), 2 overdue")
    # only done and the columns the roadmap has any of: no "planned" here
    assert lines[1].split() == ["section", "progress", "done", "doing", "blocked", "dropped", "unmarked", "overdue"]
    q1 = next(line for line in lines if line.strip().startswith("Q1 2027"))
    # 16 cells: 2 of 3 done -> 10 done, the third in progress -> the 6 left
    assert "█" * 10 + "▓" * 6 + "  66%" in q1
    assert q1.split()[-6:] == ["2", "1", "0", "1", "0", "1"]
    assert "Legend" not in out  # no work in it
    assert "overdue since 2027-01-15: line 21: Sync (by 2027-01-15) (blocked)" in out
    assert not ANSI.search(out)


def test_colour_follows_color_and_no_color(tmp_path):
    path = str(_write(tmp_path, LEGEND))
    assert ANSI.search(run("summary", "--color", "always", path).stdout)
    assert not ANSI.search(run("summary", "--color", "auto", path, env={"NO_COLOR": "1"}).stdout)
    assert ANSI.search(run("summary", path, env={"FORCE_COLOR": "1", "NO_COLOR": ""}).stdout)
    assert not ANSI.search(run("summary", "--format", "markdown", "--color", "always", path).stdout)


def test_text_falls_back_to_ascii_where_the_output_cannot_carry_blocks():
    from roadmaplint.progress import Counts, bar, _glyphs

    counts = Counts()
    counts.by.update(done=1, planned=1)
    assert bar(counts, 4, _glyphs("ascii")) == "##.."
    assert bar(counts, 4, _glyphs("utf-8")) == "██░░"


def test_markdown_table_escapes_titles(tmp_path):
    text = LEGEND.replace("## Later", "## Later | if a<b")
    out = run("summary", "--format", "markdown", "--today", "2027-05-01", str(_write(tmp_path, text))).stdout
    assert out.startswith("## Roadmap progress\n")
    assert "**2/7 done (28%), 2 overdue**" in out
    assert "| Section | Progress | Done | In progress | Planned | Blocked | Dropped | Unmarked | Overdue |" in out
    assert "| Q1 2027 | `██████▓▓▓▓` 66% | 2 | 1 | 0 | 0 | 1 | 0 | 1 |" in out
    assert "| Later \\| if a&lt;b |" in out
    assert "| **Total** | `██▓▓▓░░░░░` 28% | 2 | 2 | 0 | 1 | 1 | 2 | 2 |" in out
    assert "<details><summary>2 overdue items</summary>" in out
    assert "Next milestone: Q2 2027 (due 2027-06-30, in 60 days; 0/3 done)." in out


def test_depth_limits_the_rows_shown(tmp_path):
    text = "# Roadmap\n\n## 2027\n\n### Q1 2027\n\n- [x] Parser\n\n### Q2 2027\n\n- [ ] Sync\n"
    path = str(_write(tmp_path, text))
    assert "Q1 2027" in run("summary", path).stdout
    shallow = run("summary", "--depth", "1", path).stdout
    assert "Q1 2027" not in shallow and "2027" in shallow
    # JSON always holds every section
    assert [s["title"] for s in _json("--depth", "1", path)["roadmaps"][0]["sections"][0]["sections"]] == [
        "Q1 2027", "Q2 2027"]


def _badge(*args: str) -> tuple[str, ET.Element]:
    result = run("summary", "--format", "svg", *args)
    assert result.exit_code == 0, result.output
    return result.stdout, ET.fromstring(result.stdout.encode("utf-8"))


def test_svg_badge_is_svg_1_1_and_coloured_by_percent(tmp_path):
    out, root = _badge(str(_write(tmp_path, LEGEND)))
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("version") == "1.1"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["roadmap", "roadmap", "2/7 done", "2/7 done"]
    assert root.find("{http://www.w3.org/2000/svg}title").text == "roadmap: 2/7 done"
    assert 'fill="#dfb317"' in out  # 28 %: yellow
    all_done = "# Roadmap\n\n## Now\n\n- [x] a\n- [x] b\n"
    out, _ = _badge("--label", "plan & <b>", str(_write(tmp_path, all_done, "DONE.md")))
    assert 'fill="#4c1"' in out and ">plan &amp; &lt;b&gt;<" in out
    # width grows with the text: the left part holds the label
    width = int(root.get("width"))
    assert 60 < width < 140


def test_svg_badge_renders(tmp_path):
    try:
        import cairosvg
    except (ImportError, OSError) as exc:  # OSError: cairosvg without the cairo library
        pytest.skip(f"cairosvg is not usable here ({exc}); `pip install -e '.[test]'` installs it")
    out, _ = _badge(str(_write(tmp_path, LEGEND)))
    png = cairosvg.svg2png(bytestring=out.encode("utf-8"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    target = tmp_path / "badge.svg"
    assert run("summary", "--format", "svg", "-o", str(target), str(tmp_path / "ROADMAP.md")).stdout == ""
    assert cairosvg.svg2png(url=str(target))[:8] == b"\x89PNG\r\n\x1a\n"


def test_stdin(tmp_path):
    result = run("summary", "--format", "json", "-", input=LEGEND.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["roadmaps"][0]["totals"]["items"] == 8


# -- errors ------------------------------------------------------------------------------------------


def test_errors_are_one_line_and_exit_2(tmp_path):
    good = str(_write(tmp_path, LEGEND))
    missing = run("summary", good, str(tmp_path / "NOPE.md"))
    assert missing.exit_code == 2
    assert missing.stderr.strip().splitlines() == [
        f"roadmaplint: error: {tmp_path / 'NOPE.md'}: no such file or directory"]
    preset = run("summary", "--preset", "nonsense", good)
    assert preset.exit_code == 2 and "unknown preset 'nonsense'" in preset.stderr
    assert len(preset.stderr.strip().splitlines()) == 1
    (tmp_path / ".roadmaplint.toml").write_text("[spec\n", encoding="utf-8")
    config = run("summary", good)
    assert config.exit_code == 2 and len(config.stderr.strip().splitlines()) == 1
    assert "Traceback" not in config.stderr + preset.stderr + missing.stderr


def test_directories_are_searched_like_check(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    _write(tmp_path / "docs", LEGEND)
    _write(tmp_path, "# Notes\n", "NOTES.md")
    data = _json(str(tmp_path))
    assert [Path(r["path"]).name for r in data["roadmaps"]] == ["ROADMAP.md"]
    monkeypatch.chdir(tmp_path)  # --exclude patterns are relative to the working directory
    assert _json("--exclude", "docs", ".")["roadmaps"] == []
    assert run("summary", "--exclude", "docs", ".").stderr == "roadmaplint: no roadmap files found\n"


# -- every seed and corpus roadmap, with no configuration ------------------------------------------------


def _shared_files() -> list[Path]:
    seeds = sorted((SHARED / "seeds").glob("0*.md"))
    corpus = SHARED / "corpus" / "roadmaps"
    if not seeds or not corpus.is_dir():
        pytest.skip(absent("corpus"))
    return seeds + sorted(p for p in corpus.iterdir() if p.is_file())


def test_every_seed_and_corpus_roadmap_is_summarised():
    import datetime as dt

    from roadmaplint import progress
    from roadmaplint.document import load
    from roadmaplint.files import read
    from roadmaplint.linter import bind
    from roadmaplint.settings import Settings

    files = _shared_files()
    result = run("summary", "--format", "json", "--today", "2026-12-07", *map(str, files))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert len(data["roadmaps"]) == len(files)
    unmarked = [r for r in data["roadmaps"] if not r["has_statuses"]]
    assert unmarked and all(r["totals"]["percent_done"] is None for r in unmarked)
    # the other formats, from the same numbers (rendering is all they add)
    results = []
    for path in files:
        doc = load(read(path))
        results.append(progress.progress(bind(doc, Settings()), str(path), dt.date(2026, 12, 7)))
    assert [r.as_dict() for r in results] == data["roadmaps"]
    text = progress.text(results, color=True)
    assert text.count("no statuses") == len(unmarked)
    progress.markdown(results)
    ET.fromstring(progress.svg(results))


def test_schema_command_prints_the_summary_schema() -> None:
    from helpers import run as cli

    result = cli("schema", "summary")
    assert result.exit_code == 0 and json.loads(result.output) == SCHEMA
