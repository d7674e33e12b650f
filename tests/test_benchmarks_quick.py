"""CI smoke: every benchmarks/*.py script runs with --quick and exits 0 (timings are printed, never asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = sorted(p.name for p in (REPO / "benchmarks").glob("*.py") if not p.name.startswith("_"))


def test_every_benchmark_script_is_covered() -> None:
    assert {"export_vs_official.py", "client_vs_official.py", "startup.py", "tui_bench.py", "go_vs_tui.py",
            "export_profile.py", "explore_bench.py"} <= set(SCRIPTS)


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_quick_runs(script: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRINO_")}
    env["PYTHONPATH"] = str(REPO)
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / script), "--quick"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"{script} --quick exited {proc.returncode}:\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}"
