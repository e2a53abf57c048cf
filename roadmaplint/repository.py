"""The repository a roadmap lives in, and the links that point back into it.

Found from the configuration (``repository = "github.com/acme/widget"``,
``default-branch = "main"``) or from git: the ``origin`` remote (else the
first remote) of the working tree the file is in, read from git's own files
(no subprocess, no network). GitHub, GitLab and Gitea URL forms, over HTTPS
and SSH, are understood. Used by the link rules (self-links checked
offline) and the tracker rules (``#123`` is the repository's own issue).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from .lazyre import lazy
from .violations import FrozenRecord

# the forge a host runs, when its name does not say
KNOWN_HOSTS = {"github.com": "github", "gitlab.com": "gitlab", "codeberg.org": "gitea", "gitea.com": "gitea"}
# hosts that serve a forge's raw files: host -> the forge's host
RAW_HOSTS = {"raw.githubusercontent.com": "github.com"}


def forge_of(host: str) -> str:
    """github | gitlab | gitea, by the host's name (GitHub Enterprise and
    unknown hosts read as GitHub, whose URL forms most forges share)."""
    host = host.lower()
    if host in KNOWN_HOSTS:
        return KNOWN_HOSTS[host]
    if "gitlab" in host:
        return "gitlab"
    if "gitea" in host or "forgejo" in host or "codeberg" in host:
        return "gitea"
    return "github"


class IssueRef(FrozenRecord):
    """An issue, pull request or merge request of some repository."""

    __slots__ = _fields = ("host", "repo", "number", "kind")

    def __init__(self, host: str, repo: str, number: int, kind: str) -> None:
        self.host = host  # github.com
        self.repo = repo  # owner/name (GitLab: group/subgroup/name)
        self.number = number
        self.kind = kind  # issue | pull (a GitHub pull request or a GitLab merge request)

    @property
    def forge(self) -> str:
        return forge_of(self.host)

    def __str__(self) -> str:
        return f"{self.repo}#{self.number}"


class FileRef(FrozenRecord):
    """A link to a file or folder of a repository at some ref."""

    __slots__ = _fields = ("ref", "path", "fragment", "kind")

    def __init__(self, ref: str, path: str, fragment: str | None, kind: str) -> None:
        self.ref = ref  # the branch, tag or commit the URL names
        self.path = path  # the path inside the repository, without a leading slash ("" for the top)
        self.fragment = fragment  # what follows #, if anything
        self.kind = kind  # blob | tree | raw


class Repository(FrozenRecord):
    __slots__ = _fields = ("host", "path", "default_branch", "root")

    def __init__(self, host: str, path: str, default_branch: str | None = None, root: str | None = None) -> None:
        self.host = host  # github.com, gitlab.example.com (lower case)
        self.path = path  # owner/name; GitLab groups may nest: group/sub/name
        self.default_branch = default_branch
        self.root = root  # the working tree's top folder, when git gave it

    @property
    def forge(self) -> str:
        return forge_of(self.host)

    @property
    def url(self) -> str:
        return f"https://{self.host}/{self.path}"

    def _split(self, url: str) -> tuple[str, list[str], str | None] | None:
        """(host, the path's parts after this repository's, fragment) for a
        URL into this repository (its web host or its raw host), else None."""
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return None
        if parts.scheme not in ("http", "https"):
            return None
        host = (parts.hostname or "").lower()
        segments = [unquote(s) for s in parts.path.split("/") if s]
        mine = self.path.lower().split("/")
        if host == self.host or RAW_HOSTS.get(host) == self.host:
            if [s.lower() for s in segments[: len(mine)]] == mine:
                rest = segments[len(mine):]
                if rest and rest[-1].endswith(".git") and len(rest) == 1:
                    rest = []
                return host, rest, parts.fragment or None
        return None

    def file(self, url: str) -> FileRef | None:
        """The file a URL into this repository names: ``/blob/<ref>/<path>``,
        ``/tree/<ref>/<path>`` (GitLab and Gitea: ``/-/blob/``, ``/src/branch/``),
        or ``raw.githubusercontent.com/<repo>/<ref>/<path>``. The ref is
        taken to be one path segment (a branch named with a slash is read as
        its first part)."""
        found = self._split(url)
        if found is None:
            return None
        host, rest, fragment = found
        if host in RAW_HOSTS:
            if not rest:
                return None
            return FileRef(rest[0], "/".join(rest[1:]), fragment, "raw")
        if rest[:1] == ["-"]:  # GitLab: /-/blob/<ref>/<path>
            rest = rest[1:]
        if len(rest) >= 3 and rest[0] in ("src", "raw") and rest[1] in ("branch", "tag", "commit") \
                and (rest[0] == "src" or self.forge == "gitea"):  # Gitea: /src/branch/main/, /raw/branch/main/
            return FileRef(rest[2], "/".join(rest[3:]), fragment, "blob" if rest[0] == "src" else "raw")
        if len(rest) >= 2 and rest[0] in ("blob", "tree", "raw"):
            return FileRef(rest[1], "/".join(rest[2:]), fragment, rest[0])
        return None

    def issue(self, url: str) -> IssueRef | None:
        """The issue or pull request a URL of this repository names."""
        found = self._split(url)
        if found is None:
            return None
        _, rest, _ = found
        if rest[:1] == ["-"]:
            rest = rest[1:]
        if len(rest) >= 2 and rest[1].isdigit():
            kind = {"issues": "issue", "pull": "pull", "pulls": "pull", "merge_requests": "pull"}.get(rest[0])
            if kind is not None:
                return IssueRef(self.host, self.path, int(rest[1]), kind)
        return None

    def shorthand(self, text: str) -> IssueRef | None:
        """``#123`` (this repository's) or ``owner/name#123`` (another one on
        the same host); on GitLab ``!123`` is a merge request."""
        m = _SHORTHAND.fullmatch(text.strip())
        if m is None:
            return None
        repo, sign, number = m.group(1), m.group(2), int(m.group(3))
        kind = "pull" if sign == "!" else "issue"
        return IssueRef(self.host, repo or self.path, number, kind)


_SHORTHAND = lazy(r"([\w.-]+(?:/[\w.-]+)+)?([#!])(\d+)")

# https://host/owner/repo(.git), ssh://git@host[:port]/owner/repo.git,
# git@host:owner/repo.git, git://host/owner/repo
_SCP = lazy(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)/?(.+?)/?$")


def parse_remote(url: str) -> tuple[str, str] | None:
    """(host, owner/name) of a git remote URL, or None for a local path."""
    url = url.strip()
    if "://" in url:
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme not in ("http", "https", "ssh", "git", "git+ssh", "ssh+git"):
            return None
        host, path = (parts.hostname or "").lower(), parts.path
    else:
        m = _SCP.match(url)
        if m is None or os.path.sep in m.group(1):
            return None
        host, path = m.group(1).lower(), m.group(2)
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    if not host or path.count("/") < 1:
        return None
    return host, path


def parse_configured(value: str) -> tuple[str, str] | None:
    """(host, owner/name) from the configuration's ``repository``:
    ``github.com/acme/widget``, or a full URL or remote."""
    value = value.strip()
    if "://" in value or "@" in value:
        return parse_remote(value)
    parts = value.strip("/").split("/")
    if len(parts) >= 3 and "." in parts[0]:
        return parts[0].lower(), "/".join(parts[1:]).removesuffix(".git")
    return None


def _own_git_dir(top: str) -> str | None:
    """The git directory that holds this working tree's own HEAD (``.git``
    is a file in a linked worktree or a submodule: ``gitdir: <path>``)."""
    dot = os.path.join(top, ".git")
    if os.path.isdir(dot):
        return dot
    try:
        with open(dot, encoding="utf-8") as f:
            line = f.readline()
    except OSError:
        return None
    if line.startswith("gitdir:"):
        return os.path.normpath(os.path.join(top, line[len("gitdir:"):].strip()))
    return None


def _git_dir(top: str) -> str | None:
    """The git directory that holds the repository's config: a linked
    worktree keeps its remotes in the main repository's (its ``commondir``)."""
    own = _own_git_dir(top)
    if own is None:
        return None
    try:
        with open(os.path.join(own, "commondir"), encoding="utf-8") as f:
            return os.path.normpath(os.path.join(own, f.read().strip()))
    except OSError:
        return own


