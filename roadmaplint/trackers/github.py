"""GitHub (and GitHub Enterprise): the REST API's issues and pulls.

``GET /repos/{owner}/{repo}/issues/{n}`` answers for issues and pull
requests alike (a pull request has a ``pull_request`` key, whose
``merged_at`` says whether it was merged); ``GET .../pulls/{n}`` for a
``/pull/<n>`` link. An issue closed has a ``state_reason``: completed,
not_planned, duplicate (or null, for issues closed before GitHub kept one)."""

from __future__ import annotations

from typing import Any

from ..repository import IssueRef
from .base import Provider, State, day


class GitHub(Provider):
    forge = "github"
    label = "GitHub"
    public_host = "github.com"
    public_api = "https://api.github.com"
    api_env = "ROADMAPLINT_GITHUB_API"
    token_env = ("GITHUB_TOKEN", "GH_TOKEN")
    limit_headers = ("x-ratelimit-remaining", "x-ratelimit-reset")

    def ref(self, url: str) -> IssueRef | None:
        seg = self._segments(url)
        # owner/repo/issues/<n>, owner/repo/pull/<n>(/files ...)
        if seg is None or len(seg) < 4 or not seg[3].isdigit():
            return None
        kind = {"issues": "issue", "pull": "pull"}.get(seg[2])
        if kind is None:
            return None
        return IssueRef(self.host, f"{seg[0]}/{seg[1]}", int(seg[3]), kind)

    def api_url(self, ref: IssueRef) -> str:
        which = "pulls" if ref.kind == "pull" else "issues"
        return f"{self.api}/repos/{ref.repo}/{which}/{ref.number}"

    def auth(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}", "X-GitHub-Api-Version": "2022-11-28",
                "Accept": "application/vnd.github+json"}

    def read(self, ref: IssueRef, data: Any) -> State | None:
        if not isinstance(data, dict) or data.get("state") not in ("open", "closed"):
            return None
        reason = data.get("state_reason")
        if data["state"] == "open":
            return State("open", day(data.get("created_at")), reopened=reason == "reopened")
        pull = data.get("pull_request") if isinstance(data.get("pull_request"), dict) else None
        if ref.kind == "pull" or pull is not None:
            merged = data.get("merged_at") if ref.kind == "pull" and pull is None else (pull or {}).get("merged_at")
            if merged:
                return State("merged", day(merged))
            return State("closed", day(data.get("closed_at")))
        if reason == "completed":
            return State("completed", day(data.get("closed_at")))
        if reason == "not_planned":
            return State("not_planned", day(data.get("closed_at")))
        return State("closed", day(data.get("closed_at")))
