"""Print roadmaplint's speed figures: start-up against a bare interpreter, and
parse / lint throughput on the seed roadmaps.

    python benchmarks/run.py [--runs N]

Figures are wall-clock medians on this machine; compare the ratios, which are
measured side by side in one run, rather than the absolute numbers.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
sys.path.insert(0, str(ROOT))


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def corpus_text() -> str:
    files = sorted(SEEDS.glob("*.md")) if SEEDS.is_dir() else []
    files = files or [ROOT / "ROADMAP.md", ROOT / "README.md"]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def throughput(func, text: str, target_mb: float = 1.0, runs: int = 5) -> float:
    """MB/s of ``func`` over ``text`` repeated to about ``target_mb``."""
    from roadmaplint.source import Source

    reps = max(1, int(target_mb * 1e6 / max(1, len(text.encode()))))
    big = Source("\n\n".join([text] * reps))
    size = len(big.text.encode()) / 1e6
    best = []
    for _ in range(runs):
        start = time.perf_counter()
        func(big)
        best.append(time.perf_counter() - start)
    return size / statistics.median(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    py = sys.executable
    target = str(ROOT / "ROADMAP.md")

    bare = wall([py, "-c", "pass"], args.runs)
    version = wall([py, "-m", "roadmaplint", "--version"], args.runs)
    check = wall([py, "-m", "roadmaplint", "check", target], args.runs)
    print(f"start-up, median of {args.runs} runs")
    print(f"  python -c pass                     {bare * 1000:7.1f} ms   1.00x")
    print(f"  roadmaplint --version              {version * 1000:7.1f} ms  {version / bare:5.2f}x")
    print(f"  roadmaplint check ROADMAP.md       {check * 1000:7.1f} ms  {check / bare:5.2f}x")

    probe = subprocess.run(
        [py, "-c", "import sys, roadmaplint.cli, roadmaplint.engine, roadmaplint.document;"
                   "print(' '.join(m for m in ('jsonschema', 'mistune', 'click') if m in sys.modules))"],
        capture_output=True, text=True, cwd=ROOT,
    )
    print(f"  heavy modules on the check path: {probe.stdout.strip() or '(none)'}")

    from roadmaplint.document import load
    from roadmaplint.engine import Settings, lint_document
    from roadmaplint.parse import parse

    text = corpus_text()
    print(f"throughput on the seeds ({len(text.encode()) / 1000:.0f} kB, repeated to ~1 MB)")
    print(f"  parse (mistune + positions)        {throughput(parse, text):7.2f} MB/s")
    print(f"  document model                     {throughput(load, text):7.2f} MB/s")
    settings = Settings()
    print(f"  model + default rules              {throughput(lambda s: lint_document(load(s), settings), text):7.2f} MB/s")


if __name__ == "__main__":
    main()
