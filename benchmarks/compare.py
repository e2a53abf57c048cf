"""Measure each row of the speed table (issue 15) against the same tools, on a
regular install of this checkout, and print the table with its goals.

    python benchmarks/compare.py [--install-tools] [--markdown] [--quick] [--dry-run]

roadmaplint is timed as a user gets it from ``pip install .``: the wheel is
built from this checkout, installed in a scratch virtualenv (a temporary one,
or ``--venv PATH``, reused while the wheel's hash is the same), its bytecode
compiled, and every command runs with PYTHONDONTWRITEBYTECODE and PYTHONPATH
unset (an editable install where PYTHONDONTWRITEBYTECODE=1 recompiles every
module on every run, about 55 ms). roadmaplint runs as the installed
``roadmaplint`` script; ``python -c pass`` is the same virtualenv's Python.

The other tools (mdformat, markdownlint-cli2, rumdl, pymarkdown) are taken
from the PATH; ``--install-tools`` installs them instead into a virtualenv
and an npm prefix of their own (a temporary folder, or ``--tools PATH``,
reused). Nothing is installed without that flag. mistune's own parse is a
process that imports the mistune of roadmaplint's virtualenv and parses the
file with ``mistune.create_markdown(renderer=None)``.

Inputs: the one-file rows use the corpus roadmap closest to 6 KB, and the
batch 200 corpus roadmaps (the corpus has 155: the first 45 again, in name
order, make 200), from ``--shared``, else ROADMAPLINT_SHARED, else
../shared beside the project root; without it, generated roadmaps. The big
inputs are the seeds (shared/seeds/0*.md) joined and repeated to
each size, as benchmarks/run.py does (``--generated``, or no seeds: this
file's ``roadmap`` generator); the milestone rows use ``milestones``. All
deterministic. Each copy is NNN/ROADMAP.md in a temporary folder.

The commands of a group run alternately, in an order rotated each round,
so that a noisy machine slows them alike; each figure is a median and each
ratio the quotient of two medians measured side by side.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1_000_000
BATCH = 200
ONE_FILE = 6 * 1024  # the one-file rows: the corpus roadmap closest to this size
MISTUNE = ("import mistune, sys; "
           "mistune.create_markdown(renderer=None)(open(sys.argv[1], encoding='utf-8').read())")
MARKER = ".roadmaplint-wheel.sha256"  # in a --venv: the hash of the wheel installed there
TOOLS_MARKER = ".roadmaplint-compare-tools"


def say(*parts: object) -> None:
    """Progress: on stderr, so that stdout is the report alone."""
    print(*parts, file=sys.stderr, flush=True)


# -- generated inputs --------------------------------------------------------------------------------


def _section(i: int) -> str:
    """One release section of a generated roadmap: a version heading, a
    dated line (in the future, so that the results do not change as dates
    pass), checkbox items with code spans, emphasis, links to earlier
    sections' anchors and now and then a bare URL, trailing spaces, a double
    blank line or a broken anchor (things `format` fixes and `check`
    reports, in proportion to the text)."""
    major, minor = divmod(i, 10)
    day = _dt.date(2030, 1, 6) + _dt.timedelta(days=7 * (i % 500))  # 2030-2039: not overdue (until 2030)
    prev = f"v{(i - 1) // 10 + 1}{(i - 1) % 10}0" if i else "roadmap"
    lines = [
        f"## v{major + 1}.{minor}.0",
        "",
        f"Target: {day.isoformat()}. This release carries work package {i}: the parser, the",
        f"command line and the documentation, as agreed after [the previous release](#{prev}).",
        "",
        f"- [x] Faster start-up for `check` on block {i} (*measured*, see [notes](#{prev}))",
        f"- [x] **Batch mode** reads `--files-from` lists of {i % 97 + 3} paths",
        f"- [ ] The `config.key_{i}` option, documented in the user guide",
        "- [ ] Error messages name the file, the line and the column",
    ]
    if i % 5 == 2:
        lines.append(f"- [ ] Tracking: https://example.org/issues/{i}")
    if i % 7 == 3:
        lines[2] += "   "  # trailing whitespace (format removes it)
    if i % 6 == 1:
        lines.append("")  # a second blank line before the next heading (format removes it)
    if i % 50 == 49:
        lines.append(f"- [ ] See [the plan](#v{major + 1}{minor}1-plan)")  # a broken anchor
    return "\n".join(lines) + "\n"


def roadmap(size: int) -> str:
    """A roadmap of about ``size`` bytes (UTF-8): a title, an introduction and
    as many release sections as it takes. The same size gives the same text."""
    parts = ["# Roadmap\n\nWhat we plan, release by release. Dates are targets, not promises.\n"]
    total = len(parts[0].encode())
    i = 0
    while total < size:
        part = _section(i)
        parts.append(part)
        total += len(part.encode()) + 1
        i += 1
    return "\n".join(parts)


def milestones(n: int) -> str:
    """A roadmap of ``n`` dated milestone sections (weekly dates, ascending,
    every 25th pair swapped, so that milestone-order has moves to make), each
    with three items."""
    days = [_dt.date(2030, 1, 6) + _dt.timedelta(days=7 * i) for i in range(n)]  # not overdue until 2030
    for i in range(0, n - 1, 25):
        days[i], days[i + 1] = days[i + 1], days[i]
    parts = ["# Roadmap\n\nMilestones by date.\n"]
    for i, day in enumerate(days):
        parts.append(f"## {day.isoformat()}: Milestone {i + 1}\n\n"
                     f"- [x] Design of part {i + 1}\n- [ ] Implementation of part {i + 1}\n"
                     f"- [ ] Release notes for part {i + 1}\n")
    return "\n".join(parts)


def moves(n: int) -> str:
    """A roadmap of ``n`` areas, each with three dated subsections out of
    order (the last ending in a code block) and a nested list, every third
    one out of status order: a section move per area and an item move per
    third, each checked by a parse (of the area's text, not of the whole
    document)."""
    parts = ["# Roadmap\n\nWork by area.\n"]
    for i in range(n):
        # done work first in most lists: every third one, open first, is out of order
        done, open_ = f"  - [x] Done work {i + 1}\n", f"  - [ ] Open work {i + 1}\n"
        nested = open_ + done if i % 3 == 0 else done + open_
        parts.append(f"## Area {i + 1}\n\n- Theme {i + 1}\n{nested}\n"
                     f"### 2030-01-06\n\n- First step\n\n### 2031-03-02\n\n- Third step\n\n"
                     f"### 2030-06-01\n\n- Second step\n\n```sh\nmake area-{i + 1}\n```\n")
    return "\n".join(parts)


def withheld(n: int) -> str:
    """A roadmap of ``n`` parts, each with a fix `format` must withhold (a
    trailing no-break space after `---` over a line of a tab and one:
    removed, `---` becomes a thematic break and the line below code) and
    one it applies (an item's trailing spaces)."""
    parts = ["# Roadmap\n\nWork by part.\n"]
    for i in range(n):
        parts.append(f"## Part {i + 1}\n\nSome text {i + 1}.\n\n---\u00a0\n\t\u00a0\n\n- item {i + 1}  \n")
    return "\n".join(parts)


# -- shared material and the inputs -------------------------------------------------------------------


def shared_dir(arg: str | None) -> tuple[Path | None, str]:
    """The shared folder and how it was found."""
    if arg:
        return Path(arg).resolve(), f"--shared {arg}"
    env = os.environ.get("ROADMAPLINT_SHARED")
    if env:
        return Path(env).resolve(), f"ROADMAPLINT_SHARED={env}"
    return (ROOT.parent / "shared").resolve(), "../shared beside the project root"


def corpus(shared: Path | None) -> list[Path]:
    folder = shared / "corpus" / "roadmaps" if shared else None
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file())