def find_top(start: str) -> str | None:
    """The working tree's top folder at or above ``start``."""
    d = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


_REMOTE = lazy(r'^\s*\[\s*remote\s+"([^"]+)"\s*\]\s*$')
_SECTION = lazy(r"^\s*\[")
_URL = lazy(r"^\s*url\s*=\s*(.+?)\s*$", re.I)


def remotes(git_dir: str) -> list[tuple[str, str]]:
    """(name, url) of each remote in git's config, in the order written."""
    try:
        with open(os.path.join(git_dir, "config"), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    out: list[tuple[str, str]] = []
    current = None
    for line in lines:
        m = _REMOTE.match(line)
        if m:
            current = m.group(1)
            continue
        if _SECTION.match(line):
            current = None
            continue
        m = _URL.match(line)
        if current is not None and m and not any(name == current for name, _ in out):
            out.append((current, m.group(1).strip('"')))
    return out


def _default_branch(git_dir: str, remote: str) -> str | None:
    """The remote's HEAD as git last saw it (``refs/remotes/origin/HEAD``)."""
    try:
        with open(os.path.join(git_dir, "refs", "remotes", remote, "HEAD"), encoding="utf-8") as f:
            line = f.read().strip()
    except OSError:
        return None
    prefix = f"ref: refs/remotes/{remote}/"
    return line[len(prefix):] if line.startswith(prefix) else None


@lru_cache(maxsize=64)
def _from_git(top: str) -> Repository | None:
    git_dir = _git_dir(top)
    if git_dir is None:
        return None
    found = remotes(git_dir)
    ordered = sorted(found, key=lambda r: r[0] != "origin")  # origin first, then as written
    for name, url in ordered:
        parsed = parse_remote(url)
        if parsed is not None:
            return Repository(parsed[0], parsed[1], _default_branch(git_dir, name), top)
    return None


def find_repository(start: str, configured: str | None = None,
                    default_branch: str | None = None) -> Repository | None:
    """The repository a file in folder ``start`` belongs to: the
    configuration's ``repository`` when set, else git's origin remote (or
    the first remote). ``default_branch`` (configured) wins over git's."""
    top = find_top(start)
    repo = None
    if configured:
        parsed = parse_configured(configured)
        if parsed is not None:
            git = _from_git(top) if top else None
            repo = Repository(parsed[0], parsed[1], git.default_branch if git and
                              (git.host, git.path) == parsed else None, top)
    elif top is not None:
        repo = _from_git(top)
    if repo is not None and default_branch:
        repo = Repository(repo.host, repo.path, default_branch, repo.root)
    return repo


# -- the checked-out ref and other refs' trees (self-links checked offline) ----------


def checked_out(top: str) -> str | None:
    """What the working tree at ``top`` has checked out, read from git's
    HEAD file: the branch's name (``main``, ``feature/x``), or the commit's
    full hash when HEAD is detached; None when git does not say."""
    git_dir = _own_git_dir(top)
    if git_dir is None:
        return None
    try:
        with open(os.path.join(git_dir, "HEAD"), encoding="utf-8") as f:
            head = f.read().strip()
    except OSError:
        return None
    if head.startswith("ref: refs/heads/"):
        return head[len("ref: refs/heads/"):] or None
    return head if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", head) else None


class GitObject(FrozenRecord):
    __slots__ = _fields = ("id", "kind", "size")

    def __init__(self, id: str, kind: str, size: int) -> None:
        self.id = id
        self.kind = kind  # blob | tree | commit (a submodule)
        self.size = size


GIT_TIMEOUT = 10.0  # seconds for one git command; longer and nothing is said


def _git(top: str, args: list[str], stdin: bytes) -> bytes | None:
    """``git <args>`` in ``top`` with ``stdin``: its output, or None when git
    is missing, refuses (not a repository it trusts) or takes too long."""
    import subprocess

    # never the network: a partial clone would fetch a missing object from
    # its promisor remote; no transport is allowed, and lazy fetches are off
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C",
           "GIT_ALLOW_PROTOCOL": "none", "GIT_NO_LAZY_FETCH": "1"}
    try:
        done = subprocess.run(["git", *args], cwd=top, input=stdin, capture_output=True,
                              timeout=GIT_TIMEOUT, env=env, check=False)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return done.stdout if done.returncode == 0 else None


