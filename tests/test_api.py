"""The public Python API (roadmaplint/__init__.py) as a caller meets it: the
README's examples run here, the API agrees with the command line, binding is
a value, and the registry refuses a rule that declares nonsense."""

from __future__ import annotations

import datetime as dt
import doctest
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import roadmaplint
from helpers import run
from shared_data import SHARED, absent

README = Path(__file__).resolve().parents[1] / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def test_readme_api_examples_run() -> None:
    """Every `>>>` example in the README's Python API section gives the output
    written under it."""
    section = _section("Python API")
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) >= 3
    parser = doctest.DocTestParser()
    test = parser.get_doctest("\n".join(blocks), {}, "README.md#python-api", str(README), 0)
    assert len(test.examples) >= 8
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=lambda s: pytest.fail(s))
    assert runner.summarize(verbose=False).failed == 0


def test_readme_new_rule_example_is_a_working_rule() -> None:
    """The contributor section's rule, registered as written, reports a
    shouting heading and is listed with its options."""
    from roadmaplint import registry
    from roadmaplint.registry import Context, rule  # noqa: F401  (the example's names)
    from roadmaplint.violations import Finding  # noqa: F401
    from typing import Iterator  # noqa: F401

    block = re.search(r"```python\n\s*(@rule\(.*?)```", _section("Development"), re.S)
    assert block is not None
    code = "\n".join(line[3:] if line.startswith("   ") else line for line in block.group(1).splitlines())
    try:
        exec(code, {"rule": rule, "Context": Context, "Finding": Finding, "Iterator": Iterator})
        text = "# Roadmap\n\n## WHAT WE SHIP\n\n- a\n\n## NOW\n\n- b\n"
        found = roadmaplint.lint_text(text + "", preset="generic")
        assert [(v.line, v.code) for v in found if v.code == "RL509"] == [(3, "RL509")]
        assert run("rules", "RL509").exit_code == 0
    finally:
        registry._REGISTRY.pop("RL509", None)


