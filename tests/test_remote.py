"""dead-link (RL410) against a server this test starts on 127.0.0.1; and
proof that a run without --check-remote opens no connection at all."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from roadmaplint.remote import NOTICES
from helpers import run, violations

FAST = {"timeout": 2, "retries": 2, "backoff": 0.01}


class Handler(BaseHTTPRequestHandler):
    """Routes by path; ``server.seen`` counts (method, path)."""

    server: Server

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def do_GET(self) -> None:
        self.answer(body=True)

    def answer(self, body: bool) -> None:
        path = self.path.split("?", 1)[0]
        self.server.seen[self.command, path] += 1
        n = self.server.seen[self.command, path]
        if path == "/ok":
            self.reply(200)
        elif path == "/missing":
            self.reply(404)
        elif path == "/no-head":
            self.reply(405 if self.command == "HEAD" else 200)
        elif path == "/moved":
            self.reply(301, {"Location": "/ok"})
        elif path == "/moved-away":
            self.reply(302, {"Location": "/missing"})
        elif path == "/busy":  # too many requests, then fine
            self.reply(429, {"Retry-After": "0"} if n == 1 else {}) if n <= 2 else self.reply(200)
        elif path == "/down":
            self.reply(500)
        elif path == "/slow":
            time.sleep(0.6)
            self.reply(200)
        else:
            self.reply(404)

    def reply(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    seen: Counter


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    srv = Server(("127.0.0.1", 0), Handler)
    srv.seen = Counter()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def url(server: Server, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def column(text: str, line: int, needle: str) -> int:
    return text.split("\n")[line - 1].index(needle) + 1


def remote(text: str, cache: Path | None = None, **options: object) -> list[tuple[int, int, str]]:
    """dead-link's findings with --check-remote, each as (line, column, message)."""
    found = violations(text, "dead-link", check_remote=True, cache=cache, **{**FAST, **options})
    return [(v.line, v.column, v.message) for v in found]


def test_success_and_404_at_the_links_line_and_column(server: Server) -> None:
    text = f"# Roadmap\n\n- [fine]({url(server, '/ok')})\n- Gone: [old]({url(server, '/missing')}#frag)\n"
    missing = url(server, "/missing")
    assert remote(text) == [(4, column(text, 4, missing), f"{missing} answers 404 Not Found")]
    assert column(text, 4, missing) == 15
    assert server.seen["HEAD", "/ok"] == 1 and server.seen["GET", "/ok"] == 0


def test_head_refused_then_get(server: Server) -> None:
    assert remote(f"# R\n\n<{url(server, '/no-head')}>\n") == []
    assert server.seen["HEAD", "/no-head"] == 1 and server.seen["GET", "/no-head"] == 1


def test_redirects_are_followed(server: Server) -> None:
    text = f"# R\n\n[a]({url(server, '/moved')}) [b]({url(server, '/moved-away')})\n"
    away = url(server, "/moved-away")
    assert remote(text) == [(3, column(text, 3, away), f"{away} answers 404 Not Found")]
    # the redirected request is HEAD or GET, depending on the Python version
    assert server.seen["HEAD", "/ok"] + server.seen["GET", "/ok"] == 1


def test_429_is_retried(server: Server) -> None:
    assert remote(f"# R\n\n[a]({url(server, '/busy')})\n") == []
    assert server.seen["HEAD", "/busy"] == 3


def test_500_is_retried_then_said_not_reported_dead(server: Server) -> None:
    """A server error is no definite answer: one line says the link could
    not be checked; no dead link is reported for it."""
    NOTICES.clear()
    assert remote(f"# R\n\n[a]({url(server, '/down')})\n", retries=1) == []
    assert server.seen["HEAD", "/down"] == 2
    assert NOTICES == [f"1 link could not be checked (timed out, refused or a server error), "
                       f"not reported as dead: {url(server, '/down')}"]


def test_timeout_is_said_not_reported_dead(server: Server) -> None:
    NOTICES.clear()
    start = time.monotonic()
    assert remote(f"# R\n\n[a]({url(server, '/slow')})\n", timeout=0.2, retries=0) == []
    assert time.monotonic() - start < 0.55
    assert len(NOTICES) == 1 and "could not be checked" in NOTICES[0]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once closed


def test_no_network_skips_the_checks_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every name unresolvable and every connection refused: the network is
    down, not the sites. One line says so; nothing is reported dead; exit 0."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    path = tmp_path / "ROADMAP.md"
    path.write_text(f"# Roadmap\n\n- [a](https://gone.invalid/x)\n- [b](http://127.0.0.1:{closed_port()}/y)\n",
                    encoding="utf-8")
    (tmp_path / ".roadmaplint.toml").write_text("[rules.dead-link]\nretries = 0\n", encoding="utf-8")
    result = run("check", str(path), "--check-remote", "--select", "dead-link", "--strict")
    assert result.exit_code == 0, result.output
    assert "RL410" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("roadmaplint: ")]
    assert lines == ["roadmaplint: remote checks skipped: no host could be reached; 2 links not checked "
                     "(is the network up?)"]


