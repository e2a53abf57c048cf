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
        "slow: the long runs (every input of the shared test material through a whole pipeline, generated "
        "roadmaps, hostile inputs, the real pre-commit, building the package); the default run leaves "
        "them out, `python -m pytest -m slow` runs them (CI runs both)",
    )
