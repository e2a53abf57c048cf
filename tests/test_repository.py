"""The repository a roadmap lives in: found from git's remotes (real git
repositories made in temporary folders, never the network) or from the
configuration, and the links and shorthands that point back into it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from roadmaplint.repository import IssueRef, Repository, find_repository, parse_remote

GIT = ["git", "-c", "init.defaultBranch=main", "-c", "user.name=t", "-c", "user.email=t@example.com"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def repo_with(tmp_path: Path, **remotes: str) -> Path:
    top = tmp_path / "widget"
    (top / "docs").mkdir(parents=True)
    git(top, "init", "-q")
    for name, url in remotes.items():
        git(top, "remote", "add", name, url)
    return top


@pytest.mark.parametrize(
    "url, found",
    [
        ("https://github.com/acme/widget.git", ("github.com", "acme/widget")),
        ("https://github.com/acme/widget", ("github.com", "acme/widget")),
        ("git@github.com:acme/widget.git", ("github.com", "acme/widget")),
        ("ssh://git@gitlab.example.com:2222/group/sub/widget.git", ("gitlab.example.com", "group/sub/widget")),
        ("https://codeberg.org/acme/widget", ("codeberg.org", "acme/widget")),
        ("git://github.com/acme/widget", ("github.com", "acme/widget")),
        ("/srv/git/widget.git", None),
        ("../widget", None),
        ("file:///srv/git/widget.git", None),
    ],
)
def test_remote_urls(url: str, found: tuple[str, str] | None) -> None:
    assert parse_remote(url) == found


def test_found_from_the_origin_remote(tmp_path: Path) -> None:
    top = repo_with(tmp_path, upstream="https://github.com/other/fork.git", origin="git@github.com:acme/widget.git")
    repo = find_repository(str(top / "docs"))
    assert repo is not None and (repo.host, repo.path, repo.forge) == ("github.com", "acme/widget", "github")
    assert repo.root == str(top)


def test_first_remote_without_an_origin(tmp_path: Path) -> None:
    top = repo_with(tmp_path, upstream="https://gitlab.com/group/sub/widget.git", mirror="https://github.com/a/b")
    repo = find_repository(str(top))
    assert repo is not None and (repo.host, repo.path, repo.forge) == ("gitlab.com", "group/sub/widget", "gitlab")


def test_default_branch_from_the_remote_head(tmp_path: Path) -> None:
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    git(upstream, "init", "-q", "-b", "trunk")
    (upstream / "README.md").write_text("x\n")
    git(upstream, "add", ".")
    git(upstream, "commit", "-qm", "x")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))
    git(clone, "remote", "set-url", "origin", "https://github.com/acme/widget.git")
    repo = find_repository(str(clone))
    assert repo is not None and repo.default_branch == "trunk"
    assert find_repository(str(clone), default_branch="main").default_branch == "main"  # type: ignore[union-attr]


def test_a_linked_worktree_reads_the_main_repositorys_remotes(tmp_path: Path) -> None:
    top = repo_with(tmp_path, origin="https://github.com/acme/widget")
    (top / "ROADMAP.md").write_text("# R\n")
    git(top, "add", ".")
    git(top, "commit", "-qm", "x")
    git(top, "worktree", "add", "-q", str(tmp_path / "wt"))
    repo = find_repository(str(tmp_path / "wt"))
    assert repo is not None and repo.path == "acme/widget" and repo.root == str(tmp_path / "wt")


def test_configuration_wins_and_outside_a_repository_there_is_none(tmp_path: Path) -> None:
    top = repo_with(tmp_path, origin="https://github.com/acme/widget")
    repo = find_repository(str(top), configured="gitlab.example.com/team/widget", default_branch="dev")
    assert repo == Repository("gitlab.example.com", "team/widget", "dev", str(top))
    plain = tmp_path / "plain"
    plain.mkdir()
    assert find_repository(str(plain)) is None
    assert find_repository(str(plain), configured="github.com/acme/widget").path == "acme/widget"  # type: ignore[union-attr]


def test_links_into_the_repository() -> None:
    repo = Repository("github.com", "acme/widget", "main")
    f = repo.file("https://github.com/acme/widget/blob/main/docs/design.md#storage")
    assert (f.ref, f.path, f.fragment, f.kind) == ("main", "docs/design.md", "storage", "blob")  # type: ignore[union-attr]
    assert repo.file("https://github.com/Acme/Widget/tree/v2/plugins").path == "plugins"  # type: ignore[union-attr]
    assert repo.file("https://raw.githubusercontent.com/acme/widget/main/logo.png").kind == "raw"  # type: ignore[union-attr]
    assert repo.file("https://github.com/acme/widget-extras/blob/main/a.md") is None
    assert repo.file("https://github.com/acme/widget/issues/12") is None
    lab = Repository("gitlab.com", "group/widget")
    assert lab.file("https://gitlab.com/group/widget/-/blob/main/a%20b.md").path == "a b.md"  # type: ignore[union-attr]
    gitea = Repository("codeberg.org", "acme/widget")
    assert gitea.file("https://codeberg.org/acme/widget/src/branch/main/docs").path == "docs"  # type: ignore[union-attr]


def test_issues_and_shorthand() -> None:
    repo = Repository("github.com", "acme/widget")
    assert repo.issue("https://github.com/acme/widget/issues/12") == IssueRef("github.com", "acme/widget", 12, "issue")
    assert repo.issue("https://github.com/acme/widget/pull/7").kind == "pull"  # type: ignore[union-attr]
    assert repo.issue("https://github.com/acme/other/issues/12") is None
    assert repo.shorthand("#123") == IssueRef("github.com", "acme/widget", 123, "issue")
    assert str(repo.shorthand("acme/other#5")) == "acme/other#5"
    lab = Repository("gitlab.com", "group/widget")
    assert lab.issue("https://gitlab.com/group/widget/-/merge_requests/3").kind == "pull"  # type: ignore[union-attr]
    assert lab.shorthand("!3").kind == "pull"  # type: ignore[union-attr]
