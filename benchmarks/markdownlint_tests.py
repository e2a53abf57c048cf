"""Compare roadmaplint's link and whitespace rules with the expectations
written in markdownlint's own test files, line by line.

    python benchmarks/markdownlint_tests.py [DIR] [-v]

DIR defaults to ../shared/peer/markdownlint (markdownlint's test/*.md; read
here, never copied). A ``{MDxxx}`` in a line marks a finding markdownlint
expects on that line, ``{MDxxx:7}`` one on line 7 and ``{MDxxx:-2}`` one
two lines up. Four rules correspond:

    MD051 link-fragments   RL401 broken-anchor
    MD034 no-bare-urls     RL405 bare-url
    MD052 reference-links  RL406 undefined-reference
    MD009 no-trailing-spaces  RL502 trailing-whitespace

A rule is left out of a file that turns it off or configures it
(``markdownlint-disable``, ``markdownlint-configure-file``, front matter):
the markers there follow a setting we do not share. The table counts lines
where both report, where only markdownlint does and where only roadmaplint
does; -v lists the lines that differ.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ../shared from the main checkout, ../../shared from a worktree in wt/
DEFAULT = next((p / "shared" / "peer" / "markdownlint" for p in ROOT.parents if (p / "shared" / "peer").is_dir()),
               ROOT.parent / "shared" / "peer" / "markdownlint")
PAIRS = {"MD051": "RL401", "MD034": "RL405", "MD052": "RL406", "MD009": "RL502"}
NAMES = {"MD051": "link-fragments", "MD034": "no-bare-urls", "MD052": "reference-links", "MD009": "no-trailing-spaces"}


def configured(text: str, md: str) -> bool:
    """Whether the file changes ``md``'s settings or turns it off somewhere."""
    names = (md, NAMES[md])
    for m in re.finditer(r"<!--\s*markdownlint-(?:disable|enable|configure-file|capture|restore)[^>]*-->", text, re.S):
        body = m.group(0)
        if "configure-file" in body:
            if any(n in body for n in names) or re.search(r'"default"\s*:\s*false', body):
                return True
        elif re.search(r"markdownlint-(?:disable|enable)(?:-next-line|-line|-file)?\s*-->", body) or any(n in body for n in names):
            return True
    front = re.match(r"---\n(.*?)\n---\n", text, re.S)
    return bool(front and any(n in front.group(1) for n in names))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    files = sorted(args.dir.glob("*.md"))
    if not files:
        print(f"no markdownlint test files in {args.dir}", file=sys.stderr)
        return 2
    expected: dict[str, set[tuple[str, int]]] = defaultdict(set)
    skipped: dict[str, set[str]] = defaultdict(set)
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        for md in PAIRS:
            if configured(text, md):
                skipped[md].add(str(f))
                continue
            for n, line in enumerate(text.split("\n"), 1):
                for m in re.finditer(r"\{" + md + r"(?::(-?\d+))?\}", line):
                    at = int(m.group(1) or 0)
                    expected[md].add((str(f), at if at > 0 else n + at))
    out = subprocess.run(
        [sys.executable, "-m", "roadmaplint", "check", "--exit-zero", "--format", "json",
         "--select", ",".join(PAIRS.values()), "--preset", "checklist", *map(str, files)],
        capture_output=True, text=True, cwd="/", env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        return 2
    found: dict[str, set[tuple[str, int]]] = defaultdict(set)
    back = {v: k for k, v in PAIRS.items()}
    for v in json.loads(out.stdout)["violations"]:
        md = back[v["code"]]
        if v["path"] not in skipped[md]:
            found[md].add((v["path"], v["line"]))
    print(f"{'rule':<14}{'both':>6}{'markdownlint only':>19}{'roadmaplint only':>18}{'files left out':>16}")
    for md, rl in PAIRS.items():
        e, g = expected[md], found[md]
        print(f"{md}/{rl:<8}{len(e & g):>6}{len(e - g):>19}{len(g - e):>18}{len(skipped[md]):>16}")
        if args.v:
            for tag, rows in (("markdownlint only", e - g), ("roadmaplint only", g - e)):
                for path, line in sorted(rows):
                    print(f"    {tag}: {Path(path).name}:{line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
