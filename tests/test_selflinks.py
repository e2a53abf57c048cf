"""Self-links: absolute links into the repository a roadmap lives in,
checked offline by missing-file and broken-anchor (issue 17). Every test
builds a real git repository in a temporary folder, with its remote set to
a GitHub, GitLab or SSH address that is never contacted."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import fixed, run, said, violations

GIT = ["git", "-c", "init.defaultBranch=main", "-c", "user.name=t", "-c", "user.email=t@example.com",
       "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"]
PLAN = "# Plan\n\n## Goals\n\n## Storage\n"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def widget(tmp_path: Path, remote: str = "https://github.com/acme/widget.git", default: str | None = "main") -> Path:
    """A repository with docs/plan.md and plugins/, one commit on main, the
    remote ``remote`` as origin, and origin's HEAD at ``default`` (what a
    clone records), so the default branch is known."""
    top = tmp_path / "widget"
    (top / "docs").mkdir(parents=True)
    (top / "plugins").mkdir()
    (top / "docs" / "plan.md").write_text(PLAN, encoding="utf-8")
    (top / "plugins" / "README.md").write_text("# Plugins\n", encoding="utf-8")
    git(top, "init", "-q")
    git(top, "remote", "add", "origin", remote)
    git(top, "add", ".")
    git(top, "commit", "-qm", "first")
    if default:
        git(top, "symbolic-ref", f"refs/remotes/origin/HEAD", f"refs/remotes/origin/{default}")
    return top


def roadmap(top: Path, text: str, where: str = "ROADMAP.md") -> str:
    path = top / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def lint(path: str, *codes: str, **options: object) -> list[tuple[int, str]]:
    return said(Path(path).read_text(encoding="utf-8"), *codes, path=path, **options)


# -- the working tree -------------------------------------------------------------------


@pytest.mark.parametrize("remote", ["https://github.com/acme/widget.git", "git@github.com:acme/widget.git",
                                    "ssh://git@github.com/acme/widget"])
def test_a_link_to_the_default_branch_is_checked_in_the_working_tree(tmp_path: Path, remote: str) -> None:
    top = widget(tmp_path, remote)
    path = roadmap(top, "# Roadmap\n\n"
                        "- [plan](https://github.com/acme/widget/blob/main/docs/plan.md)\n"
                        "- [design](https://github.com/acme/widget/blob/main/docs/design.md)\n"
                        "- [plugins](https://github.com/acme/widget/tree/main/plugins)\n"
                        "- [themes](https://github.com/acme/widget/tree/main/themes)\n"
                        "- [logo](https://raw.githubusercontent.com/acme/widget/main/logo.png)\n"
                        "- [other](https://github.com/acme/widget-extras/blob/main/gone.md)\n"
                        "- [issue](https://github.com/acme/widget/issues/12)\n"
                        "- <https://github.com/acme/widget/blob/main/gone.md> and https://github.com/acme/widget/blob/main/docs/plan.md\n")
    assert lint(path, "RL402") == [
        (4, "no file or directory 'docs/design.md' in the working tree (the link is an absolute one into this repository)"),
        (6, "no file or directory 'themes' in the working tree (the link is an absolute one into this repository)"),
        (7, "no file or directory 'logo.png' in the working tree (the link is an absolute one into this repository)"),
        (10, "no file or directory 'gone.md' in the working tree (the link is an absolute one into this repository)"),
    ]


def test_a_self_link_spelled_with_escapes_is_checked_too(tmp_path: Path) -> None:
    # the repository is looked up only when a URL may name a file; "bl%6Fb" and
    # "tr&#101;e" spell /blob/ and /tree/ all the same
    top = widget(tmp_path)
    path = roadmap(top, "# Roadmap\n\n"
                        "- [design](https://github.com/acme/widget/bl%6Fb/main/docs/design.md)\n"
                        "- [themes](https://github.com/acme/widget/tr&#101;e/main/themes)\n")
    assert [line for line, _ in lint(path, "RL402")] == [3, 4]


def test_a_fragment_is_checked_against_the_files_headings(tmp_path: Path) -> None:
    top = widget(tmp_path)
    path = roadmap(top, "# Roadmap\n\n## Now\n\n"
                        "- [storage](https://github.com/acme/widget/blob/main/docs/plan.md#storage)\n"
                        "- [storag](https://github.com/acme/widget/blob/main/docs/plan.md#storag)\n"
                        "- [now](https://github.com/acme/widget/blob/main/ROADMAP.md#now)\n"
                        "- [later](https://github.com/acme/widget/blob/main/ROADMAP.md#later)\n"
                        "- [line](https://github.com/acme/widget/blob/main/docs/plan.md?plain=1#L3)\n"
                        "- [gone](https://github.com/acme/widget/blob/main/docs/gone.md#x)\n")
    assert lint(path, "RL401") == [
        (6, "no heading or anchor for #storag in docs/plan.md in the working tree (the link is an absolute one "
            "into this repository); did you mean #storage?"),
        (8, "no heading or anchor for #later in ROADMAP.md in the working tree (the link is an absolute one "
            "into this repository)"),
    ]
    # the only close heading is offered, unsafely; the rest of the URL stays
    text = Path(path).read_text(encoding="utf-8")
    assert "plan.md#storag)" in fixed(text, "RL401", path=path)
    assert "plan.md#storage)\n- [now]" in fixed(text, "RL401", path=path, unsafe=True)


def test_gitlab_and_gitea_forms(tmp_path: Path) -> None:
    top = widget(tmp_path, "git@gitlab.com:group/sub/widget.git")
    path = roadmap(top, "# Roadmap\n\n"
                        "- [plan](https://gitlab.com/group/sub/widget/-/blob/main/docs/plan.md#goals)\n"
                        "- [design](https://gitlab.com/group/sub/widget/-/blob/main/docs/design.md)\n"
                        "- [goal](https://gitlab.com/group/sub/widget/-/blob/main/docs/plan.md#goal)\n"
                        "- [tree](https://gitlab.com/group/sub/widget/-/tree/main/plugins)\n")
    assert [line for line, _ in lint(path, "RL401", "RL402")] == [4, 5]


def test_a_mirror_host_is_read_as_the_host_it_mirrors(tmp_path: Path) -> None:
    top = widget(tmp_path)
    path = roadmap(top, "# Roadmap\n\n[design](https://g.nite07.org/acme/widget/blob/main/docs/design.md)\n")
    assert lint(path, "RL402") == [(3, "no file or directory 'docs/design.md' in the working tree (the link is "
                                       "an absolute one into this repository)")]


def test_the_checked_out_branch_is_the_working_tree_even_with_a_slash(tmp_path: Path) -> None:
    top = widget(tmp_path)
    git(top, "checkout", "-qb", "feature/sync")
    (top / "docs" / "sync.md").write_text("# Sync\n", encoding="utf-8")
    path = roadmap(top, "# Roadmap\n\n"
                        "- [sync](https://github.com/acme/widget/blob/feature/sync/docs/sync.md)\n"
                        "- [gone](https://github.com/acme/widget/blob/feature/sync/docs/gone.md)\n")
    assert [line for line, _ in lint(path, "RL402")] == [4]


def test_outside_a_repository_or_without_a_remote_nothing_changes(tmp_path: Path) -> None:
    text = "# Roadmap\n\n[design](https://github.com/acme/widget/blob/main/docs/design.md)\n"
    plain = tmp_path / "plain"
    assert lint(roadmap(plain, text), "RL401", "RL402") == []
    local = tmp_path / "local"
    local.mkdir()
    git(local, "init", "-q")  # no remote: no repository to link into
    assert lint(roadmap(local, text), "RL401", "RL402") == []
    # another repository's links are not self-links
    top = widget(tmp_path, "https://github.com/acme/gadget.git")
    assert lint(roadmap(top, text), "RL401", "RL402") == []


# -- other refs, through git --------------------------------------------------------------


def test_another_ref_is_checked_in_gits_copy_of_it(tmp_path: Path) -> None:
    top = widget(tmp_path)
    git(top, "tag", "v1.0")
    git(top, "checkout", "-qb", "dev")
    (top / "docs" / "plan.md").unlink()
    (top / "docs" / "next.md").write_text("# Next\n\n## Goals\n", encoding="utf-8")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "dev")
    git(top, "checkout", "-q", "main")
    first = git(top, "rev-parse", "HEAD").strip()
    path = roadmap(top, "# Roadmap\n\n"
                        "- [released](https://github.com/acme/widget/blob/v1.0/docs/plan.md#goals)\n"
                        "- [never](https://github.com/acme/widget/blob/v1.0/docs/next.md)\n"
                        "- [next](https://github.com/acme/widget/blob/dev/docs/next.md#goals)\n"
                        "- [next goal](https://github.com/acme/widget/blob/dev/docs/next.md#goal)\n"
                        "- [moved](https://github.com/acme/widget/blob/dev/docs/plan.md)\n"
                        f"- [permalink](https://github.com/acme/widget/blob/{first[:10]}/docs/plan.md)\n"
                        "- [unknown ref](https://github.com/acme/widget/blob/v9.9/docs/anything.md)\n")
    assert lint(path, "RL401", "RL402") == [
        (4, "no file or directory 'docs/next.md' in v1.0, as git has it (the link is an absolute one into this "
            "repository)"),
        (6, "no heading or anchor for #goal in docs/next.md in dev, as git has it (the link is an absolute one "
            "into this repository); did you mean #goals?"),
        (7, "no file or directory 'docs/plan.md' in dev, as git has it (the link is an absolute one into this "
            "repository)"),
    ]


def test_a_remote_branch_git_has_counts(tmp_path: Path) -> None:
    upstream = widget(tmp_path)
    git(upstream, "checkout", "-qb", "release")
    (upstream / "docs" / "release.md").write_text("# Release\n", encoding="utf-8")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-qm", "release")
    git(upstream, "checkout", "-q", "main")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))  # origin/release, not a local branch
    git(clone, "remote", "set-url", "origin", "https://github.com/acme/widget.git")
    path = roadmap(clone, "# Roadmap\n\n"
                          "- [release](https://github.com/acme/widget/blob/release/docs/release.md)\n"
                          "- [gone](https://github.com/acme/widget/blob/release/docs/gone.md)\n")
    assert [line for line, _ in lint(path, "RL402")] == [4]


def test_without_git_another_ref_is_not_judged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = widget(tmp_path)
    git(top, "tag", "v1.0")
    path = roadmap(top, "# Roadmap\n\n- [gone](https://github.com/acme/widget/blob/v1.0/docs/gone.md)\n"
                        "- [design](https://github.com/acme/widget/blob/main/docs/design.md)\n")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))  # no git to run
    assert [line for line, _ in lint(path, "RL402")] == [4]  # the working tree needs no git


# -- the form of self-links: self_links = "relative" | "absolute" | "any" ---------------------


SELF = ("# Roadmap\n\n"
        "- [plan](https://github.com/acme/widget/blob/main/docs/plan.md#goals)\n"
        "- [plugins](https://github.com/acme/widget/tree/main/plugins)\n"
        "- [released](https://github.com/acme/widget/blob/v1.0/docs/plan.md)\n"
        "- <https://github.com/acme/widget/blob/main/docs/plan.md>\n"
        "- [raw](https://raw.githubusercontent.com/acme/widget/main/docs/plan.md)\n"
        "- ![logo](https://raw.githubusercontent.com/acme/widget/main/docs/logo.png)\n"
        "- [readme][r]\n\n"
        "[r]: https://github.com/acme/widget/blob/main/docs/plan.md\n")


def test_relative_reports_and_rewrites_absolute_links_to_the_default_branch(tmp_path: Path) -> None:
    top = widget(tmp_path)
    (top / "docs" / "logo.png").write_bytes(b"\x89PNG")
    git(top, "tag", "v1.0")
    path = roadmap(top, SELF, "docs/ROADMAP.md")
    assert lint(path, "RL402") == []  # any: neither form is reported
    found = violations(SELF, "RL402", path=path, self_links="relative")
    assert [(v.line, v.severity) for v in found] == [(3, "warning"), (4, "warning"), (8, "warning"), (11, "warning")]
    assert found[0].message == ("absolute link to this repository's default branch; write it relative, as "
                                "plan.md#goals (it survives forks and renames)")
    # unsafe: the link then follows the branch the reader views
    assert fixed(SELF, "RL402", path=path, self_links="relative") == SELF
    assert fixed(SELF, "RL402", path=path, self_links="relative", unsafe=True) == (
        "# Roadmap\n\n"
        "- [plan](plan.md#goals)\n"
        "- [plugins](../plugins)\n"
        "- [released](https://github.com/acme/widget/blob/v1.0/docs/plan.md)\n"
        "- <https://github.com/acme/widget/blob/main/docs/plan.md>\n"
        "- [raw](https://raw.githubusercontent.com/acme/widget/main/docs/plan.md)\n"
        "- ![logo](logo.png)\n"
        "- [readme][r]\n\n"
        "[r]: plan.md\n")


def test_relative_needs_the_default_branch(tmp_path: Path) -> None:
    top = widget(tmp_path, default=None)  # a checkout that never saw origin's HEAD
    (top / "docs" / "logo.png").write_bytes(b"\x89PNG")
    path = roadmap(top, SELF)
    # main is checked out, so its links are still checked, in the working tree
    assert lint(path, "RL402", self_links="relative") == []
    (top / "docs" / "logo.png").unlink()
    assert [line for line, _ in lint(path, "RL402", self_links="relative")] == [8]


def test_relative_form_of_an_awkward_path(tmp_path: Path) -> None:
    top = widget(tmp_path)
    (top / "docs" / "my plan (v2).md").write_text("# P\n", encoding="utf-8")
    path = roadmap(top, "# R\n\n[p](https://github.com/acme/widget/blob/main/docs/my%20plan%20(v2).md?plain=1)\n")
    assert fixed(Path(path).read_text(), "RL402", path=path, self_links="relative", unsafe=True) == (
        "# R\n\n[p](docs/my%20plan%20%28v2%29.md?plain=1)\n")


@pytest.mark.parametrize("remote, url", [
    ("https://github.com/acme/widget.git", "https://github.com/acme/widget/blob/main/docs/plan.md#goals"),
    ("git@gitlab.com:group/widget.git", "https://gitlab.com/group/widget/-/blob/main/docs/plan.md#goals"),
    ("https://codeberg.org/acme/widget.git", "https://codeberg.org/acme/widget/src/branch/main/docs/plan.md#goals"),
])
def test_absolute_reports_and_rewrites_relative_links(tmp_path: Path, remote: str, url: str) -> None:
    top = widget(tmp_path, remote)
    text = ("# Roadmap\n\n- [plan](docs/plan.md#goals)\n- [plugins](plugins/)\n- ![logo](docs/plan.md)\n"
            "- [top](#roadmap) ![logo][l]\n\n[l]: docs/plan.md\n")
    path = roadmap(top, text)
    assert lint(path, "RL402") == []
    # not an image (nor its definition), nor #top
    assert [line for line, _ in lint(path, "RL402", self_links="absolute")] == [3, 4]
    tree = url.replace("/blob/", "/tree/").replace("/src/branch/main/docs/plan.md#goals", "/src/branch/main/plugins")
    tree = tree.replace("/docs/plan.md#goals", "/plugins")
    assert fixed(text, "RL402", path=path, self_links="absolute", unsafe=True) == (
        f"# Roadmap\n\n- [plan]({url})\n- [plugins]({tree})\n- ![logo](docs/plan.md)\n- [top](#roadmap) ![logo][l]\n\n"
        "[l]: docs/plan.md\n")


def test_a_bad_self_links_value_is_one_line_and_exit_2(tmp_path: Path) -> None:
    top = widget(tmp_path)
    roadmap(top, "# Roadmap\n")
    (top / ".roadmaplint.toml").write_text('[rules.missing-file]\nself_links = "sometimes"\n', encoding="utf-8")
    result = run("check", str(top / "ROADMAP.md"))
    assert result.exit_code == 2
    assert "self_links" in result.stderr and len(result.stderr.strip().splitlines()) == 1


# -- the repository's issues --------------------------------------------------------------


def test_issue_references_get_the_forges_address(tmp_path: Path) -> None:
    lab = widget(tmp_path, "https://gitlab.com/group/widget.git")
    path = roadmap(lab, "# Roadmap\n\n[#12](group/widget#12) and [!3](!3) and [#7](#7)\n")
    assert lint(path, "RL401", "RL402") == [
        (3, "'group/widget#12' is an issue reference, which GitLab reads as a file path in a link; use "
            "https://gitlab.com/group/widget/-/issues/12"),
        (3, "'!3' is a merge request reference, which GitLab reads as a file path in a link; use "
            "https://gitlab.com/group/widget/-/merge_requests/3"),
        (3, "no heading or anchor for #7; for issue #7 of this repository, link https://gitlab.com/group/widget/-/issues/7"),
    ]
    # outside a repository the messages are those of before
    plain = roadmap(tmp_path / "plain", "# Roadmap\n\n[#12](group/widget#12) and [#7](#7)\n")
    assert lint(plain, "RL401", "RL402") == [
        (3, "'group/widget#12' is an issue reference, which GitHub reads as a file path in a link; use "
            "https://github.com/group/widget/issues/12"),
        (3, "no heading or anchor for #7"),
    ]


def test_head_is_the_default_branch_and_gitea_raw_urls_are_files(tmp_path: Path) -> None:
    top = widget(tmp_path)
    text = ("# R\n\n- [plan](https://github.com/acme/widget/blob/HEAD/docs/plan.md)\n"
            "- [gone](https://github.com/acme/widget/blob/HEAD/docs/gone.md)\n")
    path = roadmap(top, text)
    assert [line for line, _ in lint(path, "RL402")] == [4]
    assert fixed(text, "RL402", path=path, self_links="relative", unsafe=True).startswith("# R\n\n- [plan](docs/plan.md)\n")
    from roadmaplint.repository import Repository

    gitea = Repository("codeberg.org", "acme/widget")
    found = gitea.file("https://codeberg.org/acme/widget/raw/branch/main/docs/logo.png")
    assert found is not None and (found.ref, found.path, found.kind) == ("main", "docs/logo.png", "raw")
    # on GitHub, /raw/<ref>/ names the ref: "branch" here
    assert Repository("github.com", "acme/widget").file("https://github.com/acme/widget/raw/branch/x.png").ref == "branch"  # type: ignore[union-attr]


def test_a_partial_clone_is_not_asked_for_what_it_would_fetch(tmp_path: Path) -> None:
    upstream = widget(tmp_path)
    git(upstream, "checkout", "-qb", "dev")
    (upstream / "docs" / "next.md").write_text("# Next\n", encoding="utf-8")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-qm", "dev")
    git(upstream, "checkout", "-q", "main")
    git(upstream, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--filter=blob:none", f"file://{upstream}", str(clone))
    git(clone, "remote", "set-url", "origin", "https://github.com/acme/widget.git")
    packs = sorted(p.name for p in (clone / ".git" / "objects" / "pack").iterdir())
    path = roadmap(clone, "# R\n\n- [next](https://github.com/acme/widget/blob/dev/docs/next.md#nope)\n"
                          "- [gone](https://github.com/acme/widget/blob/dev/docs/gone.md)\n")
    assert lint(path, "RL401", "RL402") == []  # not judged
    assert sorted(p.name for p in (clone / ".git" / "objects" / "pack").iterdir()) == packs  # nothing fetched


def test_a_sparse_checkout_asks_git_for_what_it_left_out(tmp_path: Path) -> None:
    top = widget(tmp_path)
    git(top, "sparse-checkout", "set", "docs")  # plugins/ leaves the working tree
    assert not (top / "plugins").exists()
    path = roadmap(top, "# R\n\n- [plugins](https://github.com/acme/widget/tree/main/plugins)\n"
                        "- [gone](https://github.com/acme/widget/tree/main/themes)\n")
    assert lint(path, "RL402") == [
        (4, "no file or directory 'themes' in HEAD, as git has it (the link is an absolute one into this repository)")]


def test_a_linked_worktree_reads_its_own_checked_out_branch(tmp_path: Path) -> None:
    top = widget(tmp_path)
    wt = tmp_path / "wt"
    git(top, "worktree", "add", "-q", "-b", "spike", str(wt))
    (wt / "docs" / "spike.md").write_text("# Spike\n", encoding="utf-8")  # not committed: only the working tree has it
    path = roadmap(wt, "# R\n\n- [spike](https://github.com/acme/widget/blob/spike/docs/spike.md)\n"
                       "- [gone](https://github.com/acme/widget/blob/spike/docs/gone.md)\n")
    assert lint(path, "RL402") == [
        (4, "no file or directory 'docs/gone.md' in the working tree (the link is an absolute one into this repository)")]


def test_the_top_level_config_key_sets_the_form(tmp_path: Path) -> None:
    """`self-links = "relative"` in .roadmaplint.toml is missing-file's option."""
    top = widget(tmp_path)
    (top / "docs" / "logo.png").write_bytes(b"\x89PNG")
    path = roadmap(top, SELF, "docs/ROADMAP.md")
    (top / ".roadmaplint.toml").write_text('self-links = "relative"\n', encoding="utf-8")
    result = run("check", str(path), "--select", "RL402")
    assert f"{path}:3:" in result.output and "write it relative, as plan.md#goals" in result.output, result.output
    (top / ".roadmaplint.toml").write_text('self-links = "sometimes"\n', encoding="utf-8")
    bad = run("check", str(path))
    assert bad.exit_code == 2 and "self-links" in bad.output
