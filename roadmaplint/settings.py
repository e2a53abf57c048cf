"""The resolved settings for one file: which rules run, their options, the
spec, and the run-time switches (the date, network access, the cache)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .registry import Rule, Run, all_rules, matches
from .violations import Finding, Record


# rule code -> (the rule, its options object with the defaults)
_DEFAULTS: dict[str, tuple[Rule, Any]] = {}


class Settings(Record):
    """Resolved settings for one file."""

    __slots__ = _fields = ("select", "extend_select", "ignore", "options", "preset", "spec", "config_path", "today",
                           "check_remote", "cache", "repository", "default_branch", "exclude", "formatting")

    def __init__(self, select: list[str] | None = None, extend_select: list[str] | None = None,
                 ignore: list[str] | None = None, options: dict[str, dict[str, Any]] | None = None,
                 preset: str | None = None, spec: Any = None, config_path: str | None = None,
                 today: dt.date | None = None, check_remote: bool = False, cache: str | None = None,
                 repository: str | None = None, default_branch: str | None = None,
                 exclude: list[tuple[str, str]] | None = None, formatting: bool = True) -> None:
        self.select = select  # None: the rules that are on by default
        self.extend_select = [] if extend_select is None else extend_select
        self.ignore = [] if ignore is None else ignore
        self.options = {} if options is None else options  # rule name -> options
        self.preset = preset
        self.spec = spec  # the configuration's spec table (or None)
        self.config_path = config_path
        self.today = today  # the date the date rules judge by; None means today
        self.check_remote = check_remote  # only --check-remote lets a rule use the network
        self.cache = cache  # --cache: where dead-link keeps its results
        # the repository the file lives in ("github.com/acme/widget"), and its
        # default branch; None: read from git
        self.repository = repository
        self.default_branch = default_branch
        # gitignore-style patterns of files not to check, each with the folder
        # it is relative to: (folder, pattern)
        self.exclude = [] if exclude is None else exclude
        # whether formatting rules run without being selected: true for `format`
        # and the API, false for `check` (which reports problems, not formatting)
        self.formatting = formatting

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (as ``dataclasses.replace`` made one)."""
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return Settings(**values)

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
        given = self.options.get(r.name)
        if given:
            return r.bind_options(given)
        # the defaults: one read-only object per rule for every file of a run
        found = _DEFAULTS.get(r.code)
        if found is None or found[0] is not r:
            found = _DEFAULTS[r.code] = (r, r.bind_options({}))
        return found[1]

    def configured_severity(self, r: Rule) -> str | None:
        """The severity the configuration gives the rule, if it gives one."""
        configured = self.options.get(r.name, {}).get("severity")
        return None if configured is None else str(configured)

    def severity(self, r: Rule, finding: Finding | None = None) -> str:
        """The user's severity for the rule, else the finding's own, else the
        rule's default."""
        configured = self.configured_severity(r)
        if configured is not None:
            return configured
        return (finding.severity if finding is not None else None) or r.severity.value

    def run(self) -> Run:
        return Run(self.today or dt.date.today(), self.check_remote, self.cache, self.config_path,
                   self.repository, self.default_branch)
