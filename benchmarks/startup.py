"""Start-up cost, whole processes: a 3-row ``trino-tui --execute`` versus the official client doing
the same, and the TUI's first paint, timed the same way (spawn to exit / spawn to first frame).

Measure a runtime-only install (what a user has): with the test extras installed, ``import httpx``
also imports its CLI through click and rich. Make one with
``python3 -m venv /tmp/rt && /tmp/rt/bin/pip install .`` and pass ``--python /tmp/rt/bin/python``;
``--tree DIR`` times another checkout of the code (e.g. an older one) with the same interpreter.
The official client is timed only when ``--official-python`` names an interpreter that has it.

    .venv/bin/python benchmarks/startup.py --quick
    .venv/bin/python benchmarks/startup.py --python /tmp/rt/bin/python --official-python .venv/bin/python
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._common import SandboxProcess  # noqa: E402

SQL = "SELECT nationkey, name FROM tpch.tiny.nation ORDER BY nationkey LIMIT 3"

OFFICIAL = r"""
import sys, trino
host, port, sql = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cur = trino.dbapi.connect(host=host, port=port, user="bench", http_scheme="http").cursor()
cur.execute(sql)
for row in cur.fetchall():
    print(",".join(f'"{v}"' for v in row))
"""


def env_for(tree: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRINO_")}
    env["PYTHONPATH"] = str(tree)
    return env


def time_process(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from spawn to exit (``python -m`` puts the working directory first on sys.path, so
    the child runs in the tree named by PYTHONPATH)."""
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=env["PYTHONPATH"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or proc.stdout.count(b"\n") != 3:
        raise SystemExit(f"{argv[:3]} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-300:]}")
    return elapsed


def first_paint(python: str, tree: Path, url: str, timeout: float = 20.0) -> float:
    """Spawn the TUI on a pseudo-terminal; seconds until its first frame (a bordered widget) is written."""
    argv = [python, "-m", "trino_tui", "--server", url, "--user", "bench"]
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child: the TUI on a 120x40 terminal
        os.environ.update(env_for(tree), TERM="xterm-256color", COLUMNS="120", LINES="40")
        os.chdir(tree)
        os.execv(python, argv)
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
                if b"\x1b[1;1H" in seen and b"\xe2\x95\xad" in seen:  # the first frame: a bordered widget
                    return time.perf_counter() - start
        raise SystemExit("the TUI painted nothing recognisable in time")
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python", default=sys.executable, help="interpreter of the install to time")
    ap.add_argument("--official-python", default=None, help="interpreter that has the official `trino` package")
    ap.add_argument("--tree", action="append", default=None, help="code checkout(s) to time (default: this one)")
    ap.add_argument("--runs", type=int, default=15, help="runs per variant (median reported)")
    ap.add_argument("--quick", action="store_true", help="3 runs: a smoke test (asserts nothing)")
    args = ap.parse_args()
    runs = 3 if args.quick else args.runs
    trees = [Path(t).resolve() for t in (args.tree or [str(REPO)])]
    results: list[tuple[str, float, float]] = []
    with SandboxProcess(()) as sandbox:
        host, port = sandbox.url.split("://", 1)[1].rsplit(":", 1)
        for tree in trees:
            argv = [args.python, "-m", "trino_tui", "--server", sandbox.url, "--user", "bench", "--execute", SQL]
            time_process(argv, env_for(tree))  # warm the OS page cache
            times = [time_process(argv, env_for(tree)) for _ in range(runs)]
            results.append((f"trino-tui --execute ({tree.name})", statistics.median(times), min(times)))
        if args.official_python:
            argv = [args.official_python, "-c", OFFICIAL, host, port, SQL]
            time_process(argv, env_for(REPO))
            times = [time_process(argv, env_for(REPO)) for _ in range(runs)]
            results.append(("official client", statistics.median(times), min(times)))
        for tree in trees:
            paints = [first_paint(args.python, tree, sandbox.url) for _ in range(max(1, runs // 3))]
            results.append((f"TUI first paint ({tree.name})", statistics.median(paints), min(paints)))
    print(f"\nstart-up, whole processes, {args.python}, median of {runs} (min)")
    for name, med, low in results:
        print(f"  {name:<44}{med:>8.3f} s  ({low:.3f})")
    base = results[0][1]
    for name, med, _ in results[1:]:
        if "first paint" not in name:
            print(f"ratio {name} / {results[0][0]}: {med / base:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