def test_a_name_that_does_not_resolve_is_dead_when_others_answer(server: Server) -> None:
    NOTICES.clear()
    text = f"# R\n\n- [a]({url(server, '/ok')})\n- [b](https://gone.invalid/x)\n- [c]({url(server, '/missing')})\n"
    assert [m for _, _, m in remote(text, retries=0)] == [
        "https://gone.invalid/x: the domain does not resolve (no such host)",
        f"{url(server, '/missing')} answers 404 Not Found",
    ]
    assert NOTICES == []


def test_each_url_is_asked_once(server: Server) -> None:
    ok = url(server, "/ok")
    assert remote(f"# R\n\n[a]({ok}) [b]({ok}#x) {ok}\n\n[c]: {ok}\n", concurrency=4) == []
    assert server.seen["HEAD", "/ok"] == 1


def test_cache_is_reused_within_max_age_and_refreshed_after(server: Server, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    text = f"# R\n\n[a]({url(server, '/ok')}) [b]({url(server, '/missing')}) [c]({url(server, '/down')})\n"
    first = remote(text, cache=cache, retries=0)
    assert [m for _, _, m in first] == [f"{url(server, '/missing')} answers 404 Not Found"]
    stored = json.loads(cache.read_text(encoding="utf-8"))
    assert set(stored) == {url(server, "/ok"), url(server, "/missing")}  # a 5xx is asked again

    assert remote(text, cache=cache, retries=0) == first
    assert server.seen["HEAD", "/ok"] == 1 and server.seen["GET", "/missing"] == 1
    assert server.seen["HEAD", "/down"] == 2

    for entry in stored.values():
        entry["time"] -= 120
    cache.write_text(json.dumps(stored), encoding="utf-8")
    assert remote(text, cache=cache, retries=0, max_age=60) == first
    assert server.seen["HEAD", "/ok"] == 2 and server.seen["GET", "/missing"] == 2


def test_allow_and_deny_hosts(server: Server) -> None:
    text = f"# R\n\n[a]({url(server, '/missing')})\n"
    assert remote(text, deny_hosts=["127.0.0.*"]) == []
    assert remote(text, allow_hosts=["*.example.com"]) == []
    assert sum(server.seen.values()) == 0
    assert len(remote(text, allow_hosts=["127.0.0.1"], deny_hosts=["localhost"])) == 1


def test_cli_check_remote_with_cache(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(f"# Roadmap\n\n- [old]({url(server, '/missing')})\n", encoding="utf-8")
    (tmp_path / ".roadmaplint.toml").write_text("[rules.dead-link]\nbackoff = 0.01\n", encoding="utf-8")
    cache = tmp_path / "cache.json"
    result = run("check", str(path), "--check-remote", "--cache", str(cache), "--select", "RL4", "--strict")
    assert result.exit_code == 1, result.output
    assert f"{path}:3:9: warning RL410 [dead-link]" in result.output
    assert url(server, "/missing") in json.loads(cache.read_text(encoding="utf-8"))


def test_a_plain_run_never_opens_a_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = []

    def refuse(*args: object) -> None:
        attempts.append(args)
        raise OSError("network use in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)  # no name lookup either
    path = tmp_path / "ROADMAP.md"
    path.write_text("# Roadmap\n\n- [gone](https://example.invalid/x) and https://example.invalid/y\n",
                    encoding="utf-8")
    (tmp_path / ".roadmaplint.toml").write_text('select = ["ALL"]\n[rules.dead-link]\nretries = 0\n', encoding="utf-8")
    plain = run("check", str(path), "--format", "json")
    assert plain.exit_code in (0, 1), plain.output
    assert "RL410" not in plain.output
    run("format", str(path))
    assert attempts == []
    # the guard works: with --check-remote the same file does try to connect
    remote = run("check", str(path), "--check-remote", "--select", "dead-link")
    assert attempts and "remote checks skipped: no host could be reached" in remote.output


def test_the_config_can_allow_the_network_and_a_selection_picks_the_rules(server: Server, tmp_path: Path) -> None:
    """`check-remote = true` in the config does what --check-remote does; a
    selection that names no network rule runs none, whichever turned it on."""
    path = tmp_path / "ROADMAP.md"
    path.write_text(f"# Roadmap\n\n- [old]({url(server, '/missing')})\n", encoding="utf-8")
    (tmp_path / ".roadmaplint.toml").write_text("check-remote = true\n[rules.dead-link]\nbackoff = 0.01\n",
                                                encoding="utf-8")
    result = run("check", str(path), "--strict")
    assert result.exit_code == 1 and f"{path}:3:9: warning RL410 [dead-link]" in result.output, result.output
    for args in (["--select", "RL1"], ["--check-remote", "--select", "status-drift"]):
        quiet = run("check", str(path), "--strict", *args)
        assert quiet.exit_code == 0 and "RL410" not in quiet.output, (args, quiet.output)
