"""The resolved settings for one file: which rules run, their options, the
spec, and the run-time switches (the date, network access, the cache)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .registry import Rule, Run, all_rules, matches
from .violations import Finding


@dataclass
class Settings:
    """Resolved settings for one file."""

    select: list[str] | None = None  # None: the rules that are on by default
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule name -> options
    preset: str | None = None
    spec: Any = None  # the configuration's spec table (or None)
    config_path: str | None = None
    today: dt.date | None = None  # the date the date rules judge by; None means today
    check_remote: bool = False  # only --check-remote lets a rule use the network
    cache: str | None = None  # --cache: where dead-link keeps its results
    # the repository the file lives in ("github.com/acme/widget"), and its
    # default branch; None: read from git
    repository: str | None = None
    default_branch: str | None = None
    # gitignore-style patterns of files not to check, each with the folder
    # it is relative to: (folder, pattern)
    exclude: list[tuple[str, str]] = field(default_factory=list)
    # whether formatting rules run without being selected: true for `format`
    # and the API, false for `check` (which reports problems, not formatting)
    formatting: bool = True

    def enabled(self) -> list[Rule]:
        out = []
        for r in all_rules():
            if self.select is None:
                on = (r.default and (self.formatting or not r.formatting)) or any(
                    matches(r, s) for s in self.extend_select
                )
            else:
                on = any(matches(r, s) for s in [*self.select, *self.extend_select])
            if on and not any(matches(r, s) for s in self.ignore):
                out.append(r)
        return out

    def rule_options(self, r: Rule) -> Any:
        """The rule's options object (``ctx.options``)."""
        return r.bind_options(self.options.get(r.name, {}))

    def severity(self, r: Rule, finding: Finding | None = None) -> str:
        """The user's severity for the rule, else the finding's own, else the
        rule's default."""
        configured = self.options.get(r.name, {}).get("severity")
        if configured is not None:
            return str(configured)
        return (finding.severity if finding is not None else None) or r.severity.value

    def run(self) -> Run:
        return Run(self.today or dt.date.today(), self.check_remote, self.cache, self.config_path,
                   self.repository, self.default_branch)