def _plain(name: str) -> bool:
    # one line of git's batch input, with no `:` (which would split a rev)
    return bool(name) and not any(c in name for c in ":\n\r\0") and not name.startswith("-")


def _partial(top: str) -> bool:
    """Whether the repository is a partial clone (``--filter``), whose
    missing objects git would fetch from a remote."""
    git_dir = _git_dir(top)
    try:
        with open(os.path.join(git_dir or "", "config"), encoding="utf-8", errors="replace") as f:
            text = f.read().lower()
    except OSError:
        return True  # not a repository we can read: do not ask git
    return "partialclone" in text or re.search(r"^\s*promisor\s*=\s*true", text, re.M) is not None


def sparse_checkout(top: str) -> bool:
    """Whether the working tree leaves files out (``core.sparseCheckout``)."""
    found = False
    for git_dir in {_git_dir(top), _own_git_dir(top)}:
        for name in ("config", "config.worktree"):
            try:
                with open(os.path.join(git_dir or "", name), encoding="utf-8", errors="replace") as f:
                    text = f.read().lower()
            except OSError:
                continue
            found = found or re.search(r"^\s*sparsecheckout\s*=\s*true", text, re.M) is not None
    return found


def objects(top: str, refs: list[str], paths: list[tuple[str, str]],
            remote: str = "origin") -> tuple[dict[str, str], dict[tuple[str, str], GitObject | None]] | None:
    """What git has of ``refs`` and of ``paths`` (``(ref, path)`` pairs) in
    the repository at ``top``, asked in one ``git cat-file --batch-check``
    (no network). Returns (ref -> the rev git knows it by: the ref itself, or
    the remote's branch of that name; refs git does not have are left out),
    and (ref, path) -> the object, or None when that ref's tree has no such
    path. None when git cannot answer."""
    if _partial(top):
        return None  # its objects may be on the network only
    lines: list[str] = []
    wanted = [r for r in dict.fromkeys(refs) if _plain(r)]
    for r in wanted:
        lines += [f"{r}^{{commit}}", f"refs/remotes/{remote}/{r}^{{commit}}"]
    if not wanted:
        return {}, {}
    out = _git(top, ["cat-file", "--batch-check"], "\n".join(lines).encode("utf-8") + b"\n")
    if out is None:
        return None
    answers = out.decode("utf-8", "replace").splitlines()
    if len(answers) != len(lines):
        return None
    revs: dict[str, str] = {}
    for i, r in enumerate(wanted):
        for rev, answer in ((r, answers[2 * i]), (f"refs/remotes/{remote}/{r}", answers[2 * i + 1])):
            if not answer.endswith(" missing") and " commit " in answer:
                revs[r] = rev
                break
    asked = [(r, p) for r, p in dict.fromkeys(paths) if r in revs and p and "\n" not in p and "\r" not in p]
    found: dict[tuple[str, str], GitObject | None] = {}
    if asked:
        out = _git(top, ["cat-file", "--batch-check"],
                   "".join(f"{revs[r]}:{p}\n" for r, p in asked).encode("utf-8"))
        if out is None:
            return None
        answers = out.decode("utf-8", "replace").splitlines()
        if len(answers) != len(asked):
            return None
        for (r, p), answer in zip(asked, answers):
            words = answer.split()
            if answer == f"{revs[r]}:{p} missing":
                found[r, p] = None
            elif len(words) == 3 and words[2].isdigit():
                found[r, p] = GitObject(words[0], words[1], int(words[2]))
            else:  # a submodule's commit, which this repository does not hold
                found[r, p] = GitObject(words[0] if words else "", "commit", 0)
    return revs, found


def blob_text(top: str, blob: GitObject, limit: int = 5_000_000) -> str | None:
    """The text of one blob git has, or None: too big, not UTF-8, or git
    cannot say."""
    if blob.kind != "blob" or blob.size > limit or not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", blob.id):
        return None
    out = _git(top, ["cat-file", "--batch"], blob.id.encode() + b"\n")
    if out is None:
        return None
    header, _, rest = out.partition(b"\n")
    words = header.split()
    if len(words) != 3 or words[1] != b"blob" or not words[2].isdigit() or int(words[2]) > limit:
        return None
    try:
        return rest[: int(words[2])].decode("utf-8")
    except UnicodeDecodeError:
        return None
