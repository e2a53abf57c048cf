"""status-drift (RL305) against a fake GitHub and GitLab API this test
starts on 127.0.0.1, answering in the shapes the APIs document: GitHub's
issue ``state``, ``state_reason``, ``closed_at``, ``pull_request``; a pull's
``merged_at``; GitLab's ``state`` opened/closed/merged; ETags and 304; rate
limit headers and 403/429. Never a real network call."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from roadmaplint.remote import NOTICES
from roadmaplint.runner import Mode, run_text
from helpers import run, settings

FAST = {"timeout": 2, "retries": 1, "backoff": 0.01}
RESET = 1893456000  # 2030-01-01 00:00 UTC

OPEN = {"state": "open", "state_reason": None, "created_at": "2024-01-05T09:00:00Z", "closed_at": None}
COMPLETED = {"state": "closed", "state_reason": "completed", "created_at": "2022-01-01T00:00:00Z",
             "closed_at": "2022-11-03T12:00:00Z"}
NOT_PLANNED = {"state": "closed", "state_reason": "not_planned", "created_at": "2022-01-01T00:00:00Z",
               "closed_at": "2023-02-14T08:00:00Z"}
MERGED_PR = {"state": "closed", "merged_at": "2024-06-01T10:00:00Z", "closed_at": "2024-06-01T10:00:00Z"}
GITHUB = {
    "/repos/acme/app/issues/1": OPEN,
    "/repos/acme/app/issues/2": COMPLETED,
    "/repos/acme/app/issues/3": NOT_PLANNED,
    "/repos/acme/app/issues/4": OPEN,
    "/repos/acme/app/issues/5": {**OPEN, "state_reason": "reopened"},
    "/repos/acme/app/pulls/7": MERGED_PR,
    # a pull request asked through the issues endpoint (#8): GitHub adds
    # pull_request, with merged_at
    "/repos/acme/app/issues/8": {"state": "closed", "state_reason": None, "closed_at": "2024-07-01T00:00:00Z",
                                 "pull_request": {"url": "x", "merged_at": "2024-07-01T00:00:00Z"}},
}
GITLAB = {
    "/projects/group%2Fapp/issues/3": {"state": "closed", "created_at": "2023-01-01T00:00:00Z",
                                       "closed_at": "2023-05-06T00:00:00Z"},
    "/projects/group%2Fapp/issues/5": {"state": "opened", "created_at": "2023-01-01T00:00:00Z", "closed_at": None},
    "/projects/group%2Fapp/merge_requests/4": {"state": "merged", "merged_at": "2023-04-01T00:00:00Z",
                                               "closed_at": None},
}


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        srv = self.server
        path = self.path.split("?", 1)[0]
        srv.seen[path] += 1
        srv.headers.append(dict(self.headers.items()))
        if srv.limited:
            body = b'{"message": "API rate limit exceeded"}'
            self.reply(srv.limited, body, {srv.remaining_header: "0", srv.reset_header: str(RESET)})
            return
        data = srv.answers.get(path)
        if isinstance(data, str):  # moved: a redirect
            self.reply(301, b"", {"Location": data})
            return
        if data is None:
            self.reply(404, b'{"message": "Not Found"}')
            return
        body = json.dumps(data).encode()
        etag = f'"{abs(hash(body))}"'
        if self.headers.get("If-None-Match") == etag:
            srv.not_modified += 1
            self.reply(304, b"", {"ETag": etag})
            return
        srv.budget -= 1
        self.reply(200, body, {"ETag": etag, srv.remaining_header: str(max(srv.budget, 0)),
                               srv.reset_header: str(RESET)})

    def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    seen: Counter
    headers: list
    answers: dict
    limited: int = 0
    budget: int = 60  # requests left, as x-ratelimit-remaining says
    not_modified: int = 0
    remaining_header = "x-ratelimit-remaining"
    reset_header = "x-ratelimit-reset"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def _start(answers: dict) -> Server:
    srv = Server(("127.0.0.1", 0), Handler)
    srv.seen, srv.headers, srv.answers = Counter(), [], answers
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return srv


@pytest.fixture(autouse=True)
def no_real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only 127.0.0.1 is reachable: any other name fails to resolve, as
    with no network."""
    real = socket.getaddrinfo

    def local_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost"):
            raise socket.gaierror(-2, f"no real network in tests ({host})")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """The fake GitHub, named by ROADMAPLINT_GITHUB_API; no token set."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                 "GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "ROADMAPLINT_GITLAB_API"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    srv = _start(dict(GITHUB))
    monkeypatch.setenv("ROADMAPLINT_GITHUB_API", srv.url)
    NOTICES.clear()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def gitlab(api: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    srv = _start(dict(GITLAB))
    srv.remaining_header, srv.reset_header = "ratelimit-remaining", "ratelimit-reset"
    monkeypatch.setenv("ROADMAPLINT_GITLAB_API", srv.url)
    yield srv
    srv.shutdown()
    srv.server_close()


def drift(text: str, path: str = "ROADMAP.md", cache: Path | None = None, **options: Any) -> list[tuple[int, int, str]]:
    result = run_text(text, settings("status-drift", check_remote=True, cache=cache, **{**FAST, **options}),
                      path=path)
    NOTICES.extend(result.notices)
    return [(v.line, v.column, v.message) for v in result.violations]


def fixed(text: str, path: str = "ROADMAP.md") -> str:
    result = run_text(text, settings("status-drift", check_remote=True, **FAST), Mode.FIX_UNSAFE, path=path)
    return result.text


def safe_fixed(text: str) -> str:
    return run_text(text, settings("status-drift", check_remote=True, **FAST), Mode.FIX).text


ISSUE = "https://github.com/acme/app/issues/{}"
LEGEND = "# Roadmap\n\n## Legend\n\n- ✅ done\n- 🚧 in progress\n- 📅 planned\n\n## Items\n\n"


# -- the three kinds of drift ----------------------------------------------------------


def test_done_while_every_issue_is_open(api: Server) -> None:
    text = LEGEND + f"- ✅ Search ([#1]({ISSUE.format(1)}), [#4]({ISSUE.format(4)}))\n"
    assert drift(text) == [(11, 3, "item is marked done, but acme/app#1 is still open (opened on 2024-01-05); "
                                   "acme/app#4 is still open (opened on 2024-01-05)")]
    # one of its issues closed as completed: not every one is open
    assert drift(LEGEND + f"- ✅ Search ({ISSUE.format(1)}, {ISSUE.format(2)})\n") == []
    assert api.seen["/repos/acme/app/issues/1"] >= 1


def test_reopened(api: Server) -> None:
    assert drift(LEGEND + f"- ✅ Search ({ISSUE.format(5)})\n") == [
        (11, 3, "item is marked done, but acme/app#5 was reopened and is still open")]


def test_not_done_while_its_issue_was_closed_as_completed(api: Server) -> None:
    text = LEGEND + f"- 🚧 Search ({ISSUE.format(2)})\n"
    assert drift(text) == [(11, 3, "item is marked in-progress, but acme/app#2 was closed as completed on 2022-11-03")]
    # the fix writes the legend's done marker, and only with --unsafe-fixes
    assert fixed(text) == LEGEND + f"- ✅ Search ({ISSUE.format(2)})\n"
    assert safe_fixed(text) == text


def test_not_planned(api: Server) -> None:
    text = LEGEND + f"- 📅 Search ({ISSUE.format(3)})\n- ✅ Sync ({ISSUE.format(3)})\n"
    assert drift(text) == [
        (11, 3, "item is marked planned, but acme/app#3 was closed as not planned on 2023-02-14"),
        (12, 3, "item is marked done, but acme/app#3 was closed as not planned on 2023-02-14"),
    ]
    assert fixed(text) == text  # no fix: dropping or reopening is the maintainers' call
    # an item marked dropped agrees with it
    assert drift("# Roadmap\n\n## Legend\n\n- ✅ done\n- ❌ dropped\n\n## Items\n\n"
                 f"- ❌ Search ({ISSUE.format(3)})\n") == []


def test_merged_pull_requests(api: Server) -> None:
    text = LEGEND + "- 📅 Search (https://github.com/acme/app/pull/7)\n"
    assert drift(text) == [(11, 3, "item is marked planned, but acme/app#7 was merged on 2024-06-01")]
    assert fixed(text) == LEGEND + "- ✅ Search (https://github.com/acme/app/pull/7)\n"


def test_checkbox_is_checked(api: Server) -> None:
    text = f"# Roadmap\n\n- [x] Sync\n- [ ] Search ({ISSUE.format(2)})\n- [ ] Export ({ISSUE.format(1)})\n"
    assert drift(text) == [(4, 3, "item is marked planned, but acme/app#2 was closed as completed on 2022-11-03")]
    assert fixed(text) == f"# Roadmap\n\n- [x] Sync\n- [x] Search ({ISSUE.format(2)})\n- [ ] Export ({ISSUE.format(1)})\n"


def test_box_and_marker_change_together(api: Server) -> None:
    text = LEGEND + f"- [ ] 🚧 Search ({ISSUE.format(2)})\n"
    assert fixed(text) == LEGEND + f"- [x] ✅ Search ({ISSUE.format(2)})\n"


def test_no_legend_the_documents_own_done_marker(api: Server) -> None:
    text = f"# Roadmap\n\n- ✔️ Sync\n- ✔️ Login\n- 🚧 Search ({ISSUE.format(2)})\n"
    assert fixed(text) == f"# Roadmap\n\n- ✔️ Sync\n- ✔️ Login\n- ✔️ Search ({ISSUE.format(2)})\n"


def test_status_from_the_section_is_reported_without_a_fix(api: Server) -> None:
    text = f"# Roadmap\n\n## Planned\n\n- Search ({ISSUE.format(2)})\n"
    assert drift(text) == [(5, 1, "item is marked planned, but acme/app#2 was closed as completed on 2022-11-03")]
    assert fixed(text) == text


def test_unknown_issue_is_a_notice_not_a_finding(api: Server) -> None:
    assert drift(LEGEND + f"- 🚧 Search ({ISSUE.format(99)})\n") == []
    assert NOTICES == ["status-drift: 1 issue could not be read (404 Not Found), not checked: acme/app#99"]


def test_links_elsewhere_and_in_code_are_not_asked(api: Server) -> None:
    text = LEGEND + (f"- 🚧 Search (https://example.com/acme/app/issues/2)\n"
                     f"- 🚧 Sync `{ISSUE.format(2)}`\n- 🚧 Login, see the [tracker](https://github.com/acme/app/issues)\n")
    assert drift(text) == []
    assert sum(api.seen.values()) == 0


# -- tokens, ETags, the rate limit, offline ---------------------------------------------


def test_token_is_sent_but_never_printed_nor_cached(api: Server, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_s3cr3t-t0ken")
    (tmp_path / "ROADMAP.md").write_text(LEGEND + f"- 🚧 Search ({ISSUE.format(2)})\n- 🚧 Sync ({ISSUE.format(99)})\n",
                                         encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("check", "--check-remote", "--cache", "cache.json", "--ignore", "dead-link", "--format", "json",
                 "ROADMAP.md")
    assert api.headers and all(h.get("Authorization") == "Bearer ghp_s3cr3t-t0ken" for h in api.headers)
    assert "acme/app#2 was closed as completed" in result.stdout
    assert "ghp_s3cr3t" not in result.stdout + result.stderr
    assert "could not be read (404 Not Found)" in result.stderr
    cache = (tmp_path / "cache.json").read_text(encoding="utf-8")
    assert "tracker " in cache and "ghp_s3cr3t" not in cache


def test_etag_reuse_through_the_cache(api: Server, tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    text = LEGEND + f"- 🚧 Search ({ISSUE.format(2)})\n"
    want = [(11, 3, "item is marked in-progress, but acme/app#2 was closed as completed on 2022-11-03")]
    assert drift(text, cache=cache) == want
    assert api.seen["/repos/acme/app/issues/2"] == 1
    assert drift(text, cache=cache) == want  # young enough: not asked
    assert api.seen["/repos/acme/app/issues/2"] == 1
    assert drift(text, cache=cache, max_age=0) == want  # asked again, with the ETag: 304
    assert api.seen["/repos/acme/app/issues/2"] == 2 and api.not_modified == 1
    assert "If-None-Match" in api.headers[-1]


@pytest.mark.parametrize("status", [403, 429])
def test_rate_limit_exhausted(api: Server, status: int) -> None:
    api.limited = status
    text = LEGEND + f"- 🚧 Search ({ISSUE.format(2)})\n- ✅ Sync ({ISSUE.format(1)})\n"
    assert drift(text) == []
    assert NOTICES == ["status-drift: the GitHub API rate limit is exhausted; 2 items not checked; "
                       "it resets at 2030-01-01 00:00 UTC (a token in GITHUB_TOKEN allows more)"]
    assert sum(api.seen.values()) <= 2  # once refused, nothing more is asked


def test_the_last_request_of_the_limit_is_the_last_made(api: Server) -> None:
    """An answer saying none is left stops the run's requests before any is refused."""
    api.budget = 1
    text = LEGEND + f"- 🚧 Search ({ISSUE.format(2)})\n- ✅ Sync ({ISSUE.format(1)})\n- ✅ Login ({ISSUE.format(4)})\n"
    assert drift(text, concurrency=1) == [
        (11, 3, "item is marked in-progress, but acme/app#2 was closed as completed on 2022-11-03")]
    assert sum(api.seen.values()) == 1
    assert NOTICES == ["status-drift: the GitHub API rate limit is exhausted; 2 items not checked; "
                       "it resets at 2030-01-01 00:00 UTC (a token in GITHUB_TOKEN allows more)"]


