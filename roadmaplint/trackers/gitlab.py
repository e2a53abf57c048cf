"""GitLab (gitlab.com and self-hosted): the REST API v4's issues and merge
requests, ``GET /projects/{url-encoded path}/issues/{iid}`` and
``.../merge_requests/{iid}``. An issue is opened or closed (GitLab keeps no
reason: a closed issue counts as completed); a merge request is opened,
closed, locked or merged."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..repository import IssueRef
from .base import Provider, State, day


class GitLab(Provider):
    forge = "gitlab"
    label = "GitLab"
    public_host = "gitlab.com"
    public_api = "https://gitlab.com/api/v4"
    api_env = "ROADMAPLINT_GITLAB_API"
    token_env = ("GITLAB_TOKEN",)
    limit_headers = ("ratelimit-remaining", "ratelimit-reset")

    def ref(self, url: str) -> IssueRef | None:
        seg = self._segments(url)
        # group/sub/project/-/issues/<n>, .../-/merge_requests/<n>
        if seg is None or "-" not in seg:
            return None
        i = seg.index("-")
        rest = seg[i + 1:]
        if i < 2 or len(rest) < 2 or not rest[1].isdigit():
            return None
        kind = {"issues": "issue", "merge_requests": "pull"}.get(rest[0])
        if kind is None:
            return None
        return IssueRef(self.host, "/".join(seg[:i]), int(rest[1]), kind)

    def api_url(self, ref: IssueRef) -> str:
        which = "merge_requests" if ref.kind == "pull" else "issues"
        return f"{self.api}/projects/{quote(ref.repo, safe='')}/{which}/{ref.number}"

    def auth(self, token: str) -> dict[str, str]:
        return {"PRIVATE-TOKEN": token}

    def read(self, ref: IssueRef, data: Any) -> State | None:
        if not isinstance(data, dict):
            return None
        state = data.get("state")
        if state == "opened":
            return State("open", day(data.get("created_at")))
        if state == "merged":
            return State("merged", day(data.get("merged_at")))
        if state in ("closed", "locked"):
            return State("completed" if ref.kind == "issue" else "closed", day(data.get("closed_at")))
        return None
