from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from roadmaplint import registry, settings
from roadmaplint.config import (
    ConfigError,
    config_schema,
    find_config,
    glob_match,
    load_config,
    resolve,
)

REPO = Path(__file__).resolve().parent.parent
NAME = ".roadmaplint.toml"


@pytest.fixture
def rules():
    """Two throwaway rules, so per-rule validation does not depend on the real ones."""
    added = {
        "RL598": dict(name="test-default-rule", summary="On by default."),
        "RL599": dict(
            name="test-only-rule",
            summary="Off unless selected.",
            default=False,
            options={
                "style": {"enum": ["a", "b"], "default": "a", "description": "Which style."},
                "max": {"type": "integer", "default": 3, "description": "A limit."},
            },
        ),
    }
    for code, meta in added.items():
        registry.rule(code=code, **meta)(lambda ctx: iter(()))
    yield {code: registry._REGISTRY[code] for code in added}
    for code in added:
        registry._REGISTRY.pop(code, None)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository root (has .git) with a nested docs directory; cwd is the root."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


# discovery


def test_walks_up_to_nearest_config(repo):
    cfg = write(repo / NAME, "")
    assert find_config(repo / "docs" / "sub" / "ROADMAP.md") == str(cfg)
    assert find_config(repo / "docs" / "sub") == str(cfg)
    nearer = write(repo / "docs" / NAME, "")
    assert find_config(repo / "docs" / "sub" / "ROADMAP.md") == str(nearer)


def test_stops_at_repository_root(tmp_path):
    write(tmp_path / NAME, 'select = ["ALL"]\n')  # above the repository: not used
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    assert find_config(project / "ROADMAP.md") is None
    assert resolve(project / "ROADMAP.md") == settings.Settings()


def test_repository_root_itself_is_searched_and_git_file_counts(tmp_path):
    project = tmp_path / "worktree"
    write(project / ".git", "gitdir: /elsewhere\n")  # worktrees have a .git file
    cfg = write(project / NAME, "")
    write(tmp_path / NAME, "")
    assert find_config(project / "docs" / "ROADMAP.md") == str(cfg)


def test_dotfile_wins_over_pyproject(repo):
    write(repo / "pyproject.toml", "[tool.roadmaplint]\n")
    cfg = write(repo / NAME, "")
    assert find_config(repo / "ROADMAP.md") == str(cfg)


def test_pyproject_without_table_is_not_a_config(repo):
    cfg = write(repo / NAME, 'ignore = ["ALL"]\n')
    write(repo / "docs" / "pyproject.toml", '[tool.black]\nline-length = 99\n')
    assert find_config(repo / "docs" / "ROADMAP.md") == str(cfg)
    write(repo / "docs" / "pyproject.toml", '[tool.roadmaplint]\nignore = ["ALL"]\n')
    assert find_config(repo / "docs" / "ROADMAP.md") == str(repo / "docs" / "pyproject.toml")


def test_pyproject_table(repo, rules):
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool.roadmaplint]\nselect = ["RL599"]\n')
    s = resolve(repo / "ROADMAP.md")
    assert s.select == ["RL599"]
    assert s.config_path == str(repo / "pyproject.toml")


def test_explicit_config_overrides_discovery(repo, tmp_path_factory, rules):
    write(repo / NAME, 'select = ["RL598"]\n')
    other = tmp_path_factory.mktemp("elsewhere")
    explicit = write(other / "lint.toml", 'select = ["RL599"]\n')
    assert resolve(repo / "ROADMAP.md", explicit).select == ["RL599"]
    py = write(other / "pyproject.toml", '[tool.roadmaplint]\nignore = ["RL598"]\n')
    assert resolve(repo / "ROADMAP.md", py).ignore == ["RL598"]


def test_explicit_pyproject_without_table_is_an_error(tmp_path):
    py = write(tmp_path / "pyproject.toml", "[project]\n")
    assert error(py).endswith("pyproject.toml: no [tool.roadmaplint] table")


