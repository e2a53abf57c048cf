"""Link rules (RL4xx): anchors, files, mirrors, references, tracking links;
remote checks only on request.

Every rule here reads a URL where it is written: inline links, autolinks,
bare URLs, images and reference definitions. A reference link is checked
through its definition, so that a bad URL is reported (and fixed) once, at
the place that holds it. Nothing inside a code block or code span is checked,
but for a mirror host, reported there with an unsafe fix only."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
import html
import os
import posixpath
import re
import stat
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Callable, Iterator
from urllib.parse import unquote, urlsplit

from ..document import Document, Heading, Link, Section, Span, table_cells
from ..registry import Context, rule
from ..violations import Edit, Finding, Fix, Record, Rendering
from ..lazyre import lazy
from ..paths import clean, folders, inside, lookup, parent, posix, relative

if TYPE_CHECKING:
    from ..anchors import Anchors
    from ..binding import Bound


# anchors.py is imported by the first link that names a fragment
def anchors(doc: Document) -> Anchors:
    from ..anchors import anchors

    return anchors(doc)


def file_anchors(target: str) -> Anchors | None:
    from ..anchors import file_anchors

    return file_anchors(target)


# -- where URLs are written -------------------------------------------------------------

_ESCAPE = lazy(r"\\([!-/:-@\[-`{-~])")


def unescape(url: str) -> str:
    """A link destination as CommonMark reads it: backslash escapes and
    character references resolved."""
    if "\\" not in url and "&" not in url:
        return url  # every escape holds a backslash, every reference a "&"
    return html.unescape(_ESCAPE.sub(r"\1", url))


def _written(link: Link) -> bool:
    """Whether the link's URL is written at ``url_span`` (not a reference
    resolved through a definition)."""
    if link.url_span is None or link.kind in ("reference", "collapsed", "shortcut"):
        return False
    return not (link.kind == "image" and link.label is not None)  # ![alt][label]


def _targets(doc: Document) -> list[Link]:
    """Links that carry their own URL, and definitions, outside code, in
    document order."""
    out = [lk for lk in doc.links if _written(lk)] + list(doc.definitions)
    out = [lk for lk in out if not doc.in_code(lk.span.start)]
    return sorted(out, key=lambda lk: lk.span.start)


def _written_url(doc: Document, link: Link) -> str:
    assert link.url_span is not None
    return doc.text[link.url_span.start : link.url_span.end]


def _local(url: str) -> bool:
    """A link to a path in this repository (no scheme, no host)."""
    return not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", url)


def _base_dir(doc: Document) -> str | None:
    path = doc.source.path
    if not path or path.startswith("<"):
        return None
    return parent(path)


def _repo_root(start: str) -> str | None:
    for p in folders(start):
        if _exists(os.path.join(p, ".git")):
            return p
    return None


def _resolve(base: str, path: str) -> tuple[str, bool] | None:
    """The file a relative link names, and whether it stays inside the
    repository (a link that climbs out of it, like ``../../issues``, is a
    route of the forge's web site, not a file). None for a root-relative
    link outside a repository."""
    root = _repo_root(base)
    if path.startswith("/"):
        if root is None:
            return None
        target = os.path.normpath(os.path.join(root, path.lstrip("/")))
    else:
        target = os.path.normpath(os.path.join(base, path))
    return target, root is None or inside(target, root)


def _exists(path: str, file: bool = False) -> bool | None:
    """Whether ``path`` exists (is a file); None when the system cannot say
    (a name too long, a folder it may not search)."""
    try:
        st = lookup(path)
    except OSError:
        return None
    return st is not None and (not file or stat.S_ISREG(st.st_mode))


def _split(url: str) -> tuple[str, str | None]:
    """(path without query, fragment or None) of a local URL."""
    path, hash_, frag = url.partition("#")
    return path.split("?", 1)[0], frag if hash_ else None


# -- links into this repository (self-links), checked offline ------------------------

_MARKDOWN = lazy(r"\.(md|markdown|mdown|mkd)$", re.I)
_HOST = lazy(r"(?i)^(https?://(?:[^@/?#\s]*@)?)([^/:?#\s]+)")
_HASH = lazy(r"[0-9a-f]{7,64}")


class SelfLink(Record):
    """A link written as an absolute URL into the repository the roadmap
    lives in (``https://github.com/acme/widget/blob/main/docs/plan.md``),
    and what the working tree or git says of the path it names."""

    __slots__ = _fields = ("link", "written", "ref", "path", "kind", "default", "where", "local", "exists", "obj")

    def __init__(self, link: Link, written: str, ref: str, path: str, kind: str, default: bool) -> None:
        self.link = link
        self.written = written  # the URL as written
        self.ref = ref  # the branch, tag or commit the URL names
        self.path = path  # inside the repository, normalised ("" for the top)
        self.kind = kind  # blob | tree | raw
        self.default = default  # the ref is the repository's default branch
        # where the path was looked up: "in the working tree", "in v1.0, as git
        # has it"; None: it cannot be (git does not have the ref, or no git)
        self.where: str | None = None
        self.local: str | None = None  # the file in the working tree
        self.exists: bool | None = None  # None: not known
        self.obj: Any = None  # the GitObject in another ref's tree


def _canonical(url: str) -> str:
    """The URL with a mirror host replaced by the host it mirrors."""
    return _HOST.sub(lambda m: m.group(1) + MIRRORS.get(m.group(2).lower(), m.group(2)), url, count=1)


def _self_state(doc: Document) -> dict[str, Any]:
    return {}  # filled by _self_links: shared by broken-anchor and missing-file


def _working_tree(ctx: Context, base: str, root: str | None) -> str | None:
    """The working tree's top folder: git's, else, for a configured
    repository, the configuration's folder when the roadmap is under it."""
    if root is not None:
        return clean(root)
    config = ctx.run.config_path
    if config is None:
        return None
    top = parent(config)
    return top if inside(base, top) else None


# the path segments and hosts of a URL that names a file of a repository
# (Repository.file); "%" and "&" may spell them escaped
_FILE_URL_WORDS = ("/blob/", "/tree/", "/raw/", "/src/", "raw.githubusercontent.com", "%", "&")


def _may_name_a_file(url: str) -> bool:
    low = url.lower()
    return any(w in low for w in _FILE_URL_WORDS)


def _self_links(ctx: Context) -> dict[int, SelfLink]:
    """Every self-link of the document, by the offset of its link: looked up
    in the working tree when it names the default branch or the checked-out
    ref, else in git's copy of the ref it names (one ``git cat-file`` for all
    of them), else left unknown. Computed once per lint."""
    state = ctx.once(_self_state)
    if "links" in state:
        return state["links"]
    found: dict[int, SelfLink] = {}
    state["links"] = found
    doc = ctx.doc
    base = _base_dir(doc)
    if base is None or "://" not in doc.text:
        return found
    if not any(_may_name_a_file(_written_url(doc, link)) for link in _targets(doc)):
        return found  # no URL names a file: no need to know the repository
    repo = ctx.repository
    if repo is None:
        return found
    from ..repository import checked_out

    state["repo"] = repo
    top = _working_tree(ctx, base, repo.root)
    head = checked_out(repo.root) if repo.root else None
    default = repo.default_branch
    slashed = [n for n in (default, head) if n and "/" in n]
    elsewhere: list[tuple[SelfLink, str]] = []  # and the ref to ask git for
    sparse: bool | None = None
    for link in _targets(doc):
        written = _written_url(doc, link)
        if _local(written):
            continue
        url = _canonical(written if link.kind == "autolink" else unescape(written))
        ref = repo.file(url)
        if ref is None:
            continue
        name, path = ref.ref, ref.path
        joined = f"{name}/{path}"
        for branch in slashed:  # a branch named with a slash: feature/x
            if joined == branch or joined.startswith(branch + "/"):
                name, path = branch, joined[len(branch) + 1 :]
        path = posixpath.normpath(path) if path else ""
        if path == ".":
            path = ""
        if path == ".." or path.startswith("../") or path.startswith("/"):
            continue  # not inside the repository
        # GitHub reads HEAD as the default branch
        s = SelfLink(link, written, name, path, ref.kind, name == default or (name == "HEAD" and default is not None))
        found[link.span.start] = s
        here = name in (default, head, "HEAD") or (head is not None and _HASH.fullmatch(name) is not None
                                                   and head.startswith(name))
        if here:
            if top is not None:
                s.where, s.local = "in the working tree", os.path.normpath(os.path.join(top, path)) if path else top
                s.exists = _exists(s.local)
                if s.exists is False and repo.root is not None:
                    if sparse is None:
                        from ..repository import sparse_checkout

                        sparse = sparse_checkout(repo.root)
                    if sparse:  # a sparse checkout leaves files out: ask git's HEAD
                        s.exists, s.where, s.local = None, None, None
                        elsewhere.append((s, "HEAD"))
        elif repo.root is not None:
            elsewhere.append((s, name))
    if elsewhere:
        from ..repository import objects

        answer = objects(repo.root, [r for _, r in elsewhere], [(r, s.path) for s, r in elsewhere if s.path])
        if answer is not None:
            revs, objs = answer
            for s, r in elsewhere:
                if r not in revs:
                    continue  # git does not have it: say nothing
                s.where = f"in {r}, as git has it"
                s.obj = objs.get((r, s.path)) if s.path else None
                s.exists = s.obj is not None if s.path else True
    return found


def _self_anchors(ctx: Context, s: SelfLink, own: Callable[[], Anchors]) -> Anchors | None:
    """The anchors of the Markdown file a self-link names, where it was
    looked up; None when they cannot be known."""
    if s.local is not None:
        if not _exists(s.local, file=True):
            return None
        if os.path.abspath(ctx.doc.source.path) == s.local:
            return own()
        return file_anchors(s.local)
    if s.obj is None or s.obj.kind != "blob":
        return None
    state = ctx.once(_self_state)
    cache = state.setdefault("blobs", {})
    if s.obj.id not in cache and len(cache) >= _BLOBS:
        return None  # one git run per file: a bound on the time a document can cost
    if s.obj.id not in cache:
        from ..document import load
        from ..repository import blob_text
        from ..source import Source

        text = blob_text(str(state["repo"].root), s.obj)
        try:
            cache[s.obj.id] = anchors(load(Source(text, s.path))) if text is not None else None
        except Exception:  # not ours to judge
            cache[s.obj.id] = None
    return cache[s.obj.id]


_BLOBS = 50  # files read from git for their anchors, at most, per document

_PATH_SPECIAL = lazy(r"[\s%()<>#?\[\]\\\"`'\x00-\x1f\x7f]")


def _encode_path(path: str) -> str:
    """A path written as a link destination: spaces, brackets, quotes and
    the characters a URL gives meaning to percent-encoded; other text,
    non-ASCII included, as it is."""
    return _PATH_SPECIAL.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), path)