def place(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name / "ROADMAP.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


class Inputs:
    """The files every row reads, written to ``tmp``, and what they are."""

    def __init__(self, tmp: Path, shared: Path | None, how: str, quick: bool, batch_size: int,
                 generated: bool = False):
        self.notes: list[str] = []
        files = corpus(shared)
        scale = 8 if quick else 1  # --quick: every big input 8 times smaller
        if files:
            self.notes.append(f"shared material: {shared} (found through {how}); "
                              f"corpus/roadmaps holds {len(files)} files")
            one = min(files, key=lambda p: (abs(p.stat().st_size - ONE_FILE), p.name))
            self.one = place(tmp, "one", one.read_bytes())
            self.notes.append(f"one file: corpus/roadmaps/{one.name} ({one.stat().st_size:,} bytes, "
                              f"the corpus file closest to 6 KB)")
            picked = [files[i % len(files)] for i in range(batch_size)]
            self.batch = [place(tmp, f"batch/{i:03d}", p.read_bytes()) for i, p in enumerate(picked)]
            again = max(0, batch_size - len(files))
            reuse = (f"; the corpus has {len(files)}, so the first {again} (in name order) appear twice"
                     if again else "")
            self.notes.append(f"batch: {batch_size} corpus roadmaps, "
                              f"{sum(p.stat().st_size for p in self.batch) / MB:.2f} MB, one command line{reuse}")
        else:
            self.notes.append(f"shared material: absent ({shared}, found through {how}); "
                              f"generated roadmaps stand in for the corpus")
            self.one = place(tmp, "one", roadmap(ONE_FILE).encode())
            self.notes.append(f"one file: a generated roadmap of {self.one.stat().st_size:,} bytes")
            self.batch = [place(tmp, f"batch/{i:03d}", roadmap(2000 + 40 * i).encode())
                          for i in range(batch_size)]
            self.notes.append(f"batch: {batch_size} generated roadmaps")
        self.big: dict[str, Path] = {}
        seeds = sorted((shared / "seeds").glob("0*.md")) if shared and not generated else []
        if seeds:
            # as benchmarks/run.py: the seeds joined, repeated (real text, repeated headings and all)
            text = b"\n\n".join(p.read_bytes() for p in seeds)
            reps = {}
            for mb in (1, 4, 0.5, 2, 0.25):
                # whole multiples of the 0.25 MB input's count, so that "8x the text" is exact
                reps[mb] = max(1, round(0.25 * MB / scale / len(text))) * int(mb * 4)
                self.big[f"{mb:g}mb"] = place(tmp, f"seeds-{reps[mb]}", b"\n\n".join([text] * reps[mb]))
            self.notes.append(f"big inputs: the {len(seeds)} seeds (seeds/0*.md, {len(text):,} bytes joined) "
                              f"repeated " + ", ".join(f"{r} times ({self.size(self.big[f'{mb:g}mb'])})"
                                                      for mb, r in sorted(reps.items()))
                              + (", fewer under --quick" if quick else "") + "; --generated for generated ones")
        else:
            for mb in (1, 4, 0.5, 2, 0.25):
                size = int(mb * MB / scale)
                self.big[f"{mb:g}mb"] = place(tmp, f"gen-{size}", roadmap(size).encode())
            self.notes.append("big inputs: generated release roadmaps (version headings, dated lines, checkbox "
                              "items, code spans, anchor links, some bare URLs, trailing spaces, double blank "
                              "lines and broken anchors; dates 2030-2039, so nothing is overdue before 2030)"
                              + (", 8 times smaller under --quick" if quick else "")
                              + ("" if generated else "; the seeds are absent"))
        self.ms: dict[int, Path] = {n: place(tmp, f"milestones-{n}", milestones(n).encode())
                                    for n in (400 // scale, 200 // scale)}
        self.notes.append(f"milestones: {', '.join(map(str, self.ms))} dated sections (weekly, every 25th "
                          f"pair out of order), three items each")
        self.mv: dict[int, Path] = {n: place(tmp, f"moves-{n}", moves(n).encode())
                                    for n in (400 // scale, 200 // scale)}
        self.notes.append(f"moves: {', '.join(map(str, self.mv))} areas, each with three dated subsections "
                          f"and a nested list out of order")
        self.wh: dict[int, Path] = {n: place(tmp, f"withheld-{n}", withheld(n).encode())
                                    for n in (400 // scale, 200 // scale)}
        self.notes.append(f"withheld: {', '.join(map(str, self.wh))} parts, each with a fix format withholds "
                          f"and one it applies")

    @staticmethod
    def size(path: Path) -> str:
        n = path.stat().st_size
        return f"{n / MB:.2f} MB" if n >= 100_000 else f"{n / 1000:.1f} KB"


# -- the commands -------------------------------------------------------------------------------------


class Env:
    """Where each program is: roadmaplint's virtualenv and the other tools."""

    def __init__(self, venv: Path, tools: dict[str, str | None]):
        self.venv = venv
        self.python = str(venv / "bin" / "python")
        self.roadmaplint = str(venv / "bin" / "roadmaplint")
        self.tools = tools  # name -> executable or None (not found)


def groups(env: Env, inp: Inputs) -> list[dict]:
    """Each group: its commands (name -> argv, or None for a missing tool),
    timed alternately, and whether it is big (fewer runs, no warm-up)."""
    t = env.tools
    rl = env.roadmaplint

    def tool(name: str, *argv: str) -> list[str] | None:
        exe = t.get(name)
        return [exe, *argv] if exe else None

    one = str(inp.one)
    batch = [str(p) for p in inp.batch]
    big = {k: str(v) for k, v in inp.big.items()}
    ms = {n: str(p) for n, p in inp.ms.items()}
    large, small = sorted(ms, reverse=True)
    mv = {n: str(p) for n, p in inp.mv.items()}
    wh = {n: str(p) for n, p in inp.wh.items()}
    sz = {k: inp.size(v) for k, v in inp.big.items()}
    moving = ["format", "--check", "--select", "milestone-order,item-order"]
    return [
        {"name": "one", "big": False, "commands": {
            "python -c pass": [env.python, "-c", "pass"],
            FLOOR: [env.python, "-c", FLOOR],
            "roadmaplint check": [rl, "check", one],
            "mdformat --check": tool("mdformat", "--check", one),
            "markdownlint-cli2": tool("markdownlint-cli2", one),
            "rumdl check": tool("rumdl", "check", one),
            "pymarkdown scan": tool("pymarkdown", "scan", one),
        }},
        {"name": "batch", "big": False, "commands": {
            "roadmaplint check": [rl, "check", *batch],
            "mdformat --check": tool("mdformat", "--check", *batch),
            "markdownlint-cli2": tool("markdownlint-cli2", *batch),
            "rumdl check": tool("rumdl", "check", *batch),
            "pymarkdown scan": tool("pymarkdown", "scan", *batch),
        }},
        {"name": "parse", "big": True, "commands": {
            "roadmaplint check": [rl, "check", big["1mb"]],
            "mistune parse": [env.python, "-c", MISTUNE, big["1mb"]],
        }},
        {"name": "check-growth", "big": True, "commands": {
            f"check {sz['4mb']}": [rl, "check", big["4mb"]],
            f"check {sz['0.5mb']}": [rl, "check", big["0.5mb"]],
        }},
        {"name": "format-growth", "big": True, "commands": {
            f"format --check {sz['2mb']}": [rl, "format", "--check", big["2mb"]],
            f"format --check {sz['0.25mb']}": [rl, "format", "--check", big["0.25mb"]],
        }},
        {"name": "milestones", "big": False, "commands": {
            f"format --check {large}": [rl, "format", "--check", ms[large]],
            f"format --check {small}": [rl, "format", "--check", ms[small]],
        }},
        {"name": "moves", "big": False, "commands": {
            f"moves {large}": [rl, *moving, mv[large]],
            f"moves {small}": [rl, *moving, mv[small]],
        }},
        {"name": "withheld", "big": False, "commands": {
            f"withheld {large}": [rl, "format", "--check", wh[large]],
            f"withheld {small}": [rl, "format", "--check", wh[small]],
        }},
    ]


def rows(inp: Inputs) -> list[dict]:
    """The issue's table: each row a ratio of two medians of one group, and its goal."""
    large, small = sorted(inp.ms, reverse=True)
    one = f"one {inp.size(inp.one)} roadmap"
    n = len(inp.batch)
    b = {k: inp.size(v) for k, v in inp.big.items()}
    return [
        {"row": f"`check` on {one} vs `python -c pass`", "group": "one",
         "a": "roadmaplint check", "b": "python -c pass", "goal": 5.0},
        {"row": "same vs `mdformat --check`", "group": "one",
         "a": "roadmaplint check", "b": "mdformat --check", "goal": 0.6},
        {"row": "same vs `markdownlint-cli2`", "group": "one",
         "a": "roadmaplint check", "b": "markdownlint-cli2", "goal": 0.3},
        {"row": f"{n} roadmaps in one `check` vs `mdformat --check` on the same files", "group": "batch",
         "a": "roadmaplint check", "b": "mdformat --check", "goal": 0.5, "note": "hold it"},
        {"row": f"`check` on {b['1mb']} vs mistune's own parse of the same text (process vs process)",
         "group": "parse", "a": "roadmaplint check", "b": "mistune parse", "goal": 2.5},
        {"row": f"`check`: {b['4mb']} vs {b['0.5mb']} (8x the text)", "group": "check-growth",
         "a": f"check {b['4mb']}", "b": f"check {b['0.5mb']}", "goal": 8.8, "note": "linear"},
        {"row": f"`format --check`: {b['2mb']} vs {b['0.25mb']} (8x the text)", "group": "format-growth",
         "a": f"format --check {b['2mb']}", "b": f"format --check {b['0.25mb']}", "goal": 8.8, "note": "linear"},
        {"row": f"`format --check` on {large} dated milestone sections vs {small}", "group": "milestones",
         "a": f"format --check {large}", "b": f"format --check {small}", "goal": 2.3, "note": "hold it"},
        {"row": f"moving sections and nested lists: {large} areas vs {small} (`format --check --select "
                "milestone-order,item-order`)", "group": "moves",
         "a": f"moves {large}", "b": f"moves {small}", "goal": 2.3, "note": "linear"},
        {"row": f"`format --check` with {large} withheld fixes vs {small}", "group": "withheld",
         "a": f"withheld {large}", "b": f"withheld {small}", "goal": 2.3, "note": "linear"},
    ]


# The model, in one process: the position layer and model builder
# (document.load) against mistune's own parse with the plugins the layer
# runs, alternating, each warmed up first (their patterns compiled); then
# what the document keeps alive per byte of text (tracemalloc, after a
# collection). Prints JSON.
MODEL = """
import gc, json, statistics, sys, time, tracemalloc
import mistune
from roadmaplint.document import load
from roadmaplint.parser import PLUGINS
from roadmaplint.source import Source
path, runs = sys.argv[1], int(sys.argv[2])
text = open(path, encoding="utf-8").read()
md = mistune.create_markdown(renderer=None, plugins=list(PLUGINS))
md(text[:50000]); load(Source(text[:50000]))
times = {"load": [], "mistune": []}
for i in range(runs):
    for name in (["load", "mistune"] if i % 2 == 0 else ["mistune", "load"]):
        gc.collect()
        start = time.perf_counter()
        load(Source(text)) if name == "load" else md(text)
        times[name].append(time.perf_counter() - start)
gc.collect()
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
doc = load(Source(text))
gc.collect()
kept = tracemalloc.get_traced_memory()[0] - before
print(json.dumps({"load": statistics.median(times["load"]), "mistune": statistics.median(times["mistune"]),
                  "runs": runs, "kept": kept / len(text.encode("utf-8")), "plugins": list(PLUGINS)}))
"""
MODEL_GOALS = {"layer": 1.5, "kept": 10.0}  # at most 50% over mistune's parse; bytes kept per input byte


def measure_model(python: str, path: str, runs: int, cwd: Path, timeout: float) -> dict | None:
    """The model's figures (see MODEL), or None if the script failed."""
    try:
        proc = subprocess.run([python, "-c", MODEL, path, str(runs)], capture_output=True, text=True,
                              env=clean_env(), cwd=cwd, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        say(f"  the model's measurement failed: {proc.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(proc.stdout)


def model_table(res: dict) -> list[str]:
    """The model's two rows, with their goals."""
    m = res.get("model")
    if not m:
        return []
    size = res.get("model_input", "the 1 MB input")
    layer = m["load"] / m["mistune"]
    quick = res["quick"]

    def met(ok: bool) -> str:
        return "(quick)" if quick else "yes" if ok else "no"

    return [
        "",
        f"The model, in one process ({size}; medians of {m['runs']}, alternating):",
        "",
        "| | roadmaplint | against | ratio | goal | met |\n|---|---:|---:|---:|---|---|",
        f"| the position layer and model builder (`document.load`) vs mistune's parse with the same plugins "
        f"({', '.join(m['plugins'])}) | {ms(m['load'])} | {ms(m['mistune'])} | {layer:.2f}x | "
        f"<= {MODEL_GOALS['layer']:g}x | {met(layer <= MODEL_GOALS['layer'])} |",
        f"| memory the loaded document keeps, per byte of text | {m['kept']:.1f} bytes | | | "
        f"<= {MODEL_GOALS['kept']:g} | {met(m['kept'] <= MODEL_GOALS['kept'])} |",
    ]


REFERENCE = [  # the same tools on the same files, without a goal
    ("one", "roadmaplint check", "rumdl check"), ("one", "roadmaplint check", "pymarkdown scan"),
    ("batch", "roadmaplint check", "markdownlint-cli2"), ("batch", "roadmaplint check", "rumdl check"),
    ("batch", "roadmaplint check", "pymarkdown scan"),
]


# What a one-file check cannot go below: the interpreter and the parser it
# runs on, imported and nothing else, timed in the same rounds (a check with
# no option imports no click).
FLOOR = "import mistune"
FLOORS = [("one", FLOOR, "python -c pass"), ("one", "roadmaplint check", FLOOR)]


def wanted(group: str, command: str, skip: list[str]) -> bool:
    """Whether ``--skip`` leaves the command in: a group name leaves the
    group out, ``group:tool`` the tool in that group alone (``batch:pymarkdown``)."""
    return not any(s == group or (":" in s and f"{group}:{command}".startswith(s)) for s in skip)


# -- installing ---------------------------------------------------------------------------------------


def clean_env() -> dict[str, str]:
    """The environment every timed command runs in: no bytecode switch-off,
    no PYTHONPATH (the installed package, not this checkout), no colour."""
    out = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONHOME", "FORCE_COLOR", "VIRTUAL_ENV")}
    out["NO_COLOR"] = "1"
    return out


def run(argv: list[str], **kw) -> subprocess.CompletedProcess:
    say("  $", " ".join(argv[:6]) + (" ..." if len(argv) > 6 else ""))
    return subprocess.run(argv, check=True, env=clean_env(), **kw)


def build_wheel(out: Path) -> Path:
    """roadmaplint's wheel, built from this checkout (without build isolation
    when this interpreter has `build` and `hatchling`, else by pip)."""
    try:
        import build  # noqa: F401
        import hatchling  # noqa: F401
        run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
            stdout=subprocess.DEVNULL)
    except ImportError:
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)])
    wheels = sorted(out.glob("roadmaplint-*.whl"))
    if not wheels:
        sys.exit("compare.py: the wheel was not built")
    return wheels[-1]


def compile_bytecode(python: str) -> None:
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True, env=clean_env()).stdout.strip()
    run([python, "-m", "compileall", "-q", "-j0", site], stdout=subprocess.DEVNULL)


def install(venv: Path, wheel: Path) -> str:
    """roadmaplint from ``wheel`` in the virtualenv ``venv``; reused when it
    holds this very wheel. Returns what was done, for the report."""
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    marker = venv / MARKER
    if marker.is_file() and marker.read_text().strip() == digest and (venv / "bin" / "roadmaplint").exists():
        compile_bytecode(str(venv / "bin" / "python"))
        return f"reused {venv} (it holds this wheel, sha256 {digest[:12]})"
    if venv.exists():
        if any(venv.iterdir()) and not marker.is_file():
            sys.exit(f"compare.py: {venv} exists and is not a virtualenv this script made; give another --venv")
        shutil.rmtree(venv)
    say(f"installing roadmaplint's wheel in {venv}")
    base = getattr(sys, "_base_executable", sys.executable)
    run([base, "-m", "venv", str(venv)])
    py = str(venv / "bin" / "python")
    run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)])
    compile_bytecode(py)
    marker.write_text(digest + "\n")
    return f"installed in {venv} (wheel sha256 {digest[:12]})"


PY_TOOLS = {"mdformat": "mdformat", "pymarkdown": "pymarkdownlnt", "rumdl": "rumdl"}


def install_tools(where: Path) -> None:
    """mdformat, pymarkdown and rumdl in a virtualenv of their own, and
    markdownlint-cli2 in an npm prefix, under ``where`` (kept when reused)."""
    where.mkdir(parents=True, exist_ok=True)
    (where / TOOLS_MARKER).touch()
    venv = where / "venv"
    if not (venv / "bin" / "rumdl").exists() or not (venv / "bin" / "mdformat").exists() \
            or not (venv / "bin" / "pymarkdown").exists():
        say(f"installing {', '.join(PY_TOOLS.values())} in {venv}")
        base = getattr(sys, "_base_executable", sys.executable)
        run([base, "-m", "venv", str(venv)])
        run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             *PY_TOOLS.values()])
        compile_bytecode(str(venv / "bin" / "python"))
    npm = where / "npm"
    if not (npm / "node_modules" / ".bin" / "markdownlint-cli2").exists():
        if not shutil.which("npm"):
            say("npm is not on the PATH: markdownlint-cli2 is not installed")
            return
        say(f"installing markdownlint-cli2 in {npm}")
        npm.mkdir(exist_ok=True)
        run(["npm", "install", "--prefix", str(npm), "--no-audit", "--no-fund", "--silent", "markdownlint-cli2"])


