"""Asking trackers, politely: each issue once, ``concurrency`` at a time,
with a timeout and retries (as dead-link does), conditional requests with
the ETag the cache kept, and the rate limit honoured: once a provider says
none is left, nothing more is asked of it in this run.

The cache is the ``--cache`` file dead-link uses; an entry is keyed
``tracker <API URL>`` and holds the state read, the ETag and the time, never
a header or a token."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..repository import IssueRef
from .base import Provider, State

USER_AGENT = "roadmaplint-status-drift (+https://pypi.org/project/roadmaplint/)"
RETRY_AFTER_LIMIT = 10.0  # seconds: a longer wait is not made; the item is left unchecked


@dataclass(frozen=True)
class Outcome:
    state: State | None
    # None when the state is known; else: limited (rate limit exhausted),
    # offline (no answer: no such host, refused, timed out), missing (404,
    # 410), error (any other answer)
    problem: str | None = None
    detail: str = ""


class _Limit:
    """One provider's rate limit as its last answer gave it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.exhausted = False
        self.reset: float | None = None

    def spend(self, provider: Provider, headers: Any, refused: bool) -> bool:
        """Note an answer's headers; whether the limit is now exhausted."""
        left, reset = provider.limit(headers) if headers is not None else (None, None)
        with self.lock:
            if refused or left == 0:
                self.exhausted = True
                if reset is not None:
                    # GitHub sends epoch seconds; GitLab too (RateLimit-Reset)
                    self.reset = reset if reset > 1e9 else time.time() + reset
            return self.exhausted


_SECRET_HEADERS = ("authorization", "private-token")
_OPENER: Any = None


def _opener() -> Any:
    """urllib's opener, but a redirect to another host drops the token (a
    moved repository redirects within the API; nothing else should see it)."""
    global _OPENER
    if _OPENER is None:
        import urllib.request
        from urllib.parse import urlsplit

        class Redirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
                new = super().redirect_request(req, fp, code, msg, headers, newurl)
                if new is not None and urlsplit(newurl).netloc.lower() != urlsplit(req.full_url).netloc.lower():
                    for key in list(new.headers):
                        if key.lower() in _SECRET_HEADERS:
                            del new.headers[key]
                return new

        _OPENER = urllib.request.build_opener(Redirect)
    return _OPENER


def _get(url: str, headers: dict[str, str], timeout: float) -> tuple[int, Any, bytes]:
    import urllib.error
    import urllib.request

    if not url.lower().startswith(("http://", "https://")):
        raise _NotHttp(url)
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
    try:
        with _opener().open(req, timeout=timeout) as resp:  # http/https only: checked above
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read()
        except OSError:
            body = b""
        status, got = exc.code, exc.headers
        exc.close()
        return status, got, body


class _NotHttp(Exception):
    """An API base URL that is not http(s) (a mistyped option)."""


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def ask(provider: Provider, ref: IssueRef, entry: Any, limit: _Limit, timeout: float, retries: int,
        backoff: float) -> tuple[Outcome, dict[str, Any] | None]:
    """The outcome for one issue, and what to keep in the cache (None: keep
    nothing new)."""
    import http.client

    url = provider.api_url(ref)
    cached = State.from_dict(entry.get("state")) if isinstance(entry, dict) else None
    headers = provider.headers()
    if cached is not None and isinstance(entry.get("etag"), str):
        headers["If-None-Match"] = entry["etag"]
    detail = ""
    for attempt in range(retries + 1):
        if limit.exhausted:
            return Outcome(None, "limited"), None
        wait = backoff * (2**attempt)
        try:
            status, got, body = _get(url, headers, timeout)
        except _NotHttp:
            return Outcome(None, "error", f"{provider.label} API URL is not http(s)"), None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            text = str(reason) or type(reason).__name__
            detail = "timed out" if "timed out" in text or isinstance(reason, TimeoutError) else text
            if attempt < retries:
                time.sleep(wait)
            continue
        got = got if got is not None else {}
        if status == 304 and cached is not None:
            limit.spend(provider, got, False)
            return Outcome(cached), {**entry, "time": time.time()}
        if 200 <= status < 300:
            limit.spend(provider, got, False)
            try:
                state = provider.read(ref, json.loads(body.decode("utf-8")))
            except (UnicodeDecodeError, ValueError):
                state = None
            if state is None:
                return Outcome(None, "error", f"{_reason(status)} (an answer it could not read)"), None
            keep: dict[str, Any] = {"state": state.as_dict(), "time": time.time()}
            etag = got.get("ETag")
            if etag:
                keep["etag"] = etag
            return Outcome(state), keep
        left, _ = provider.limit(got)
        retry_after = (got.get("Retry-After") or "").strip()
        if status == 429 or (status == 403 and (left == 0 or retry_after)):
            # a secondary limit with a short wait is waited for; else this
            # provider is done for the run
            if retry_after.isdigit() and float(retry_after) <= RETRY_AFTER_LIMIT and left != 0 and attempt < retries:
                time.sleep(float(retry_after))
                continue
            limit.spend(provider, got, True)
            return Outcome(None, "limited"), None
        limit.spend(provider, got, False)
        if status in (404, 410):
            return Outcome(None, "missing", _reason(status)), None
        detail = _reason(status)
        if status >= 500 and attempt < retries:
            time.sleep(wait)
            continue
        return Outcome(None, "error", detail), None
    return Outcome(None, "offline", detail), None


def fetch(jobs: list[tuple[Provider, IssueRef]], cache: Path | None = None, max_age: float = 3600.0,
          timeout: float = 10.0, retries: int = 2, backoff: float = 0.5,
          concurrency: int = 4) -> tuple[dict[IssueRef, Outcome], dict[Provider, float | None]]:
    """The outcome of each distinct issue, and the providers whose rate
    limit ran out (-> when it resets, if it said)."""
    from concurrent.futures import ThreadPoolExecutor

    from ..remote import load_cache, save_cache

    now = time.time()
    stored = load_cache(cache) if cache else {}
    out: dict[IssueRef, Outcome] = {}
    todo: list[tuple[Provider, IssueRef, str]] = []
    for provider, ref in dict.fromkeys(jobs):
        key = f"tracker {provider.api_url(ref)}"
        entry = stored.get(key)
        state = State.from_dict(entry.get("state")) if isinstance(entry, dict) else None
        try:
            fresh = state is not None and 0 <= now - float(entry.get("time", 0)) <= max_age
        except (TypeError, ValueError):
            fresh = False
        if fresh:
            out[ref] = Outcome(state)
        else:
            todo.append((provider, ref, key))
    limits: dict[int, _Limit] = {}
    for provider, _, _ in todo:
        limits.setdefault(id(provider), _Limit())
    if todo:
        with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(todo)))) as pool:
            results = pool.map(lambda job: ask(job[0], job[1], stored.get(job[2]), limits[id(job[0])],
                                               timeout, retries, backoff), todo)
            for (_, ref, key), (outcome, keep) in zip(todo, results):
                out[ref] = outcome
                if keep is not None:
                    stored[key] = keep
        if cache:
            save_cache(cache, stored)
    exhausted = {}
    for provider, _, _ in todo:
        limit = limits[id(provider)]
        if limit.exhausted:
            exhausted[provider] = limit.reset
    return out, exhausted
