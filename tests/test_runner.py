"""The runner's own contract: text in, a result out (no I/O); a file read,
fixed and written back with its identity kept; one fix judged alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from roadmaplint.settings import Settings
from roadmaplint.runner import Mode, WriteError, fix_one, run_file, run_text

TRAILING = "# Roadmap\n\n- ship it   \n"  # line 3: three trailing spaces (RL502, a safe fix)
FIXED = "# Roadmap\n\n- ship it\n"


def test_text_in_result_out_and_no_file_touched(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(b"# Other\n")  # the path names the text; its file is never read or written
    linted = run_text(TRAILING, Settings(), path=str(path))
    assert [(v.code, v.line, v.path) for v in linted.violations] == [("RL502", 3, str(path))]
    assert linted.fixed is None and not linted.changed and linted.text == TRAILING
    fixed = run_text(TRAILING, Settings(), Mode.FIX, path=str(path))
    assert fixed.text == FIXED and fixed.changed and fixed.violations == []
    assert fixed.applied == {"RL502": 1} and fixed.withheld == []
    assert path.read_bytes() == b"# Other\n"


def test_bytes_are_decoded_as_a_file_is_and_written_back_alike() -> None:
    # a byte-order mark stays (no rule selected removes it); a Windows-1252
    # byte (0xE9, é) is read, not refused
    bom = run_text(b"\xef\xbb\xbf# Roadmap\n\n- ship it   \n", Settings(select=["trailing-whitespace"]), Mode.FIX)
    assert bom.to_bytes() == b"\xef\xbb\xbf# Roadmap\n\n- ship it\n"
    legacy = run_text(b"# caf\xe9\n", Settings(select=["invalid-utf8"]))
    assert legacy.source.encoding == "cp1252" and legacy.to_bytes() == b"# caf\xe9\n"
    assert [v.code for v in legacy.violations] == ["RL102"]


def test_a_withheld_fix_is_reported_and_the_others_apply() -> None:
    # removing the NBSP after `---` would turn line 2 into a code block
    result = run_text("---\u00a0\n\t\u00a0", Settings(), Mode.FIX)
    assert result.text == "---\u00a0\n\t\u00a0\n"
    assert [(v.code, v.line, v.fix) for v in result.withheld] == [("RL105", 1, None)]
    assert result.withheld[0] in result.violations
    assert result.withheld[0].message.endswith("(fix withheld: it would change a code block or code span)")


def test_fix_one_applies_a_fix_alone_only_when_the_guard_lets_it() -> None:
    linted = run_text("---\u00a0\n\t\u00a0", Settings())
    by_code = {(v.code, v.line): v for v in linted.violations}
    assert fix_one(linted.document, by_code["RL105", 1]) is None  # refused
    assert fix_one(linted.document, by_code["RL503", 2]) == "---\u00a0\n\t\u00a0\n"  # the final newline only


def test_a_file_is_written_through_its_hard_link_with_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(TRAILING, encoding="utf-8")
    path.chmod(0o640)
    other = tmp_path / "docs-roadmap.md"
    os.link(path, other)
    inode = path.stat().st_ino

    preview = run_file(path, Settings(), Mode.FIX, write=False)
    assert preview.text == FIXED and not preview.written
    assert path.read_text(encoding="utf-8") == TRAILING

    result = run_file(path, Settings(), Mode.FIX)
    assert result.written and result.violations == []
    assert path.read_text(encoding="utf-8") == other.read_text(encoding="utf-8") == FIXED
    st = path.stat()
    assert (st.st_ino, st.st_nlink, stat.S_IMODE(st.st_mode)) == (inode, 2, 0o640)
    assert not run_file(path, Settings(), Mode.FIX).written  # nothing left to change


def test_a_failed_write_carries_what_the_run_found(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(TRAILING, encoding="utf-8")
    path.chmod(0o444)
    with pytest.raises(WriteError, match="cannot write: the file is read-only") as caught:
        run_file(path, Settings(), Mode.FIX)
    assert caught.value.result.text == FIXED and not caught.value.result.written
    assert path.read_text(encoding="utf-8") == TRAILING