def find_tools(where: Path | None) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in ("mdformat", "pymarkdown", "rumdl", "markdownlint-cli2"):
        if where is not None:
            exe = (where / "npm" / "node_modules" / ".bin" / name if name == "markdownlint-cli2"
                   else where / "venv" / "bin" / name)
            out[name] = str(exe) if exe.exists() else None
        else:
            out[name] = shutil.which(name)
    return out


def versions(env: Env) -> dict[str, str]:
    def first(argv: list[str], pick=lambda lines: lines[0]) -> str:
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=clean_env())
            lines = [x.strip() for x in (proc.stdout or proc.stderr).splitlines() if x.strip()]
            return pick(lines)[:70] if lines else "?"
        except (OSError, subprocess.SubprocessError, IndexError):
            return "?"

    out = {"roadmaplint": first([env.roadmaplint, "--version"]),
           "mistune": first([env.python, "-c", "import mistune; print(mistune.__version__)"]),
           "click": first([env.python, "-c", "import importlib.metadata as m; print(m.version('click'))"])}
    asks = {"mdformat": ["--version"], "pymarkdown": ["version"], "rumdl": ["--version"],
            "markdownlint-cli2": ["--help"]}
    for name, exe in env.tools.items():
        out[name] = first([exe, *asks[name]]) if exe else "not found"
    return out


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "?")
    except OSError:
        cpu = platform.processor() or "?"
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"nproc": str(nproc), "cpu": cpu,
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "os": platform.platform(),
            "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