def test_no_config_gives_defaults_without_importing_jsonschema(tmp_path):
    (tmp_path / ".git").mkdir()
    code = (
        "import sys; from pathlib import Path; from roadmaplint import config, settings; "
        f"assert config.resolve(Path({str(tmp_path / 'ROADMAP.md')!r})) == settings.Settings(); "
        "assert 'jsonschema' not in sys.modules, 'jsonschema imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_cache_loads_each_config_once(repo, rules, monkeypatch):
    write(repo / NAME, 'ignore = ["RL598"]\n')
    import roadmaplint.config as config

    calls = []
    real = config.load_config
    monkeypatch.setattr(config, "load_config", lambda p: calls.append(p) or real(p))
    cache: dict = {}
    for name in ("a.md", "b.md", "docs/c.md"):
        assert resolve(repo / name, cache=cache).ignore == ["RL598"]
    assert len(calls) == 1


# settings


def test_select_extend_select_ignore(repo, rules):
    write(repo / NAME, 'extend-select = ["test-only-rule"]\nignore = ["RL598"]\n')
    s = resolve(repo / "ROADMAP.md")
    on = {r.code for r in s.enabled()}
    assert "RL599" in on and "RL598" not in on

    write(repo / NAME, 'select = ["RL59"]\nignore = ["test-only-rule"]\n')
    s = resolve(repo / "ROADMAP.md")
    on = {r.code for r in s.enabled()}
    assert "RL598" in on and "RL599" not in on


def test_overrides_by_glob(repo, rules):
    write(
        repo / NAME,
        """
select = ["RL598"]
extend-select = ["RL599"]
ignore = ["rl59"]
[rules.test-only-rule]
style = "b"
max = 5

[[overrides]]
files = ["docs/**/*.md"]
ignore = ["RL598"]
[overrides.rules.test-only-rule]
max = 9

[[overrides]]
files = ["docs/sub/*.md"]
select = ["RL599"]
[overrides.rules.test-only-rule]
max = 10
severity = "warning"
""",
    )
    top = resolve(repo / "ROADMAP.md")
    assert (top.select, top.extend_select, top.ignore) == (["RL598"], ["RL599"], ["rl59"])
    assert top.options == {"test-only-rule": {"style": "b", "max": 5}}

    docs = resolve(repo / "docs" / "ROADMAP.md")  # `**/` matches no directory too
    assert docs.ignore == ["rl59", "RL598"]
    assert docs.options["test-only-rule"] == {"style": "b", "max": 9}

    sub = resolve(repo / "docs" / "sub" / "ROADMAP.md")  # later overrides win
    assert (sub.select, sub.extend_select) == (["RL599"], [])
    assert sub.options["test-only-rule"] == {"style": "b", "max": 10, "severity": "warning"}
    r = rules["RL599"]
    assert sub.severity(r) == "warning" and top.severity(r) == "error"
    assert sub.rule_options(r)._asdict() == {"max": 10, "style": "b"}


def test_overrides_are_relative_to_the_config_directory(repo, rules):
    write(repo / "docs" / NAME, '[[overrides]]\nfiles = ["ROADMAP.md"]\nignore = ["ALL"]\n')
    assert resolve(repo / "docs" / "ROADMAP.md").ignore == ["ALL"]
    assert resolve(repo / "docs" / "sub" / "ROADMAP.md").ignore == []


@pytest.mark.parametrize(
    "pattern, path, hit",
    [
        ("ROADMAP.md", "ROADMAP.md", True),
        ("ROADMAP.md", "docs/ROADMAP.md", False),
        ("*.md", "docs/ROADMAP.md", False),
        ("**/*.md", "ROADMAP.md", True),
        ("**/*.md", "a/b/ROADMAP.md", True),
        ("docs/**", "docs/a/b.md", True),
        ("./docs/*.md", "docs/x.md", True),
        ("docs/?.md", "docs/x.md", True),
        ("docs/[!x].md", "docs/x.md", False),
        ("docs/[!x].md", "docs/y.md", True),
        ("a.md", "aXmd", False),
    ],
)
def test_glob(pattern, path, hit):
    assert glob_match(path, pattern) is hit


def test_severity(repo, rules):
    write(repo / NAME, '[rules.test-default-rule]\nseverity = "warning"\n')
    s = resolve(repo / "ROADMAP.md")
    assert s.severity(rules["RL598"]) == "warning"
    assert s.rule_options(rules["RL598"])._asdict() == {}  # severity is not an option


def test_spec_path_is_resolved_against_the_config(repo):
    write(repo / "docs" / NAME, 'spec = "../specs/roadmap.json"\n')
    s = resolve(repo / "docs" / "sub" / "ROADMAP.md")
    assert s.spec == str(repo / "specs" / "roadmap.json")


def test_inline_spec_is_kept(repo):
    write(repo / NAME, '[spec]\nsections = ["Now", "Later"]\n')
    assert resolve(repo / "ROADMAP.md").spec == {"sections": ["Now", "Later"]}


def test_preset(repo):
    write(repo / NAME, 'preset = "classic"\n')
    assert resolve(repo / "ROADMAP.md").preset == "classic"


# errors


def test_unknown_key(repo):
    cfg = write(repo / NAME, 'select = []\nselct = ["ALL"]\n')
    assert error(cfg) == (
        ".roadmaplint.toml:2: $: Additional properties are not allowed ('selct' was unexpected)"
    )


def test_bad_option_value_names_path_and_line(repo, rules):
    cfg = write(repo / NAME, '[rules.test-default-rule]\n\n[rules.test-only-rule]\nmax = 1\nstyle = "c"\n')
    assert error(cfg) == ".roadmaplint.toml:5: $.rules.test-only-rule.style: 'c' is not one of ['a', 'b']"


def test_unknown_option(repo, rules):
    cfg = write(repo / NAME, '[rules.test-only-rule]\nstyel = "a"\n')
    msg = error(cfg)
    assert msg.startswith(".roadmaplint.toml:2: $.rules.test-only-rule: ")
    assert "'styel' was unexpected" in msg


def test_wrong_type(repo):
    cfg = write(repo / NAME, 'ignore = "RL501"\n')
    assert error(cfg) == ".roadmaplint.toml:1: $.ignore: 'RL501' is not of type 'array'"


def test_unknown_rule_name(repo, rules):
    cfg = write(repo / NAME, '[rules.RL599]\nstyle = "a"\n')  # codes are not accepted
    msg = error(cfg)
    assert msg.startswith(".roadmaplint.toml:1: $.rules: ")
    assert "'RL599' was unexpected" in msg


def test_invalid_selector(repo, rules):
    cfg = write(repo / NAME, 'select = ["RL599", "test-only-rul"]\n')
    assert error(cfg) == (
        ".roadmaplint.toml:1: $.select[1]: 'test-only-rul' is not a rule code,"
        " code prefix, rule name or ALL"
    )
    cfg = write(repo / NAME, '[[overrides]]\nfiles = ["*.md"]\nignore = [""]\n')
    assert error(cfg).startswith(".roadmaplint.toml:3: $.overrides[0].ignore[0]: '' is not")


def test_valid_selectors(repo, rules):
    write(repo / NAME, 'select = ["ALL", "all", "RL5", "rl599", "test-only-rule"]\n')
    load_config(repo / NAME)


def test_override_needs_files(repo):
    cfg = write(repo / NAME, '[[overrides]]\nignore = ["ALL"]\n')
    assert error(cfg) == ".roadmaplint.toml:1: $.overrides[0]: 'files' is a required property"


def test_pyproject_error_path_includes_the_table(repo):
    cfg = write(repo / "pyproject.toml", '[tool.black]\n\n[tool.roadmaplint]\npreset = 3\n')
    assert error(cfg) == "pyproject.toml:4: $.tool.roadmaplint.preset: 3 is not of type 'string'"


def test_invalid_toml(repo):
    cfg = write(repo / "pyproject.toml", "[tool.roadmaplint]\npreset = \"a\"\nselect = [1\nignore = []\n")
    assert find_config(repo / "ROADMAP.md") == str(cfg)  # reported, not silently skipped
    msg = error(cfg)
    assert msg.startswith("pyproject.toml: invalid TOML: ") and "(at line 4, column 1)" in msg


def test_unreadable(repo):
    msg = error(repo / "missing.toml")
    assert msg.startswith("missing.toml: cannot read: ")


def test_error_outside_cwd_shows_full_path(tmp_path_factory, repo):
    cfg = write(tmp_path_factory.mktemp("other") / NAME, "x = 1\n")
    assert error(cfg).startswith(f"{cfg}:1: $: ")


def test_schema_is_valid_and_documented(rules):
    from jsonschema import Draft202012Validator

    schema = config_schema()
    Draft202012Validator.check_schema(schema)
    assert "test-only-rule" in schema["$defs"]["rules"]["properties"]

    def walk(node: dict, where: str) -> None:
        if "properties" in node:
            assert node.get("additionalProperties") is False, where
        for kind in ("properties", "$defs"):
            for key, sub in node.get(kind, {}).items():
                assert "description" in sub or "$ref" in sub, f"{where}.{key}"
                walk(sub, f"{where}.{key}")
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{where}[]")

    walk(schema, "$")


def test_schema_follows_the_registry(repo, rules):
    write(repo / NAME, '[rules.test-only-rule]\nstyle = "a"\n')
    load_config(repo / NAME)
    registry._REGISTRY.pop("RL599")  # a stale validator would still accept it
    with pytest.raises(ConfigError, match="'test-only-rule' was unexpected"):
        load_config(repo / NAME)