def _tail(written: str, absolute: bool) -> str:
    """What follows the path in a written URL: its ``?query`` and
    ``#fragment``, as written."""
    start = written.find("//") + 2 if absolute else 0
    cuts = [i for i in (written.find("?", start), written.find("#", start)) if i >= 0]
    return written[min(cuts):] if cuts else ""


# -- RL401 ------------------------------------------------------------------------------


@rule(code="RL401", name="broken-anchor", fix="sometimes",
      summary="A #fragment link that matches no heading (GitHub's anchor rules, emoji included).")
def broken_anchor(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    own: Anchors | None = None

    def own_anchors() -> Anchors:
        nonlocal own
        own = anchors(doc) if own is None else own
        return own

    base = _base_dir(doc)
    selfs = _self_links(ctx)
    for link in _targets(doc):
        written = _written_url(doc, link)
        if not _local(written):
            s = selfs.get(link.span.start)
            if s is not None:
                yield from _broken_self_anchor(ctx, s, own_anchors)
            continue
        raw_path, raw_frag = _split(written)
        if not raw_frag:
            continue
        path = unquote(unescape(raw_path))
        names: Anchors | None
        if path:
            if base is None or not re.search(r"\.(md|markdown|mdown|mkd)$", path, re.I):
                continue
            resolved = _resolve(base, path)
            if resolved is None or not _exists(resolved[0], file=True):
                continue  # missing-file reports it
            if os.path.abspath(doc.source.path) == str(resolved[0]):
                names = own_anchors()
            else:
                names = file_anchors(resolved[0])
            if names is None:
                continue
        else:
            names = own_anchors()
        fragment = unescape(raw_frag)
        if fragment in names:
            continue
        if not path and fragment.isdigit() and ctx.repository is not None:
            # [#12](#12): meant as the repository's issue, which GitHub does
            # not link from a file
            issue = _issue_url(ctx.repository.shorthand("#" + fragment))
            assert link.url_span is not None
            yield Finding(link.url_span, f"no heading or anchor for #{fragment}; for issue #{fragment} of this "
                                         f"repository, link {issue}")
            continue
        yield _no_anchor(link, written, raw_frag, fragment, names, f"{'#' if not path else path + '#'}{fragment}")


def _no_anchor(link: Link, written: str, raw_frag: str, fragment: str, names: Anchors, what: str,
               where: str = "") -> Finding:
    """A fragment that names no anchor: the closest anchor named, and
    replaced by an unsafe fix when it is the only close one."""
    close = names.closest(fragment)
    hint = f"; did you mean #{_encode(close[0])}?" if close else ""
    fix = None
    assert link.url_span is not None
    if len(close) == 1:
        start = link.url_span.start + len(written) - len(raw_frag)
        fix = Fix.unsafe(Edit(start, start + len(raw_frag), _encode(close[0])), rewrites=True)
    return Finding(link.url_span, f"no heading or anchor for {what}{where}{hint}", fix)


def _broken_self_anchor(ctx: Context, s: SelfLink, own: Callable[[], Anchors]) -> Iterator[Finding]:
    """The fragment of an absolute link into this repository, checked
    against the Markdown file it names, in the working tree or in git."""
    raw_frag = s.written.partition("#")[2]
    if not raw_frag or s.kind != "blob" or not s.exists or not _MARKDOWN.search(s.path):
        return
    if re.search(r"[?&]plain=1(?:&|#|$)", s.written):
        return  # the file's source: #L12 names a line
    names = _self_anchors(ctx, s, own)
    if names is None:
        return
    fragment = unescape(raw_frag)
    if fragment in names:
        return
    yield _no_anchor(s.link, s.written, raw_frag, fragment, names, f"#{fragment} in {s.path}",
                     f" {s.where} (the link is an absolute one into this repository)")


def _issue_url(issue: Any) -> str:
    """The web address of an issue or pull request, in its forge's form."""
    base = f"https://{issue.host}/{issue.repo}"
    if issue.forge == "gitlab":
        return f"{base}/-/{'merge_requests' if issue.kind == 'pull' else 'issues'}/{issue.number}"
    if issue.forge == "gitea":
        return f"{base}/{'pulls' if issue.kind == 'pull' else 'issues'}/{issue.number}"
    return f"{base}/{'pull' if issue.kind == 'pull' else 'issues'}/{issue.number}"


def _encode(anchor: str) -> str:
    # the one invisible character an anchor keeps is written so it shows
    return anchor.replace("\ufe0f", "%EF%B8%8F")


# -- RL402 ------------------------------------------------------------------------------

_LOOKS_LIKE_HOST = lazy(r"^(?:www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|dev|app|gov|edu|co|me|ai|sh)(?:/|$))", re.I)
_LOOKS_LIKE_MAIL = lazy(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")


_ISSUE_REF = lazy(r"^([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)#(\d+)$")


def _levels_above(base: str, path: str, root: str) -> int:
    """How many folders above ``root`` a relative ``path`` from ``base``
    climbs (0: it stays inside)."""
    parts = os.path.relpath(os.path.normpath(os.path.join(base, path)), root).split(os.sep)
    return next((i for i, p in enumerate(parts) if p != ".."), len(parts))


@rule(code="RL402", name="missing-file", fix="sometimes",
      summary="A link to a file or directory of this repository (relative, or absolute into it) that does not exist.",
      options={"self_links": {"enum": ["any", "relative", "absolute"], "default": "any",
                              "description": "How links to the repository's own files are to be written: "
                                             "`relative` reports absolute links to the default branch "
                                             "(https://github.com/acme/widget/blob/main/docs/plan.md), "
                                             "`absolute` reports relative links, `any` neither."}})
def missing_file(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    base = _base_dir(doc)
    if base is None:
        return
    # the repository's top folder: git's, else the configuration's folder
    config = ctx.run.config_path
    top = _repo_root(base) or (parent(config) if config else None)
    if top is not None and not inside(base, top):
        top = None  # a file outside the configuration's folder
    selfs = _self_links(ctx)
    style = ctx.options.self_links
    for link in _targets(doc):
        written = _written_url(doc, link)
        if not written:
            continue
        if not _local(written):
            s = selfs.get(link.span.start)
            if s is not None:
                yield from _missing_self(ctx, s, base, style)
            continue
        if link.kind == "autolink":
            continue  # <a@b.org> is mail; any other autolink has a scheme
        raw_path, _ = _split(written)
        path = unquote(unescape(raw_path))
        if not path:
            continue
        assert link.url_span is not None
        if top is not None and not path.startswith("/") and _levels_above(base, path, top) == 1:
            # GitHub shows a file at <repo>/blob/<branch>/<path>: one folder
            # above the top is no page (two or more is a route of the forge
            # itself, like ../../issues, or another repository: left alone)
            yield Finding(link.url_span, f"{path!r} points outside the repository (above its top folder); "
                                         "GitHub cannot show it")
            continue
        resolved = _resolve(base, path)
        if resolved is None or not resolved[1]:
            continue
        exists = _exists(resolved[0])
        if exists is True:
            if style == "absolute":
                yield from _relative_self(ctx, link, written, resolved[0])
            continue
        if exists is None:
            continue
        issue = _ISSUE_REF.match(unescape(written))
        repo = ctx.repository if issue or unescape(written).startswith("!") else None
        known = repo.shorthand(unescape(written)) if repo is not None else None
        if known is not None:
            forge = {"github": "GitHub", "gitlab": "GitLab", "gitea": "Gitea"}[known.forge]
            what = "a merge request" if known.kind == "pull" and known.forge == "gitlab" else "an issue"
            yield Finding(link.url_span, f"{unescape(written)!r} is {what} reference, which {forge} reads as a "
                                         f"file path in a link; use {_issue_url(known)}")
            continue
        if issue:
            owner, repo_name, number = issue.groups()
            yield Finding(link.url_span, f"{unescape(written)!r} is an issue reference, which GitHub reads as a file "
                                         f"path in a link; use https://github.com/{owner}/{repo_name}/issues/{number}")
            continue
        hint = ("; an e-mail address needs mailto:" if _LOOKS_LIKE_MAIL.match(path)
                else "; a web address needs https://" if _LOOKS_LIKE_HOST.match(path) else "")
        yield Finding(link.url_span, f"no file or directory {path!r}{hint}")


def _missing_self(ctx: Context, s: SelfLink, base: str, style: str) -> Iterator[Finding]:
    """An absolute link into this repository: its path must exist where it
    was looked up; with ``self_links = "relative"``, one to the default
    branch is written relative."""
    link = s.link
    assert link.url_span is not None
    if s.exists is False:
        yield Finding(link.url_span, f"no file or directory {s.path!r} {s.where} "
                                     "(the link is an absolute one into this repository)")
        return
    if style != "relative" or not s.default or not s.exists or s.local is None or not s.path:
        return
    if link.kind not in ("inline", "image", "definition") or (s.kind == "raw" and link.kind != "image"):
        return  # a URL shown as such, or a raw file's bytes (a relative link shows its page)
    tail = _tail(s.written, absolute=True)
    if os.path.abspath(ctx.doc.source.path) == s.local and tail.startswith("#"):
        relative = tail  # this file's own heading
    else:
        relative = _encode_path(posix(os.path.relpath(s.local, base))) + tail
    yield Finding(link.url_span, f"absolute link to this repository's default branch; write it relative, as "
                                 f"{relative} (it survives forks and renames)",
                  Fix.unsafe(Edit(link.url_span.start, link.url_span.end, relative), rewrites=True), severity="warning")


def _relative_self(ctx: Context, link: Link, written: str, target: str) -> Iterator[Finding]:
    """With ``self_links = "absolute"``: a relative link to a file of the
    repository, and the absolute URL on the default branch as an unsafe fix."""
    if link.kind not in ("inline", "definition"):
        return  # an image: a relative image shows on any forge
    if link.kind == "definition" and any(lk.kind == "image" and lk.label is not None
                                         and label_key(lk.label) == label_key(link.label or "") for lk in ctx.doc.links):
        return  # the definition of an image
    repo = ctx.repository
    base = _base_dir(ctx.doc)
    top = _working_tree(ctx, base, repo.root) if repo is not None and base is not None else None
    if repo is None or top is None:
        return
    path = relative(target, top)
    if path is None:
        return
    path = posix(path)
    assert link.url_span is not None
    branch = repo.default_branch
    if branch is None:
        yield Finding(link.url_span, f"relative link to {path!r}; write it absolute (the default branch is "
                                     "unknown: set default-branch for a fix)", severity="warning")
        return
    kind = "tree" if _exists(target, file=False) and not _exists(target, file=True) else "blob"
    where = {"gitlab": f"-/{kind}", "gitea": "src/branch"}.get(repo.forge, kind)
    url = f"{repo.url}/{where}/{_encode_path(branch)}" + (f"/{_encode_path(path)}" if path != "." else "")
    url += _tail(written, absolute=False)
    yield Finding(link.url_span, f"relative link to {path!r}; write it absolute, as {url}",
                  Fix.unsafe(Edit(link.url_span.start, link.url_span.end, url), rewrites=True), severity="warning")


# -- hosts ------------------------------------------------------------------------------

MIRRORS = {
    "g.nite07.org": "github.com",
    "hub.fastgit.org": "github.com",
    "hub.fastgit.xyz": "github.com",
    "kgithub.com": "github.com",
    "github.com.cnpmjs.org": "github.com",
    "hub.nuaa.cf": "github.com",
    "gh.api.99988866.xyz": "github.com",
}
SECURE = {
    "github.com", "gist.github.com", "raw.githubusercontent.com", "github.io", "gitlab.com", "bitbucket.org",
    "codeberg.org", "sr.ht", "pypi.org", "npmjs.com", "crates.io", "docs.rs", "pkg.go.dev",
    "readthedocs.io", "readthedocs.org", "wikipedia.org", "python.org", "developer.mozilla.org",
    "stackoverflow.com", "youtube.com", "youtu.be", "twitter.com", "x.com", "discord.gg", "discord.com",
    "google.com", "medium.com", "notion.so", "notion.site", "hackage.haskell.org", "rust-lang.org",
    "golang.org", "go.dev", "nodejs.org", "kubernetes.io", "docker.com", "apache.org", "microsoft.com",
    "mozilla.org", "reddit.com", "gitter.im", "matrix.to", "slack.com", "npmjs.org",
}


def _host_span(doc: Document, link: Link) -> tuple[int, int, str] | None:
    """(start, end, host) of the host inside a written URL."""
    if not _written(link):
        return None
    assert link.url_span is not None
    written = _written_url(doc, link)
    m = re.match(r"(?i)(?:https?:)?//(?:[^@/?#\s]*@)?([^/:?#\s]+)", written)
    if not m:
        return None
    return link.url_span.start + m.start(1), link.url_span.start + m.end(1), m.group(1).lower()


def _matches(host: str, names: set[str]) -> bool:
    return any(host == name or host.endswith("." + name) for name in names)


@rule(code="RL403", name="mirror-link", fix="always",
      summary="A link through a mirror or proxy host; rewritten to the canonical host.",
      options={"hosts": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}, "default": {},
                         "description": "More mirror hosts and their canonical host, e.g. {\"git.example.cn\" = \"github.com\"}."}})
def mirror_link(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    hosts = {**MIRRORS, **{k.lower(): v for k, v in ctx.options.hosts.items()}}
    found: dict[int, tuple[int, str]] = {}  # start -> (end, host)
    for link in _targets(doc):
        span = _host_span(doc, link)
        if span is not None and span[2] in hosts:
            found[span[0]] = (span[1], span[2])
    # a URL written anywhere else: link text that shows it, HTML, prose the
    # parser did not make a link of, code
    names = tuple(sorted(hosts, key=len, reverse=True))
    body = doc.front_matter.end if doc.front_matter else 0  # front matter is metadata
    # every match holds a host, matched case-insensitively: a line (or a
    # link text) without one (see lazyre.fold_case, exact for ASCII hosts,
    # and character by character, so a line folds as it does in the whole
    # text) needs no pattern
    from ..lazyre import fold_case

    text = doc.text
    folds = all(h.isascii() for h in names)

    def named(start: int, end: int) -> bool:
        if not folds:
            return True
        part = fold_case(text[start:end])
        return any(h in part for h in names)

    # a match holds a "//" and no line break: only the lines that hold a
    # "//" are searched (the lookbehind still sees the character before a
    # line; the lookahead at a line's end sees its "\n" or the text's end,
    # which it reads alike)
    pattern = None
    at = text.find("//", body)
    while at >= 0:
        line_end = text.find("\n", at)
        line_end = len(text) if line_end < 0 else line_end
        line_start = max(text.rfind("\n", body, at) + 1, body)
        if named(line_start, line_end):
            pattern = pattern or _mirror_pattern(names)
            for m in pattern.finditer(text, line_start, line_end):
                found.setdefault(m.start(1), (m.end(1), m.group(1).lower()))
        at = text.find("//", line_end)
    # link text that shows the address without a scheme: [g.nite07.org/o/r](...)
    bare = None
    for link in doc.links:
        if link.text_span is not None and link.kind != "url" and named(link.text_span.start, link.text_span.end):
            bare = bare or _mirror_pattern(names, bare=True)
            for m in bare.finditer(text, link.text_span.start, link.text_span.end):
                found.setdefault(m.start(1), (m.end(1), m.group(1).lower()))
    for start in sorted(found):
        end, host = found[start]
        canonical = hosts.get(host)
        if canonical is None:  # matched in a case lower() does not undo: "XS.CN" for "xſ.cn"
            canonical = next(v for k, v in hosts.items() if re.fullmatch(re.escape(k), host, re.I))
        if doc.in_code(start, end):
            # the code may quote the mirror on purpose (a proxy's setup)
            yield Finding(Span(start, end), f"URL through mirror host {host} in code; use {canonical}",
                          Fix.unsafe(Edit(start, end, canonical), rewrites=True))
        else:
            yield Finding(Span(start, end), f"link through mirror host {host}; use {canonical}",
                          Fix.safe(Edit(start, end, canonical), rewrites=True))


@lru_cache(maxsize=16)
def _mirror_pattern(hosts: tuple[str, ...], bare: bool = False) -> re.Pattern[str]:
    """A mirror host where a URL names it: after ``//`` (and a user name),
    not followed by more of a host name; ``bare``: also a host with no
    scheme and a path after it (``g.nite07.org/o/r``). A URL inside another
    one's path or query (an archive's copy, ``?url=``) is that other URL's
    business."""
    names = "|".join(re.escape(h) for h in hosts)
    before = r"(?:[a-z][a-z0-9+.-]*:)?//(?:[^@/?#\s<>()\[\]\"'`]*@)?"
    before = f"(?:{before})?" if bare else before
    after = r"(?=/)" if bare else r"(?![\w-]|\.[\w-])"
    return re.compile(rf"(?i)(?<![\w.+\-/=%:@])(?:{before})({names}){after}")


@rule(code="RL404", name="insecure-link", severity="warning", fix="always",
      summary="An http:// link to a host that serves https.",
      options={"hosts": {"type": "array", "items": {"type": "string", "minLength": 1}, "default": [],
                         "description": "More hosts (and their subdomains) known to serve https."}})
def insecure_link(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    hosts = SECURE | set(MIRRORS) | {h.lower() for h in ctx.options.hosts}
    for link in _targets(doc):
        found = _host_span(doc, link)
        if found is None:
            continue
        assert link.url_span is not None
        start = link.url_span.start
        scheme = doc.text[start : start + 7]
        if scheme.lower() != "http://" or not _matches(found[2], hosts):
            continue
        s = "S" if scheme[3] == "P" else "s"
        yield Finding(Span(start, start + 7), f"insecure http:// link to {found[2]}; use https://",
                      Fix.safe(Edit(start + 4, start + 4, s), rewrites=True))


# -- RL405 ------------------------------------------------------------------------------

# what changes, on the way to a bare URL, whether GitHub links it: a bracket
# opened (cmark-gfm autolinks nothing while a `[` or `![` is open) and an
# inline element whose text is code
_CODE_ELEMENTS = ("code", "pre", "kbd", "samp", "tt")
_BRACKET_OR_TAG = lazy(r"\\.|!?\[|\]|<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>|<!--.{0,2000}?-->", re.S)


def _url_contexts(doc: Document, urls: list[Link]) -> dict[int, tuple[bool, bool]]:
    """For each bare URL (by start): (inside an open bracket, inside an
    inline <code>/<pre>/<kbd>/<samp>/<tt>), reading its paragraph, heading
    or table cell once from the start."""
    leaves = sorted((b.span.start, b.span.end, b.type) for b in doc.walk_blocks()
                    if b.type in ("paragraph", "heading", "table"))
    starts = [lf[0] for lf in leaves]
    # a bracket in a URL is no bracket: `[a](https://x.example/a[1)`
    dests = sorted((lk.url_span.start, lk.url_span.end) for lk in doc.links if lk.url_span is not None)
    dest_starts = [d[0] for d in dests]
    text = doc.text
    out: dict[int, tuple[bool, bool]] = {}
    context, pos, brackets, open_code = -1, 0, 0, 0
    for link in urls:
        at = link.span.start
        i = bisect_right(starts, at) - 1
        if i < 0 or leaves[i][1] <= at:
            out[at] = (False, False)
            continue
        begin = leaves[i][0]
        if leaves[i][2] == "table":  # a cell is parsed on its own
            cell = table_cells(text, text.rfind("\n", 0, at) + 1, at)[-1]
            begin = max(begin, cell[0])
        if begin != context:
            context, pos, brackets, open_code = begin, begin, 0, 0
        for m in _BRACKET_OR_TAG.finditer(text, pos, at):
            j = bisect_right(dest_starts, m.start()) - 1
            if doc.in_code(m.start()) or (j >= 0 and m.start() < dests[j][1]):
                continue
            tok = m.group()
            if tok[0] == "\\":
                continue  # an escaped character
            if tok.endswith("["):
                brackets += 1
            elif tok == "]":
                brackets = max(brackets - 1, 0)
            elif m.group(2) and m.group(2).lower() in _CODE_ELEMENTS:
                open_code = max(open_code + (-1 if m.group(1) else 1), 0)
        pos = at
        out[at] = (brackets > 0, open_code > 0)
    return out


# what the author cannot have meant as part of a URL, written right after it
# with no space: a straight or curly double quote, CJK and full-width
# punctuation and quotes. GitHub's autolink runs on through them.
_NOT_URL = lazy("[\"\u201c\u201d\u2018\u2019\u3000-\u303f\uff01-\uff0f\uff1a-\uff20"
                "\uff3b-\uff40\uff5b-\uff65\ufe10-\ufe1f\ufe30-\ufe4f]")
# CJK letters (kana, ideographs, Hangul): part of a URL's path after a
# separator (https://zh.wikipedia.org/wiki/中文), not right after a Latin
# letter, digit or closing punctuation of it
_CJK_AFTER_URL = lazy("(?<=[A-Za-z0-9)\\]])[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# a URL that is a template to fill in, a value and not a link
# (%s, but not %da: a percent escape)
_TEMPLATE = lazy(r"%(?:\([A-Za-z_]\w*\))?(?:s|d(?![0-9A-Fa-f]))|\{[^{}\s]*\}|\$\{")
_PLACEHOLDER_AFTER = lazy(r"<[A-Za-z_][\w-]*>|\{[^{}\s]*\}")
_WEB = lazy(r"(?i)^(?:(?:https?|ftp)://|www\.)")
_CLOSING_QUOTE = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019", "`": "`"}


def _intended_end(text: str, start: int, end: int) -> int | None:
    """Where the URL the author meant ends, when GitHub's autolink (which
    ends at ``end``) runs on through text that cannot be part of it; None
    when GitHub ends it where the author did."""
    first = None
    if text[start:end].isascii():
        # of the characters either pattern matches, only '"' is ASCII
        at = text.find('"', start, end)
        first = at if at >= 0 else None
    else:
        for pattern in (_NOT_URL, _CJK_AFTER_URL):
            m = pattern.search(text, start, end)
            if m and (first is None or m.start() < first):
                first = m.start()
    if first is None:
        return None
    # the URL as GitHub would end it there: trailing punctuation is dropped
    from ..document import gfm_url_end

    cut = gfm_url_end(text[:first], start, first)
    return cut if cut > start + len("http://") else None


def _value(text: str, start: int, end: int) -> bool:
    """A URL written as a value, not as a link: in quotes ("http://..."),
    or a template with placeholders (?id=%s, /{id}, /<id>)."""
    before = text[start - 1] if start else ""
    if before in _CLOSING_QUOTE and text.startswith(_CLOSING_QUOTE[before], end):
        return True
    return bool(_TEMPLATE.search(text, start, end) or _PLACEHOLDER_AFTER.match(text, end))


def _web(link: Link) -> bool:
    return link.kind != "image" and bool(_WEB.match(link.url.strip()))


@rule(code="RL405", name="bare-url", fix="sometimes", severity="warning",
      summary="A bare URL in a file that writes its other links as [text](url) or <url>; "
              "a bare URL GitHub links with the text after it.",
      options={
          "style": {
              "type": "string",
              "enum": ["consistent", "wrapped"],
              "default": "consistent",
              "description": (
                  '"consistent": report bare URLs only in a file that writes fewer than a quarter of its '
                  'web links bare; "wrapped": report every bare URL that GitHub links.'
              ),
          }
      })
def bare_url(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    text = doc.text
    links = [lk for lk in doc.links if not doc.in_code(lk.span.start)]
    urls = [lk for lk in links if lk.kind == "url" and lk.span.end > lk.span.start + len("http://")]
    if not urls:
        return
    contexts = _url_contexts(doc, urls)
    bare: list[Link] = []  # bare URLs that are links, and could be written otherwise
    for link in urls:
        start, end = link.span.start, link.span.end
        bracketed, code = contexts[start]
        if code:
            continue  # written as code on purpose, like a URL in a code span
        if bracketed:
            # GitHub links no URL inside an open bracket: `(text)[url]` and
            # `[url]` show as text, and <url> would make them a link
            yield Finding(Span(start, end), "URL inside brackets, shown as text and not as a link on GitHub; "
                                            "write it as [text](url) or <url>")
            continue
        cut = _intended_end(text, start, end)
        if cut is not None:
            # GitHub links the text after the URL too: a real problem, in
            # any style. <url> links only the URL: the link element changes
            # extent (and href), which the rewrite guard cannot explain token
            # by token, so the fix declares RESTRUCTURED (unsafe; judged by
            # the word and code guards).
            literal = not re.search(r"\\|&#?\w+;", text[start:cut])
            fix = (Fix.unsafe(Edit(start, start, "<"), Edit(cut, cut, ">"), rewrites=True, effect=Rendering.RESTRUCTURED)
                   if literal else None)
            rest = text[cut:end]
            shown = rest if len(rest) <= 20 else rest[:19] + "…"
            yield Finding(Span(start, end), f"GitHub links this URL together with the text after it ({shown!r}); "
                                            "end it with <url> or a space", fix)
            continue
        if _value(text, start, end):
            continue  # a value in quotes or a template, not a link
        bare.append(link)
    if not bare:
        return
    # otherwise a bare URL is a style: GitHub links it. It is worth a
    # finding only where the file writes most of its web links otherwise,
    # in [text](url), [url](url), a reference or <url>: bare URLs fewer
    # than a quarter of them all
    total = len(bare) + sum(1 for lk in links if lk.kind != "url" and _web(lk))
    consistent = ctx.options.style == "consistent"
    if consistent and len(bare) * 4 >= total:
        return
    named = total - len(bare)
    why = f" like {named} of the {total} web links in this file" if consistent else ""
    for link in bare:
        start, end = link.span.start, link.span.end
        # inside <...> a backslash or a character reference is read as
        # written, so the URL would change: report those without a fix
        literal = not re.search(r"\\|&#?\w+;", text[start:end])
        fix = Fix.safe(Edit(start, start, "<"), Edit(end, end, ">")) if literal else None
        yield Finding(Span(start, end), f"bare URL; write it as <url> or [text](url){why}", fix)


# -- references ---------------------------------------------------------------------------


def label_key(label: str) -> str:
    """How CommonMark compares labels: case-folded, whitespace collapsed."""
    return " ".join(label.split()).casefold()


def _footnote(label: str | None) -> bool:
    # [^1] is GitHub's footnote syntax, not a link reference
    return bool(label) and label.lstrip().startswith("^")  # type: ignore[union-attr]


# [text][label]: the text may hold one level of brackets, as an image does
# (`[![alt][logo]][label]`)
_REF_CHAR = r"(?:[^\[\]\\\n]|\\.)"
_FULL_REF = lazy(
    rf"(?<![\]\\])!?\[((?:{_REF_CHAR}|\[{_REF_CHAR}{{0,999}}\]){{1,999}})\]\[((?:[^\[\]\\]|\\.){{0,999}})\]"
)


@rule(code="RL406", name="undefined-reference", fix="never",
      summary="A reference link [text][label] whose label has no definition.")
def undefined_reference(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    defined = {label_key(d.label or "") for d in doc.definitions}
    # the links by start, and the furthest end among each link and those
    # before it: a lookup reads only the links that can reach [start, end)
    links = sorted(doc.links, key=lambda lk: lk.span.start)
    starts = [lk.span.start for lk in links]
    reach = list(accumulate((lk.span.end for lk in links), max))

    def blocked(start: int, end: int, text: tuple[int, int]) -> bool:
        """Whether [start, end) is (part of) a link that resolved: a link
        overlaps it that is neither inside its text (an image in the link
        text) nor holds it in its own text (an unresolved image inside a
        resolved link's text is text)."""
        i = bisect_left(starts, end)  # links[:i] start before `end`
        while i > 0 and reach[i - 1] > start:
            i -= 1
            lk = links[i]
            s = lk.span
            if not (s.start < end and start < s.end):
                continue
            if text[0] <= s.start and s.end <= text[1]:
                continue
            t = lk.text_span
            if t is not None and t.start <= start and end <= t.end:
                continue
            return True
        return False

    def scan(raw: str, base: int, pos: int, endpos: int) -> Iterator[Finding]:
        for m in _FULL_REF.finditer(raw, pos, endpos) if "][" in raw else ():  # each match holds "]["
            start, end = base + m.start(), base + m.end()
            text = (base + m.start(1), base + m.end(1))
            if not doc.in_code(start, end) and not blocked(start, end, text):
                # a blank label is read as none: `[text][ ]` is `[text][]`
                label = m.group(2) if m.group(2).strip() else m.group(1)
                if not _footnote(label) and label_key(label) not in defined:
                    yield Finding(Span(start, end), f"no definition for reference [{label}]")
            # a reference inside the text: `[![alt][missing]][label]`
            yield from scan(raw, base, m.start(1), m.end(1))

    for block in doc.walk_blocks():
        if block.type not in ("paragraph", "heading"):
            continue
        if doc.text.find("][", block.span.start, block.span.end) < 0:
            continue  # every match holds a "]["
        raw = doc.text[block.span.start : block.span.end]
        yield from scan(raw, block.span.start, 0, len(raw))


@rule(code="RL407", name="unused-definition", severity="warning", fix="sometimes",
      summary="A link reference definition no link uses.")
def unused_definition(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    used = {label_key(lk.label) for lk in doc.links if lk.label}
    text = doc.text
    src = doc.source
    for d in doc.definitions:
        if label_key(d.label or "") in used or _footnote(d.label) or doc.in_code(d.span.start):
            continue
        first, last = src.line_of(d.span.start), src.line_of(d.span.end)
        start = src.line_start(first)
        end = src.line_start(last + 1) if last + 1 < src.line_count else src.line_end(last)
        whole_lines = not text[start : d.span.start].strip() and not text[d.span.end : src.line_end(last)].strip()
        fix = Fix.unsafe(Edit(start, end, ""), rewrites=True) if whole_lines else None
        yield Finding(d.span, f"definition [{d.label}] is not used", fix)


@rule(code="RL408", name="duplicate-definition", severity="warning", fix="never",
      summary="A second definition of a link label (only the first counts).")
def duplicate_definition(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    first: dict[str, Link] = {}
    for d in doc.definitions:
        if _footnote(d.label) or doc.in_code(d.span.start):
            continue
        key = label_key(d.label or "")
        if key in first:
            line = doc.source.position(first[key].span.start)[0]
            yield Finding(d.span, f"[{d.label}] is already defined on line {line}; this definition is ignored")
        else:
            first[key] = d


@rule(code="RL409", name="empty-link", fix="never",
      summary="A link with no destination [text]() or no text [](url).")
def empty_link(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    text = doc.text
    for link in doc.links:
        if link.kind not in ("inline", "reference", "collapsed") or doc.in_code(link.span.start):
            continue
        if link.kind == "inline" and not unescape(link.url).strip():
            yield Finding(link.span, f"link \"{link.text}\" has no destination")
        elif link.text_span is not None and not text[link.text_span.start : link.text_span.end].strip():
            yield Finding(link.span, "link has no text")


# -- RL411 ------------------------------------------------------------------------------

_SHORTHAND = lazy(r"(?<![\w/#&])(?:[\w.-]+/[\w.-]+)?#\d+\b|\bGH-\d+\b")


def _tracking_pattern(spec: Any, conf: dict) -> re.Pattern[str]:
    from ..spec import URL_LIMIT, SpecError, compile_pattern

    pattern = conf.get("pattern")
    if not isinstance(pattern, str) or not pattern:
        raise SpecError(f"{spec.name}: $.tracking.pattern: a regular expression is required")
    return compile_pattern(pattern, f"{spec.name}: $.tracking.pattern", limit=URL_LIMIT)


def _in_scope(bound: Bound, conf: dict) -> list[Section]:
    from ..spec import title_key

    level = conf.get("level")
    if level is not None:
        scope = [s for s in bound.doc.root.walk() if s.heading is not None and s.level == level]
    else:
        scope = [s for s in bound.container.children if s.heading is not None]
    only = {title_key(n) for n in conf.get("only", [])}
    if only:
        scope = [s for s in scope if title_key(s.title) in only
                 or ((spec := bound.section_spec(s)) is not None and title_key(spec.name) in only)]
    return scope


def _tracked(doc: Document, spans: list[Span], pattern: re.Pattern[str], shorthand: bool) -> bool:
    from ..spec import URL_LIMIT

    for link in doc.links:
        if any(s.start <= link.span.start < s.end for s in spans) and not doc.in_code(link.span.start):
            if pattern.search(unescape(link.url)[:URL_LIMIT]):
                return True
    if shorthand:
        for s in spans:
            for m in _SHORTHAND.finditer(doc.text, s.start, s.end):
                if not doc.in_code(m.start()):
                    return True
    return False


def _own_blocks(section: Section) -> list[Span]:
    """A section's heading and the blocks of its own text (lists excluded)."""
    assert section.heading is not None
    return [section.heading.span] + [b.span for b in section.blocks if b.type != "list"]


@rule(code="RL411", name="tracking-link", fix="never", default=False, spec_key="tracking",
      summary="A section or item without a link to its tracking issue (only when the spec has `tracking`).")
def tracking_link(ctx: Context) -> Iterator[Finding]:
    doc, bound, spec = ctx.doc, ctx.bound, ctx.spec
    conf = spec.data.get("tracking")
    if not conf or not (conf.get("sections") or conf.get("items")):
        return
    pattern = _tracking_pattern(spec, conf)
    shorthand = bool(conf.get("shorthand", False))
    finished_too = bool(conf.get("finished", False))
    for section in _in_scope(bound, conf):
        heading: Heading = section.heading  # type: ignore[assignment]
        if conf.get("sections") and (finished_too or not spec.finished(bound.implied_status(section))):
            if not _tracked(doc, _own_blocks(section), pattern, shorthand):
                end = heading.text_span.end if heading.text_span else heading.span.end
                yield Finding(Span(heading.span.start, end),
                              f"section \"{section.title}\" links no tracking issue (a URL matching {pattern.pattern})")
        if not conf.get("items"):
            continue
        for sub in section.walk():
            for item in _items(sub.items, bool(conf.get("nested", False))):
                state = bound.item(item)
                if state.in_legend or (not finished_too and spec.finished(state.status)):
                    continue
                own = [c.span for c in (item.block.children if item.block else []) if c.type != "list"]
                if not _tracked(doc, own, pattern, shorthand):
                    line_end = doc.source.line_end(doc.source.line_of(item.span.start))
                    words = item.text.split()
                    name = " ".join(words[:6]) + (" ..." if len(words) > 6 else "")
                    yield Finding(Span(item.span.start, min(line_end, item.span.end)),
                                  f"item \"{name}\" links no tracking issue (a URL matching {pattern.pattern})")


def _items(items: list, nested: bool) -> Iterator[Any]:
    for item in items:
        yield item
        if nested:
            yield from _items(item.children, nested)


# -- RL410 ------------------------------------------------------------------------------


@rule(code="RL410", name="dead-link", fix="never", severity="warning", default=False, remote=True,
      summary="A URL that does not answer with success (only with --check-remote).",
      options={
          "timeout": {"type": "number", "exclusiveMinimum": 0, "default": 10, "description": "Seconds to wait for each request."},
          "concurrency": {"type": "integer", "minimum": 1, "maximum": 64, "default": 8, "description": "Requests in flight at once."},
          "retries": {"type": "integer", "minimum": 0, "maximum": 10, "default": 2, "description": "Retries on 429, 5xx and network errors."},
          "backoff": {"type": "number", "minimum": 0, "maximum": 60, "default": 0.5, "description": "Seconds before the first retry; doubled for each further one."},
          "max_age": {"type": "number", "minimum": 0, "default": 86400, "description": "Seconds a cached result stays valid."},
          "allow_hosts": {"type": "array", "items": {"type": "string"}, "default": [], "description": "Only check hosts matching these patterns (fnmatch, e.g. `*.github.com`); all when empty."},
          "deny_hosts": {"type": "array", "items": {"type": "string"}, "default": [], "description": "Never contact hosts matching these patterns."},
      })
def dead_link(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    if not ctx.run.check_remote:
        return  # never in a plain run
    from fnmatch import fnmatch

    from ..remote import check_urls

    allow = [p.lower() for p in ctx.options.allow_hosts]
    deny = [p.lower() for p in ctx.options.deny_hosts]
    targets: list[tuple[Span, str]] = []
    for link in _targets(doc):
        written = _written_url(doc, link)
        url = written if link.kind == "autolink" else unescape(written)
        if not re.match(r"(?i)^https?://", url):
            continue
        url = url.split("#", 1)[0]
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            continue
        if not host or any(fnmatch(host, p) for p in deny) or (allow and not any(fnmatch(host, p) for p in allow)):
            continue
        assert link.url_span is not None
        targets.append((Span(link.url_span.start, link.url_span.start + len(written)), url))
    if not targets:
        return
    from pathlib import Path  # the network's rules only

    cache = ctx.run.cache
    results = check_urls(
        [url for _, url in targets],
        timeout=ctx.options.timeout, concurrency=ctx.options.concurrency, retries=ctx.options.retries,
        backoff=ctx.options.backoff, cache=Path(cache) if cache else None, max_age=ctx.options.max_age,
    )
    from ..remote import NOTICES

    if all(r.outcome in ("no-host", "unreachable") for r in results.values()):
        # no name resolved, no connection made: the network is down, not every site
        NOTICES.append(f"remote checks skipped: no host could be reached; {len(results)} link"
                       f"{'s' * (len(results) != 1)} not checked (is the network up?)")
        return
    failed = sorted({url for url, r in results.items() if r.outcome in ("busy", "timeout", "unreachable")})
    if failed:
        NOTICES.append(f"{len(failed)} link{'s' * (len(failed) != 1)} could not be checked "
                       f"(timed out, refused or a server error), not reported as dead: {', '.join(failed[:3])}"
                       + (" …" if len(failed) > 3 else ""))
    for span, url in targets:
        result = results[url]
        if result.outcome == "no-host":  # others answered: this name is gone
            yield Finding(span, f"{url}: the domain does not resolve (no such host)")
        elif not result.ok and result.outcome == "answered":
            yield Finding(span, f"{url} answers {result.detail}")