# -- timing -------------------------------------------------------------------------------------------


def timed(argv: list[str], cwd: Path, timeout: float) -> tuple[float | None, int]:
    """The command's wall time and exit code; (None, -1) if it ran past
    ``timeout`` seconds and was killed.

    It waits for the process with a blocking wait, which returns as soon as
    the process ends, and kills it from a timer thread. ``subprocess.run``
    with a timeout polls instead, sleeping up to 50 ms between polls: every
    time it measures is rounded up to the next poll (31.5, 63.5, 113.5,
    163.5, ... ms)."""
    killed = []

    def kill() -> None:
        killed.append(True)
        proc.kill()

    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=clean_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        code = proc.wait()
    finally:
        timer.cancel()
    elapsed = time.perf_counter() - start
    return (None, -1) if killed else (elapsed, code)


def measure(commands: dict[str, list[str]], cwd: Path, runs: int, warm: bool,
            timeout: float) -> dict[str, dict]:
    """Each command's median and exit codes, the commands run in turn, the
    order rotated each round; a warm-up round first unless ``warm`` is false."""
    names = list(commands)
    times: dict[str, list[float]] = {n: [] for n in names}
    codes: dict[str, set[int]] = {n: set() for n in names}
    dead: set[str] = set()
    if warm:
        for n in names:
            timed(commands[n], cwd, timeout)
    for i in range(runs):
        k = i % len(names)
        for n in names[k:] + names[:k]:
            if n in dead:
                continue
            t, code = timed(commands[n], cwd, timeout)
            if t is None:
                dead.add(n)  # timed out: not run again
                continue
            times[n].append(t)
            codes[n].add(code)
    return {n: {"median": statistics.median(times[n]) if times[n] and n not in dead else None,
                "runs": len(times[n]), "exit": sorted(codes[n]), "timeout": n in dead} for n in names}