def test_offline_one_line_no_findings(api: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("ROADMAPLINT_GITHUB_API", f"http://127.0.0.1:{port}")
    text = LEGEND + f"- 🚧 Search ({ISSUE.format(2)})\n- ✅ Sync ({ISSUE.format(1)})\n"
    assert drift(text) == []
    assert NOTICES == ["status-drift skipped: no issue tracker could be reached; 2 items not checked "
                       "(is the network up?)"]


def test_cli_prints_the_notice_once(api: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api.limited = 403
    (tmp_path / "ROADMAP.md").write_text(LEGEND + f"- 🚧 Search ({ISSUE.format(2)})\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("check", "--check-remote", "--ignore", "dead-link", "ROADMAP.md")
    assert result.exit_code == 0
    assert result.stderr.count("rate limit is exhausted; 1 item not checked") == 1


def test_plain_check_never_asks(api: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ROADMAP.md").write_text(LEGEND + f"- 🚧 Search ({ISSUE.format(2)})\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("check", "--select", "status-drift", "ROADMAP.md").exit_code == 0
    assert sum(api.seen.values()) == 0
    # --check-remote turns it on without selecting it
    result = run("check", "--check-remote", "--ignore", "dead-link", "ROADMAP.md")
    assert "RL305" in result.stdout and api.seen["/repos/acme/app/issues/2"] == 1


# -- GitLab, and the #123 shorthand --------------------------------------------------------


def test_gitlab(gitlab: Server) -> None:
    text = LEGEND + ("- 📅 Search (https://gitlab.com/group/app/-/issues/3)\n"
                     "- 🚧 Sync (https://gitlab.com/group/app/-/merge_requests/4)\n"
                     "- ✅ Login (https://gitlab.com/group/app/-/issues/5)\n")
    assert drift(text) == [
        (11, 3, "item is marked planned, but group/app#3 was closed on 2023-05-06"),
        (12, 3, "item is marked in-progress, but group/app!4 was merged on 2023-04-01"),
        (13, 3, "item is marked done, but group/app#5 is still open (opened on 2023-01-01)"),
    ]
    assert gitlab.seen["/projects/group%2Fapp/merge_requests/4"] == 1


def test_gitlab_token_header(gitlab: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITLAB_TOKEN", "glpat-secret")
    drift(LEGEND + "- 📅 Search (https://gitlab.com/group/app/-/issues/3)\n")
    assert {k.lower(): v for k, v in gitlab.headers[0].items()}.get("private-token") == "glpat-secret"


def _git_repo(top: Path, origin: str) -> None:
    base = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*base, "init", "-q"], cwd=top, check=True, capture_output=True)
    subprocess.run([*base, "remote", "add", "origin", origin], cwd=top, check=True, capture_output=True)


def test_shorthand_in_a_github_repository(api: Server, tmp_path: Path) -> None:
    _git_repo(tmp_path, "git@github.com:acme/app.git")
    path = str(tmp_path / "ROADMAP.md")
    text = LEGEND + "- 🚧 Search (#2)\n- 📅 Sync, in #8\n- 🚧 Login `#3`\n- ✅ Export (other/lib#4 is elsewhere)\n"
    assert drift(text, path=path) == [
        (11, 3, "item is marked in-progress, but #2 was closed as completed on 2022-11-03"),
        (12, 3, "item is marked planned, but #8 was merged on 2024-07-01"),
    ]
    assert api.seen["/repos/acme/app/issues/3"] == 0  # in code
    assert api.seen["/repos/other/lib/issues/4"] == 1  # another repository on the same host
    # outside a repository, #2 names nothing
    assert drift(text) == []


def test_rule_page_examples(api: Server, tmp_path: Path) -> None:
    """The page's Bad example drifts, its Good one does not, and Fixed is
    what --unsafe-fixes writes (against the fake API)."""
    import re

    page = (Path(__file__).parent.parent / "rules" / "RL305-status-drift.md").read_text(encoding="utf-8")
    blocks = dict(re.findall(r"## (Bad|Good|Fixed)\n.*?```markdown\n(.*?)```", page, re.S))
    assert drift(blocks["Bad"]) and drift(blocks["Good"]) == []
    assert fixed(blocks["Bad"]) == blocks["Fixed"]


def test_gitlab_rate_limit(gitlab: Server) -> None:
    gitlab.limited = 429
    assert drift(LEGEND + "- 📅 Search (https://gitlab.com/group/app/-/issues/3)\n") == []
    assert NOTICES == ["status-drift: the GitLab API rate limit is exhausted; 1 item not checked; "
                       "it resets at 2030-01-01 00:00 UTC (a token in GITLAB_TOKEN allows more)"]


def test_token_is_not_sent_across_a_redirect(api: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    other = _start({"/elsewhere": COMPLETED})
    try:
        monkeypatch.setenv("GITHUB_TOKEN", "ghp_s3cr3t-t0ken")
        api.answers["/repos/acme/app/issues/2"] = f"{other.url}/elsewhere"
        assert drift(LEGEND + f"- 🚧 Search ({ISSUE.format(2)})\n") != []
        assert api.headers[0].get("Authorization") == "Bearer ghp_s3cr3t-t0ken"
        assert other.seen["/elsewhere"] == 1 and "Authorization" not in other.headers[0]
    finally:
        other.shutdown()
        other.server_close()


def test_an_api_url_that_is_not_http(api: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROADMAPLINT_GITHUB_API", "file:///etc")
    assert drift(LEGEND + f"- 🚧 Search ({ISSUE.format(2)})\n") == []
    assert NOTICES == ["status-drift: 1 issue could not be read (GitHub API URL is not http(s)), "
                       "not checked: acme/app#2"]


def test_gitlab_shorthand(gitlab: Server, tmp_path: Path) -> None:
    _git_repo(tmp_path, "https://gitlab.com/group/app.git")
    text = LEGEND + "- 📅 Search (#3)\n- 🚧 Sync (!4)\n"
    assert drift(text, path=str(tmp_path / "ROADMAP.md")) == [
        (11, 3, "item is marked planned, but #3 was closed on 2023-05-06"),
        (12, 3, "item is marked in-progress, but !4 was merged on 2023-04-01"),
    ]
