"""Time roadmaplint against the tools a user would pick instead, on the same
files, and print a table of medians and ratios.

    python benchmarks/compare.py [--runs N] [--batch-runs N] [--file PATH]

Installs nothing: mdformat, pymarkdown (pymarkdownlnt), markdownlint-cli2 and
rumdl are timed when they are on the PATH and listed as "not found" when
not. roadmaplint is this checkout, run as ``python -m roadmaplint``.

Two workloads: one file (this project's ROADMAP.md, or --file), and a batch
of up to 200 roadmaps from ../shared/corpus/roadmaps copied to a temporary
directory (each as NNN/ROADMAP.md, all paths given on one command line).
The commands run alternately, in a rotating order, so that a noisy machine
slows them all alike: compare the ratios, which are measured side by side.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "roadmaps"
SEEDS = ROOT.parent / "shared" / "seeds"
BATCH = 200


@dataclass
class Tool:
    name: str  # as the table shows it
    argv: list[str]  # the command, before the file paths
    probe: str  # the executable looked up on PATH
    version: list[str] = field(default_factory=list)  # how to ask its version


def tools(py: str) -> list[Tool]:
    return [
        Tool("roadmaplint check", [py, "-m", "roadmaplint", "check"], py),
        Tool("roadmaplint format --check", [py, "-m", "roadmaplint", "format", "--check"], py),
        Tool("mdformat --check", ["mdformat", "--check"], "mdformat", ["mdformat", "--version"]),
        Tool("pymarkdown scan", ["pymarkdown", "scan"], "pymarkdown", ["pymarkdown", "version"]),
        Tool("markdownlint-cli2", ["markdownlint-cli2"], "markdownlint-cli2", ["markdownlint-cli2", "--help"]),
        Tool("rumdl check", ["rumdl", "check"], "rumdl", ["rumdl", "--version"]),
    ]


def env() -> dict[str, str]:
    # this checkout, whatever is installed; no colour, no update checks
    out = dict(os.environ, NO_COLOR="1", PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    out.pop("FORCE_COLOR", None)
    return out


def version(tool: Tool) -> str:
    if not tool.version:
        return ""
    try:
        proc = subprocess.run(tool.version, capture_output=True, text=True, timeout=60, env=env())
    except (OSError, subprocess.SubprocessError):
        return "?"
    text = (proc.stdout or proc.stderr).strip().splitlines()
    return text[0][:60] if text else "?"


def timed(argv: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env(), stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, proc.returncode


def measure(commands: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, tuple[float, set[int]]]:
    """Median wall time and exit codes of each command, run alternately."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    codes: dict[str, set[int]] = {name: set() for name in commands}
    names = list(commands)
    for name in names:  # warm the file cache and any compiled bytecode
        timed(commands[name], cwd)
    for i in range(runs):
        order = names[i % len(names):] + names[: i % len(names)]
        for name in order:
            t, code = timed(commands[name], cwd)
            times[name].append(t)
            codes[name].add(code)
    return {name: (statistics.median(times[name]), codes[name]) for name in names}


def single_file(path: str | None) -> Path:
    if path:
        return Path(path).resolve()
    own = ROOT / "ROADMAP.md"
    if own.is_file():
        return own
    seeds = sorted(SEEDS.glob("0*.md")) if SEEDS.is_dir() else []
    if seeds:
        return seeds[0]
    sys.exit("compare.py: no ROADMAP.md here and no seed; pass --file")


def batch(tmp: Path, limit: int) -> list[Path]:
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())[:limit] if CORPUS.is_dir() else []
    out = []
    for i, src in enumerate(files):
        d = tmp / f"{i:03d}"
        d.mkdir()
        shutil.copyfile(src, d / "ROADMAP.md")
        out.append(d / "ROADMAP.md")
    return out


def table(title: str, results: dict[str, tuple[float, set[int]]], missing: list[str], bare: float | None) -> str:
    base = results.get("roadmaplint check", (None, set()))[0]
    lines = [f"{title}", "",
             "| command | median | roadmaplint check ÷ this | exit |",
             "|---|---:|---:|---|"]
    if bare is not None and base:
        lines.append(f"| python -c pass | {bare * 1000:.0f} ms | {base / bare:.2f}x | 0 |")
    for name, (t, codes) in results.items():
        ratio = f"{base / t:.2f}x" if base else "-"
        shown = f"{t * 1000:.0f} ms" if t < 10 else f"{t:.1f} s"
        lines.append(f"| {name} | {shown} | {ratio} | {','.join(map(str, sorted(codes)))} |")
    for name in missing:
        lines.append(f"| {name} | not found | - | - |")
    return "\n".join(lines)


def machine() -> str:
    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    return (f"machine: {usable} usable CPUs (nproc; {cpus} in all), Python {platform.python_version()} "
            f"({platform.python_implementation()}), {platform.platform()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command on one file (default 15)")
    parser.add_argument("--batch-runs", type=int, default=3, help="runs of each command on the batch (default 3)")
    parser.add_argument("--batch", type=int, default=BATCH, help=f"files in the batch (at most {BATCH})")
    parser.add_argument("--file", help="the single file (default: this project's ROADMAP.md)")
    parser.add_argument("--python", default=sys.executable, metavar="PATH",
                        help="the interpreter that runs roadmaplint (default: this one). The other Python tools "
                             "run from their own environments: give a virtualenv's python with roadmaplint's "
                             "dependencies when this interpreter's site-packages slow its start-up")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME",
                        help="leave out a tool (e.g. --skip pymarkdown, which takes long on the batch)")
    args = parser.parse_args()

    found, missing = [], []
    for tool in tools(args.python):
        if any(s in tool.name for s in args.skip):
            continue
        (found if shutil.which(tool.probe) else missing).append(tool)
    print(machine())
    print(f"  roadmaplint: this checkout, run by {args.python}")
    for tool in found:
        v = version(tool)
        if v:
            print(f"  {tool.probe}: {v}")
    for tool in missing:
        print(f"  {tool.probe}: not found")
    print()

    one = single_file(args.file)
    with tempfile.TemporaryDirectory(prefix="roadmaplint-compare-") as tmp_name:
        tmp = Path(tmp_name)
        # a copy: format --check and the linters must all see the same bytes, and none may write
        single = tmp / "single" / "ROADMAP.md"
        single.parent.mkdir()
        shutil.copyfile(one, single)
        commands = {t.name: [*t.argv, str(single)] for t in found}
        commands_bare = {"python -c pass": [args.python, "-c", "pass"], **commands}
        results = measure(commands_bare, tmp, args.runs)
        bare = results.pop("python -c pass")[0]
        print(table(f"One file: {one.name} ({one.stat().st_size:,} bytes), median of {args.runs} runs",
                    results, [t.name for t in missing], bare))
        print()

        (tmp / "batch").mkdir()
        files = batch(tmp / "batch", min(args.batch, BATCH))
        if not files:
            print(f"Batch: skipped ({CORPUS} is absent)")
            return
        size = sum(f.stat().st_size for f in files)
        commands = {t.name: [*t.argv, *map(str, files)] for t in found}
        results = measure(commands, tmp, args.batch_runs)
        print(table(f"Batch: {len(files)} roadmaps ({size / 1e6:.2f} MB), median of {args.batch_runs} runs",
                    results, [t.name for t in missing], None))
        print()
        print("Ratios are roadmaplint check's time divided by each command's, measured alternately in one run "
              "(below 1: roadmaplint is faster). Exit codes: 0 clean, 1 findings or would reformat.")


if __name__ == "__main__":
    main()