# -- the report ---------------------------------------------------------------------------------------


def ms(t: float | None) -> str:
    if t is None:
        return "-"
    return f"{t * 1000:.0f} ms" if t < 10 else f"{t:.1f} s"


def ratio_of(res: dict, group: str, a: str, b: str) -> tuple[str, str, float | None, str]:
    g = res["groups"].get(group, {})
    ra, rb = g.get(a), g.get(b)
    if ra is None or rb is None:
        return "-", "not found", None, ""
    bad = [f"{name} exited {c}" for name, r in ((a, ra), (b, rb)) for c in r["exit"] if c not in (0, 1)]
    bad += [f"{name} timed out ({res['timeout']:.0f} s)" for name, r in ((a, ra), (b, rb)) if r["timeout"]]
    if ra["median"] is None or rb["median"] is None:
        return ms(ra["median"]), ms(rb["median"]), None, "; ".join(bad)
    return ms(ra["median"]), ms(rb["median"]), ra["median"] / rb["median"], "; ".join(bad)


def report(res: dict, markdown: bool) -> str:
    m = res["machine"]
    quick = res["quick"]
    out = []
    head = f"| | roadmaplint | against | ratio | goal | met |\n|---|---:|---:|---:|---|---|"
    lines = [head]
    for r in res["rows"]:
        a, b, q, bad = ratio_of(res, r["group"], r["a"], r["b"])
        goal = f"<= {r['goal']:g}x" + (f" ({r['note']})" if r.get("note") else "")
        if q is None:
            met = bad or "-"
        elif bad:
            met = f"no: {bad}"
        elif quick:
            met = "(quick)"
        else:
            met = "yes" if q <= r["goal"] else "no"
        lines.append(f"| {r['row']} | {a} | {b} | {'-' if q is None else f'{q:.2f}x'} | {goal} | {met} |")
    lines.extend(model_table(res))
    lines.append("")
    lines.append("Same files, no goal:")
    lines.append("")
    lines.append("| | roadmaplint check | against | ratio |\n|---|---:|---:|---:|")
    for group, a, b in REFERENCE:
        x, y, q, bad = ratio_of(res, group, a, b)
        where = "one file" if group == "one" else f"{res['batch_size']} files"
        lines.append(f"| {where}: vs `{b}` | {x} | {y} | {'-' if q is None else f'{q:.2f}x'}"
                     f"{' (' + bad + ')' if bad else ''} |")
    lines.append("")
    lines.append("What a one-file check cannot go below: the interpreter importing mistune, "
                 "nothing else (`python -c \"import mistune\"`; a check with no option imports "
                 "no click), timed in the same rounds:")
    lines.append("")
    lines.append("| | command | against | ratio |\n|---|---:|---:|---:|")
    for group, a, b in FLOORS:
        x, y, q, bad = ratio_of(res, group, a, b)
        lines.append(f"| `{a}` vs `{b}` | {x} | {y} | {'-' if q is None else f'{q:.2f}x'}"
                     f"{' (' + bad + ')' if bad else ''} |")
    table = "\n".join(lines)
    v = res["versions"]
    tools = ", ".join(v[k] if v[k].lower().startswith(k) else f"{k} {v[k]}"
                      for k in ("mdformat", "markdownlint-cli2", "rumdl", "pymarkdown"))
    rl = v["roadmaplint"].replace("roadmaplint, version ", "")
    load = res["load"]
    facts = [
        f"Measured {m['date']} on {m['nproc']} CPUs (nproc) of an {m['cpu']}, {m['python']}, {m['os']}; "
        f"load average {load[0]:.1f} before, {load[1]:.1f} after.",
        f"roadmaplint {rl} (mistune {v['mistune']}, click {v['click']}): a regular install, "
        f"the wheel built from this checkout, {res['install']}, bytecode compiled, run as the `roadmaplint` "
        f"script with PYTHONDONTWRITEBYTECODE and PYTHONPATH unset.",
        f"Tools: {tools} ({res['tools_from']}).",
        f"Medians of {res['runs']['one']} runs (one file), {res['runs']['batch']} (batch), "
        f"{res['runs']['big']} (big inputs) and {res['runs']['milestones']} (milestones); a warm-up round "
        f"first for the one-file and milestone groups; the commands of each group alternate, the order "
        f"rotated each round. Ratio: roadmaplint's median divided by the other's (below 1: roadmaplint "
        f"is faster).",
        *[f"Input, {n}." for n in res["inputs"]],
        *([f"Left out: {', '.join(res['skip'])}."] if res.get("skip") else []),
    ]
    if quick:
        facts.insert(0, "QUICK RUN (--quick): smaller inputs and fewer runs; the ratios are not the issue's.")
    if markdown:
        out.append(table)
        out.append("")
        out.extend(f"- {f}" for f in facts)
        out.append("")
        out.append(f"Command: `{res['command']}`")
    else:
        out.extend(facts)
        out.append("")
        out.append(table)
    return "\n".join(out)


