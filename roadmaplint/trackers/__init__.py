"""Issue trackers: what an issue or pull request linked from a roadmap says
of itself (open, closed as completed or as not planned, merged), read from
the forge's API. Used only with --check-remote (status-drift).

A provider is one module (github.py, gitlab.py): a subclass of
:class:`base.Provider` listed in :data:`PROVIDERS`."""

from __future__ import annotations

from .base import Provider, State
from .github import GitHub
from .gitlab import GitLab

PROVIDERS: tuple[type[Provider], ...] = (GitHub, GitLab)

__all__ = ["PROVIDERS", "Provider", "State", "GitHub", "GitLab"]
