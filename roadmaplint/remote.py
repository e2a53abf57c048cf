"""Checking URLs over the network: only ever reached with --check-remote.

HEAD first, GET where HEAD is refused; redirects followed; a timeout;
bounded concurrency; retries with exponential backoff on 429, 5xx and
network errors; a cache file with a maximum age. Only answers that settle
the question (success, or a 4xx other than 429) are cached: a server that
was down or busy is asked again next time."""

from __future__ import annotations

import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

USER_AGENT = "roadmaplint-dead-link (+https://pypi.org/project/roadmaplint/)"
RETRY_AFTER_LIMIT = 10.0  # seconds: a longer Retry-After is not waited for in full
_HEAD_REFUSED = (400, 403, 404, 405, 501)  # some servers answer HEAD only with these
# getaddrinfo's "the name does not exist" (EAI_NONAME, EAI_NODATA on Linux)
_NO_SUCH_HOST = (-2, -5, 8, 11001)


@dataclass(frozen=True)
class Result:
    ok: bool
    detail: str  # "200 OK", "404 Not Found", "timed out", ...
    final: bool = True  # settles the question (worth caching)
    # "answered": a definite answer (success, or a 4xx other than 429);
    # "busy": a server answered 429 or 5xx every time; "timeout": no answer
    # in time; "no-host": the name did not resolve; "unreachable": refused,
    # reset, no route
    outcome: str = "answered"


# What a run's remote checks could not settle, for the command line to say
# in one line each (never a finding): the network down, links not answering.
NOTICES: list[str] = []


class _RetryAfter(Exception):
    def __init__(self, code: int, reason: str, seconds: float) -> None:
        self.code, self.reason, self.seconds = code, reason, seconds


def _request(url: str, method: str, timeout: float) -> tuple[int, str]:
    """(status, reason) of one request, redirects followed."""
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (http/https only)
            return resp.status, resp.reason or ""
    except urllib.error.HTTPError as exc:
        code, reason = exc.code, str(exc.reason or "")
        retry_after = (exc.headers.get("Retry-After") or "").strip() if exc.headers else ""
        exc.close()
        if code in (429, 503) and retry_after.isdigit():
            raise _RetryAfter(code, reason, float(retry_after)) from None
        return code, reason


def check_one(url: str, timeout: float = 10.0, retries: int = 2, backoff: float = 0.5) -> Result:
    """Whether ``url`` answers with success (2xx or 3xx after redirects)."""
    import http.client
    import socket

    detail, outcome = "", "unreachable"
    for attempt in range(retries + 1):
        wait = backoff * (2**attempt)
        try:
            status, reason = _request(url, "HEAD", timeout)
            if status in _HEAD_REFUSED:
                status, reason = _request(url, "GET", timeout)
        except _RetryAfter as exc:
            status, reason, wait = exc.code, exc.reason, min(exc.seconds, RETRY_AFTER_LIMIT)
        except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets, bad replies
            reason_obj = getattr(exc, "reason", exc)
            if isinstance(reason_obj, socket.gaierror) and reason_obj.errno in _NO_SUCH_HOST:
                return Result(False, "no such host", final=False, outcome="no-host")
            text = str(reason_obj) or type(reason_obj).__name__
            timed_out = "timed out" in text or isinstance(reason_obj, TimeoutError)
            detail = "timed out" if timed_out else f"unreachable ({text})"
            outcome = "timeout" if timed_out else "unreachable"
            if attempt < retries:
                time.sleep(wait)
            continue
        except ValueError as exc:  # a URL urllib cannot use
            return Result(False, f"invalid URL ({exc})")
        detail = f"{status} {reason}".strip()
        outcome = "busy"
        if status == 429 or status >= 500:
            if attempt < retries:
                time.sleep(wait)
            continue
        return Result(status < 400, detail)
    return Result(False, detail, final=False, outcome=outcome)


def check_urls(
    urls: list[str],
    timeout: float = 10.0,
    concurrency: int = 8,
    retries: int = 2,
    backoff: float = 0.5,
    cache: Path | None = None,
    max_age: float = 86400.0,
) -> dict[str, Result]:
    """Check every distinct URL once, ``concurrency`` at a time; results
    younger than ``max_age`` seconds come from the cache file."""
    now = time.time()
    stored = load_cache(cache) if cache else {}
    out: dict[str, Result] = {}
    todo = []
    for url in dict.fromkeys(urls):
        entry = stored.get(url)
        if isinstance(entry, dict) and 0 <= now - float(entry.get("time", 0)) <= max_age:
            out[url] = Result(bool(entry.get("ok")), str(entry.get("detail", "")))
        else:
            todo.append(url)
    if todo:
        with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(todo)))) as pool:
            results = pool.map(lambda u: check_one(u, timeout, retries, backoff), todo)
            for url, result in zip(todo, results):
                out[url] = result
                if result.final:
                    stored[url] = {"ok": result.ok, "detail": result.detail, "time": now}
                else:
                    stored.pop(url, None)
        if cache:
            save_cache(cache, stored)
    return out


def load_cache(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_cache(path: Path, data: dict) -> None:
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=str(path.parent) or ".", prefix=".roadmaplint-cache.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=0, sort_keys=True)
        os.replace(tmp, path)
    except OSError:  # a cache that cannot be written only costs time
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