# -- main ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="runs of each one-file command (default 15; --quick 3)")
    parser.add_argument("--batch-runs", type=int, help="runs of each batch command (default 3; --quick 1)")
    parser.add_argument("--big-runs", type=int, help="runs of each big-input command (default 3; --quick 1)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: inputs 8 times smaller, 20 files in the batch, few runs")
    parser.add_argument("--dry-run", action="store_true",
                        help="write the inputs and print the commands; build, install and time nothing")
    parser.add_argument("--markdown", action="store_true", help="print the report as Markdown (the README's)")
    parser.add_argument("--json", metavar="PATH", help="also write the measurements as JSON")
    parser.add_argument("--render", metavar="PATH", help="print the report of a --json file; measure nothing")
    parser.add_argument("--venv", metavar="PATH",
                        help="roadmaplint's virtualenv: made here, reused while the wheel's hash is the same "
                             "(default: a temporary one)")
    parser.add_argument("--install-tools", action="store_true",
                        help="install mdformat, pymarkdownlnt and rumdl (pip) and markdownlint-cli2 (npm) in "
                             "their own virtualenv and npm prefix (default: take them from the PATH)")
    parser.add_argument("--tools", metavar="PATH", help="with --install-tools: where, reused (default: temporary)")
    parser.add_argument("--shared", metavar="PATH", help="the shared material (default: ROADMAPLINT_SHARED, "
                                                         "else ../shared beside the project root)")
    parser.add_argument("--generated", action="store_true",
                        help="big inputs generated by this file's roadmap() even when the seeds are there")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME",
                        help="leave out a tool (--skip pymarkdown), a group (one, batch, parse, check-growth, "
                             "format-growth, milestones, moves, withheld, model) or a tool in a group "
                             "(--skip batch:pymarkdown, slow)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a command is given up")
    args = parser.parse_args(argv)

    if args.render:
        print(report(json.loads(Path(args.render).read_text(encoding="utf-8")), args.markdown))
        return 0

    q = args.quick
    runs = {"one": args.runs or (3 if q else 15), "batch": args.batch_runs or (1 if q else 3),
            "big": args.big_runs or (1 if q else 3), "milestones": args.runs or (3 if q else 7)}
    batch_size = 20 if q else BATCH
    shared, how = shared_dir(args.shared)
    with tempfile.TemporaryDirectory(prefix="roadmaplint-compare-") as tmp_name:
        tmp = Path(tmp_name)
        say("writing the inputs")
        inp = Inputs(tmp / "in", shared, how, q, batch_size, args.generated)
        for note in inp.notes:
            say(f"  {note}")
        tools_dir = Path(args.tools).resolve() if args.tools else tmp / "tools"
        venv = Path(args.venv).resolve() if args.venv else tmp / "venv"

        if args.dry_run:
            env = Env(venv, {n: (str(tools_dir / n) if args.install_tools else shutil.which(n)) or None
                             for n in ("mdformat", "pymarkdown", "rumdl", "markdownlint-cli2")})
            plan = groups(env, inp)
            for g in plan:
                print(f"[{g['name']}] {runs['big'] if g['big'] else runs.get(g['name'], runs['one'])} runs")
                for name, cmd in g["commands"].items():
                    shown = "not found" if cmd is None else " ".join(cmd if len(cmd) < 8 else [*cmd[:4], "..."])
                    print(f"  {name}: {shown}")
            print()
            for r in rows(inp):
                print(f"row: {r['row']}: {r['a']} / {r['b']}, goal <= {r['goal']:g}x")
            print(f"model: document.load / mistune's parse with the same plugins, in one process, on "
                  f"{inp.size(inp.big['1mb'])}, goal <= {MODEL_GOALS['layer']:g}x; bytes kept per byte of text, "
                  f"goal <= {MODEL_GOALS['kept']:g}")
            return 0

        (tmp / "wheel").mkdir()
        say("building roadmaplint's wheel from", ROOT)
        wheel = build_wheel(tmp / "wheel")
        did = install(venv, wheel)
        say(f"  {did}")
        if args.install_tools:
            install_tools(tools_dir)
            tools = find_tools(tools_dir)
            tools_from = f"installed by --install-tools in {'a temporary folder' if not args.tools else tools_dir}"
        else:
            tools = find_tools(None)
            tools_from = "from the PATH"
        for name in list(tools):
            if any(s == name for s in args.skip):
                tools[name] = None
        env = Env(venv, tools)
        where = subprocess.run([env.python, "-c", "import roadmaplint; print(roadmaplint.__file__)"],
                               capture_output=True, text=True, env=clean_env(), cwd=tmp).stdout.strip()
        if not where.startswith(str(venv)):
            sys.exit(f"compare.py: the virtualenv imports roadmaplint from {where}, not from {venv}")
        say(f"  roadmaplint imported from {where}")
        res: dict = {"quick": q, "machine": machine(), "versions": versions(env), "install": did,
                     "tools_from": tools_from, "runs": runs, "batch_size": batch_size, "inputs": inp.notes,
                     "timeout": args.timeout, "groups": {}, "skip": args.skip, "rows": rows(inp),
                     "command": "python benchmarks/compare.py " + " ".join(sys.argv[1:] if argv is None else argv)}
        load0 = os.getloadavg()[0]
        for g in groups(env, inp):
            if not wanted(g["name"], "", args.skip):
                continue
            commands = {n: c for n, c in g["commands"].items() if c is not None and wanted(g["name"], n, args.skip)}
            n = runs["big"] if g["big"] else runs.get(g["name"], runs["one"])
            say(f"timing [{g['name']}]: {', '.join(commands)}; {n} runs")
            start = time.perf_counter()
            res["groups"][g["name"]] = measure(commands, tmp, n, warm=g["name"] in ("one", "milestones"),
                                               timeout=args.timeout)
            say(f"  {time.perf_counter() - start:.0f} s: " + ", ".join(
                f"{k} {ms(v['median'])}" for k, v in res["groups"][g["name"]].items()))
        if wanted("model", "", args.skip):
            say(f"timing [model]: document.load vs mistune's parse, in one process; {runs['big']} runs")
            res["model"] = measure_model(env.python, str(inp.big["1mb"]), runs["big"], tmp, args.timeout)
            res["model_input"] = inp.size(inp.big["1mb"])
            if res["model"]:
                say(f"  load {ms(res['model']['load'])}, mistune {ms(res['model']['mistune'])}, "
                    f"kept {res['model']['kept']:.1f} bytes per byte")
        res["load"] = [load0, os.getloadavg()[0]]
        if args.json:
            Path(args.json).write_text(json.dumps(res, indent=1), encoding="utf-8")
        print(report(res, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
