"""Shared pytest configuration."""

from __future__ import annotations


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "precommit: drives the real pre-commit, which pip-installs the project into a virtualenv "
        "(needs a package index; deselect with -m 'not precommit' or set ROADMAPLINT_SKIP_PRECOMMIT=1)",
    )
    config.addinivalue_line(
        "markers",
        "slow: runs every input of the shared test material (peer projects' test files, the corpus) "
        "through a whole pipeline; deselect with -m 'not slow'",
    )
