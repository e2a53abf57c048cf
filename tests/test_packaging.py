"""The package as a user installs it: the sdist and the wheel build, `twine
check` passes, and the wheel alone, installed in a fresh virtualenv, runs
`check`, `rules RL101` and `schema spec` (its data files are inside it).

Offline: the build uses this environment's hatchling (no isolated build
environment to download), and the fresh virtualenv finds roadmaplint's
dependencies in this environment's site-packages instead of a package index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("build")
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel",
                           "--outdir", str(out), str(ROOT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


def test_twine_check_passes(dist: Path) -> None:
    pytest.importorskip("twine")
    files = sorted(str(p) for p in dist.iterdir())
    assert any(f.endswith(".whl") for f in files) and any(f.endswith(".tar.gz") for f in files)
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_wheel_carries_its_data(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "roadmaplint/_data/schemas/spec.schema.json" in names
    assert "roadmaplint/_data/schemas/presets/horizons.json" in names
    assert "roadmaplint/_data/rules/RL101-mojibake.md" in names
    assert not any(n.startswith("tests/") for n in names)


def test_the_wheel_alone_runs(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(env_dir)  # ensurepip: offline
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # the wheel alone, as pip installs it (no package index: --no-deps)...
    proc = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # ...and its dependencies from this environment, after its own files
    Path(site, "zz-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    roadmap = tmp_path / "work" / "ROADMAP.md"
    roadmap.parent.mkdir()
    roadmap.write_text("# Roadmap\n\n## Now\n\n- ship it\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def rl(*args: str) -> subprocess.CompletedProcess:
        # the console script pip wrote
        return subprocess.run([str(bindir / "roadmaplint"), *args], capture_output=True, text=True,
                              cwd=roadmap.parent, env=env)

    where = subprocess.run([str(python), "-c", "import roadmaplint; print(roadmaplint.__file__)"],
                           capture_output=True, text=True, cwd=roadmap.parent, env=env, check=True).stdout
    assert where.startswith(site), where  # the wheel, not this checkout
    checked = rl("check", "ROADMAP.md")
    assert checked.returncode == 0 and "All checks passed (1 file)." in checked.stdout, checked.stderr
    page = rl("rules", "RL101")
    assert page.returncode == 0 and page.stdout.startswith("# RL101 mojibake"), page.stderr
    schema = rl("schema", "spec")
    assert schema.returncode == 0 and json.loads(schema.stdout)["$schema"].startswith("https://json-schema.org/")
