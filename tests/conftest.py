"""Tests.

- Helpers: tests/helpers.py holds what test files share, and they import it
  (``from helpers import found, fixed, run``): ``run`` drives the CLI
  in-process; ``violations``, ``found``, ``said`` and ``fixed`` lint or fix a
  text with chosen rules, and ``settings`` builds the Settings they use (the
  one place tests call the linter, so a change to its entry points is made
  there). Do not redefine them in a test file.
- Fixture format: a document whose lines end in ``  ◀ RL502 3:5`` notes,
  checked with ``assert_fixture`` (documented in tests/helpers.py); each rule
  family (RL1 encoding, RL2 structure, RL3 status, RL4 links, RL5 style, RL6
  order and dates) has tests written that way. Fixtures are written by us.
- Shared data: real roadmaps, seeds and other projects' test files live
  outside the repository, in ../shared or the folder ROADMAPLINT_SHARED
  names; tests reach them only through tests/shared_data.py (``SHARED``) and
  skip with ``absent()``'s message when they are missing. Never copy their
  text into a test.
- tests/test_oracle_markdown_it.py compares parse positions with markdown-it-py;
  the slow runs are marked ``slow`` (``python -m pytest -m slow``).
"""

from __future__ import annotations

import pytest

# before any test module imports it: failed asserts inside the helpers show both sides
pytest.register_assert_rewrite("helpers")


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