def test_import_is_cheap() -> None:
    """`import roadmaplint` loads no parser, command line or rule module."""
    code = ("import sys, roadmaplint; "
            "print(sorted(m for m in sys.modules if m.startswith(('roadmaplint.', 'mistune', 'click'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_lint_text_reports_what_check_reports(tmp_path: Path) -> None:
    text = ("# Roadmap\n\n## Now\n\n- ✅ Parser [docs](#nowhere)\n- Sync https://hub.fastgit.org/acme/app\n\n"
            "### Q3 2025\n\n- a\n\n### Q1 2025\n\n- b\n")
    path = tmp_path / "ROADMAP.md"
    path.write_text(text, encoding="utf-8")
    cli = json.loads(run("check", "--format", "json", "--today", "2026-12-06", str(path)).output)
    api = roadmaplint.lint_text(text, path=str(path), today=dt.date(2026, 12, 6))
    assert [v.as_dict() for v in api] == cli["violations"]
    assert {v.code for v in api} >= {"RL401", "RL403"}


def test_fix_text_writes_what_format_writes(tmp_path: Path) -> None:
    text = "# Roadmap  \n## Now\n\n* a\n- b\n\n\n\n## Later\n- c"
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(text.encode("utf-8"))
    assert run("format", str(path)).exit_code == 0
    assert roadmaplint.fix_text(text, path=str(path)) == path.read_text(encoding="utf-8")
    # bytes in, bytes out, as `format` writes the file: here in UTF-8 without the BOM
    data = "# Roadmap  \n\n- caf\u00e9 au lait\n".encode("cp1252")
    path.write_bytes(data)
    assert run("format", str(path)).exit_code == 0
    assert roadmaplint.fix_text(data, path=str(path)) == path.read_bytes() == "# Roadmap\n\n- café au lait\n".encode()


def test_config_is_a_path_or_a_loaded_config(tmp_path: Path) -> None:
    (tmp_path / ".roadmaplint.toml").write_text('preset = "horizons"\nignore = ["RL205"]\n', encoding="utf-8")
    text = "# Roadmap\n\n## Now\n\n- a\n\n## Later\n"
    assert [v.code for v in roadmaplint.lint_text(text)] == ["RL205"]
    config = roadmaplint.load_config(tmp_path / ".roadmaplint.toml")
    assert roadmaplint.lint_text(text, config=config) == []
    assert roadmaplint.lint_text(text, config=str(tmp_path / ".roadmaplint.toml")) == []


def test_errors_are_exported_types(tmp_path: Path) -> None:
    bad = tmp_path / ".roadmaplint.toml"
    bad.write_text("preset = 3\n", encoding="utf-8")
    with pytest.raises(roadmaplint.ConfigError):
        roadmaplint.load_config(bad)
    with pytest.raises(roadmaplint.SpecError, match="unknown preset"):
        roadmaplint.lint_text("# Roadmap\n", preset="nightly")
    with pytest.raises(roadmaplint.SourceError):
        roadmaplint.lint_text(b"\x00\xff\xfe binary \x00")
    assert issubclass(roadmaplint.ParserMismatch, RuntimeError)
    assert {"Violation", "Fix", "Document", "Bound", "Config"} <= set(dir(roadmaplint))
    with pytest.raises(AttributeError):
        roadmaplint.lint  # the old names are gone: one way to do each thing  # noqa: B018


# -- binding is a value ---------------------------------------------------------------

LEGEND_DOC = "# Roadmap\n\n- ✅ done\n- 🚧 in progress\n\n## Now\n\n- 🚧 Parser\n\n## Later\n\n- Plugins\n"


def test_a_reused_document_lints_as_a_fresh_one() -> None:
    """A Document bound once to one preset and linted again with another gives
    what a fresh Document gives (it kept the first binding before)."""
    from roadmaplint.linter import lint_document
    from roadmaplint.settings import Settings

    def codes(doc: roadmaplint.Document, preset: str) -> list[str]:
        return [v.code for v in lint_document(doc, Settings(preset=preset, select=["RL3"]))]

    fresh = codes(roadmaplint.parse(LEGEND_DOC), "status-legend")
    reused = roadmaplint.parse(LEGEND_DOC)
    codes(reused, "horizons")
    assert codes(reused, "status-legend") == fresh
    assert "RL301" in fresh  # "Plugins" states no status under a legend


def test_binding_never_changes_the_document() -> None:
    doc = roadmaplint.parse(LEGEND_DOC)
    before = repr(doc)
    legend = roadmaplint.bind(doc, preset="status-legend")
    horizons = roadmaplint.bind(doc, preset="horizons")
    assert repr(doc) == before
    parser = next(it for it in doc.items() if it.text.endswith("Parser"))
    assert legend.status(parser) == "in-progress" and legend.item(parser).source == "marker"
    assert legend.legend is not None and horizons.spec.preset == "horizons"
    now = doc.root.children[0].children[0]
    assert horizons.section_spec(now).name == "Now" and legend.section_spec(now) is None


# -- the registry checks a rule's metadata ----------------------------------------------

@pytest.mark.parametrize(
    "meta, message",
    [
        (dict(code="RL5", name="x-rule"), "a code like RL501"),
        (dict(code="RL591", name="Bad Name"), "kebab-case"),
        (dict(code="RL591", name="x-rule", fix="maybe"), "'maybe' is not a valid Fixable"),
        (dict(code="RL591", name="x-rule", severity="fatal"), "'fatal' is not a valid Severity"),
        (dict(code="RL591", name="x-rule", options={"n": {"type": "integer"}}), "every option needs a default"),
        (dict(code="RL501", name="x-rule"), "is taken"),
        (dict(code="RL591", name="heading-style"), "is taken"),
    ],
)
def test_a_rule_with_bad_metadata_does_not_register(meta: dict, message: str) -> None:
    from roadmaplint import registry

    registry.all_rules()
    before = dict(registry._REGISTRY)
    with pytest.raises(registry.RuleError, match=re.escape(message)):
        registry.rule(summary="test", **meta)(lambda ctx: iter(()))
    assert registry._REGISTRY == before


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "corpus" / "roadmaps").is_dir(), reason=absent("corpus"))
def test_no_rule_declared_without_a_fix_yields_one_on_the_corpus() -> None:
    """Every rule, over every corpus roadmap, mojibake file and seed: a rule
    declared `fix="never"` yields no fix (the linter raises RuleError if one
    does), and every rule that yields a fix declares one."""
    from roadmaplint.linter import lint_document
    from roadmaplint.registry import find_rule
    from roadmaplint.settings import Settings
    from roadmaplint.document import load
    from roadmaplint.source import Source, SourceError
    from roadmaplint.violations import Fixable

    files = [*sorted((SHARED / "corpus" / "roadmaps").iterdir()), *sorted((SHARED / "corpus" / "mojibake").glob("*.md")),
             *sorted((SHARED / "seeds").glob("0*.md"))]
    fixing: set[str] = set()
    for path in files:
        try:
            source = Source.from_bytes(path.read_bytes(), path.name)
        except SourceError:
            continue
        for v in lint_document(load(source), Settings(select=["ALL"], today=dt.date(2026, 12, 6))):
            if v.fix is not None:
                fixing.add(v.code)
    for code in fixing:
        assert find_rule(code).fix is not Fixable.NEVER, code  # type: ignore[union-attr]
    assert len(fixing) >= 10
