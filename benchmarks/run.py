"""Print roadmaplint's speed figures: start-up against a bare interpreter, a
batch of files, throughput, and growth from 1 MB to 10 MB with peak memory.

    python benchmarks/run.py [--runs N] [--skip-growth]

Figures are wall-clock medians on this machine; compare the ratios, which are
measured side by side (alternating) in one run, rather than the absolute
numbers. The package is byte-compiled first, as `pip install` would do, so
that start-up is not measured with a compile of every module.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def alternate(commands: dict[str, list[str]], runs: int, cwd: Path = ROOT) -> dict[str, float]:
    """Median wall time of each command, the commands run in turn."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for _ in range(runs):
        for name, cmd in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=env)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def seed_text() -> str:
    files = sorted((SHARED / "seeds").glob("0*.md")) or [ROOT / "ROADMAP.md", ROOT / "README.md"]
    return "\n\n".join(f.read_text(encoding="utf-8") for f in files)


def batch_dir(n: int = 200) -> Path | None:
    corpus = SHARED / "corpus" / "roadmaps"
    files = sorted(p for p in corpus.iterdir() if p.is_file())[:n] if corpus.is_dir() else []
    if not files:
        return None
    top = Path(tempfile.mkdtemp(prefix="roadmaplint-batch-"))
    for i in range(n):
        sub = top / f"r{i:03d}"
        sub.mkdir()
        shutil.copy(files[i % len(files)], sub / "ROADMAP.md")
    return top


_GROWTH = """
import resource, sys, time
sys.path.insert(0, {root!r})
from roadmaplint.document import load
from roadmaplint.settings import Settings
from roadmaplint.linter import lint_document
from roadmaplint.source import Source
text = open({path!r}, encoding="utf-8").read()
start = time.perf_counter()
lint_document(load(Source(text)), Settings())
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def growth(text: str, mb: float) -> tuple[float, float]:
    """(seconds, peak RSS in MB) to lint about ``mb`` MB, in a fresh process."""
    reps = max(1, int(mb * 1e6 / len(text.encode())))
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as fh:
        fh.write("\n\n".join([text] * reps))
    try:
        out = subprocess.run([sys.executable, "-c", _GROWTH.format(root=str(ROOT), path=fh.name)],
                             capture_output=True, text=True, check=True).stdout.split()
    finally:
        os.unlink(fh.name)
    return float(out[0]), int(out[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-growth", action="store_true", help="Skip the 1 MB / 10 MB runs.")
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "roadmaplint")], check=True)
    py = sys.executable
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")

    single = alternate({
        "python -c pass": [py, "-c", "pass"],
        "roadmaplint --version": [py, "-m", "roadmaplint", "--version"],
        "roadmaplint check ROADMAP.md": [py, "-m", "roadmaplint", "check", "ROADMAP.md"],
    }, args.runs)
    bare = single["python -c pass"]
    print(f"\nstart-up, median of {args.runs} alternating runs")
    for name, value in single.items():
        print(f"  {name:<34} {value * 1000:8.1f} ms  {value / bare:6.2f}x")

    probe = subprocess.run(
        [py, "-c", "import sys, roadmaplint.cli, roadmaplint.registry; roadmaplint.registry.all_rules();"
                   "print(' '.join(m for m in ('jsonschema', 'ftfy', 'emoji', 'pygls', 'urllib.request')"
                   " if m in sys.modules))"],
        capture_output=True, text=True, cwd=ROOT,
    )
    print(f"  heavy modules on the check path: {probe.stdout.strip() or 'none'}")

    top = batch_dir()
    if top is not None:
        try:
            runs = max(3, args.runs // 3)
            batch = alternate({"check, 200 files": [py, "-m", "roadmaplint", "check", str(top)]}, runs)
            print(f"\nbatch of 200 corpus roadmaps, median of {runs} runs")
            print(f"  roadmaplint check DIR              {batch['check, 200 files']:8.2f} s")
        finally:
            shutil.rmtree(top, ignore_errors=True)

    from roadmaplint.document import load
    from roadmaplint.settings import Settings
    from roadmaplint.linter import lint_document
    from roadmaplint.parser import parse
    from roadmaplint.source import Source

    text = seed_text()
    big = Source("\n\n".join([text] * max(1, int(1e6 / len(text.encode())))))
    size = len(big.text.encode()) / 1e6
    print(f"\nthroughput on the seeds repeated to {size:.1f} MB (median of 3)")
    for name, func in [("parse (mistune + positions)", parse), ("document model", load),
                       ("model + default rules", lambda s: lint_document(load(s), Settings()))]:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            func(big)
            times.append(time.perf_counter() - start)
        print(f"  {name:<34} {size / statistics.median(times):8.2f} MB/s")

    if not args.skip_growth:
        one, one_mem = growth(text, 1)
        ten, ten_mem = growth(text, 10)
        print("\ngrowth (fresh process each, all default rules)")
        print(f"  1 MB   {one:7.2f} s   peak {one_mem:7.0f} MB")
        print(f"  10 MB  {ten:7.2f} s   peak {ten_mem:7.0f} MB   ratio {ten / one:5.1f}x")


if __name__ == "__main__":
    main()
