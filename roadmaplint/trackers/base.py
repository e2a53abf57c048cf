"""What a tracker provider is: one small class per forge (github.py,
gitlab.py). A provider knows its web URLs, its API's URL for an issue or a
pull request, how it authenticates, how it reports its rate limit, and how
to read an answer into a :class:`State`. The HTTP work is the client's
(client.py), shared by every provider."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import unquote, urlsplit

from ..repository import IssueRef


@dataclass(frozen=True)
class State:
    """What the tracker says of one issue or pull request."""

    # open | completed | not_planned | merged | closed (closed otherwise: a
    # pull request closed unmerged, a duplicate, a reason the tracker does
    # not give)
    state: str
    date: str | None = None  # YYYY-MM-DD: closed, merged, or opened (open)
    reopened: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "date": self.date, "reopened": self.reopened}

    @classmethod
    def from_dict(cls, data: Any) -> State | None:
        if not isinstance(data, dict) or not isinstance(data.get("state"), str):
            return None
        date = data.get("date")
        return cls(data["state"], date if isinstance(date, str) else None, bool(data.get("reopened")))


def day(value: Any) -> str | None:
    """The date part of an ISO 8601 timestamp (``2022-11-03T10:00:00Z``)."""
    return value[:10] if isinstance(value, str) and len(value) >= 10 else None


class Provider:
    """One forge's API. Subclasses set the class attributes and implement
    :meth:`ref`, :meth:`api_url`, :meth:`auth` and :meth:`read`."""

    forge = ""  # github | gitlab: the forge the repository module names
    label = ""  # "GitHub", for messages
    public_host = ""  # github.com
    public_api = ""  # https://api.github.com
    api_env = ""  # the environment variable that overrides the API base
    token_env: tuple[str, ...] = ()  # where a token may be, in order
    limit_headers = ("x-ratelimit-remaining", "x-ratelimit-reset")

    def __init__(self, api: str | None = None, host: str | None = None) -> None:
        self.api = (os.environ.get(self.api_env) or api or self.public_api).rstrip("/")
        self.host = (host or self.public_host).lower()

    @property
    def token(self) -> str | None:
        """Read when a request is made, kept nowhere else."""
        for name in self.token_env:
            value = os.environ.get(name, "").strip()
            if value:
                return value
        return None

    def ref(self, url: str) -> IssueRef | None:
        """The issue or pull request a web URL on this provider's host names."""
        raise NotImplementedError

    def api_url(self, ref: IssueRef) -> str:
        raise NotImplementedError

    def auth(self, token: str) -> dict[str, str]:
        raise NotImplementedError

    def read(self, ref: IssueRef, data: Any) -> State | None:
        """The state an API answer gives, or None for an answer it cannot read."""
        raise NotImplementedError

    def headers(self) -> dict[str, str]:
        out = {"Accept": "application/json"}
        token = self.token
        if token:
            out.update(self.auth(token))
        return out

    def limit(self, headers: Mapping[str, str]) -> tuple[int | None, float | None]:
        """(requests remaining, when the limit resets as epoch seconds)."""
        remaining_name, reset_name = self.limit_headers
        remaining = headers.get(remaining_name)
        reset = headers.get(reset_name)
        try:
            left = int(str(remaining).strip()) if remaining is not None else None
        except ValueError:
            left = None
        try:
            at = float(str(reset).strip()) if reset is not None else None
        except ValueError:
            at = None
        return left, at

    def _segments(self, url: str) -> list[str] | None:
        """The path's segments of an http(s) URL on this provider's host."""
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() != self.host:
            return None
        return [unquote(s) for s in parts.path.split("/") if s]
