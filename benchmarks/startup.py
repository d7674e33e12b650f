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

from benchmarks._common import SandboxProcess, bytecode_env  # noqa: E402

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
    return bytecode_env(env, tree)


def time_process(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds from spawn to exit, CPU seconds of the child: user + system, from os.wait4).
    ``python -m`` puts the working directory first on sys.path, so the child runs in the tree named
    by PYTHONPATH. On a loaded machine the CPU seconds are the steadier figure."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=env["PYTHONPATH"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]  # small: no deadlock
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or out.count(b"\n") != 3:
        raise SystemExit(f"{argv[:3]} failed ({proc.returncode}): {err.decode(errors='replace')[-300:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


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
    results: list[tuple[str, float, float, float | None]] = []
    with SandboxProcess(()) as sandbox:
        host, port = sandbox.url.split("://", 1)[1].rsplit(":", 1)
        for tree in trees:
            argv = [args.python, "-m", "trino_tui", "--server", sandbox.url, "--user", "bench", "--execute", SQL]
            time_process(argv, env_for(tree))  # warm the OS page cache
            timed = [time_process(argv, env_for(tree)) for _ in range(runs)]
            times = [t for t, _ in timed]
            results.append((f"trino-tui --execute ({tree.name})", statistics.median(times), min(times),
                            statistics.median(c for _, c in timed)))
        if args.official_python:
            argv = [args.official_python, "-c", OFFICIAL, host, port, SQL]
            time_process(argv, env_for(REPO))
            timed = [time_process(argv, env_for(REPO)) for _ in range(runs)]
            times = [t for t, _ in timed]
            results.append(("official client", statistics.median(times), min(times),
                            statistics.median(c for _, c in timed)))
        for tree in trees:
            try:
                paints = [first_paint(args.python, tree, sandbox.url) for _ in range(max(1, runs // 3))]
            except SystemExit as exc:  # the TUI of that tree did not start: say so, keep the other figures
                print(f"TUI first paint ({tree.name}): {exc}", file=sys.stderr)
                continue
            results.append((f"TUI first paint ({tree.name})", statistics.median(paints), min(paints), None))
    print(f"\nstart-up, whole processes, {args.python}, median of {runs} wall (min wall), median CPU s")
    for name, med, low, cpu in results:
        print(f"  {name:<44}{med:>8.3f} s  ({low:.3f})" + (f"  CPU {cpu:.3f} s" if cpu is not None else ""))
    base, base_cpu = results[0][1], results[0][3] or 1e-9
    for name, med, _, cpu in results[1:]:
        if cpu is not None:
            print(f"ratio {name} / {results[0][0]}: wall {med / base:.2f}x, CPU {cpu / base_cpu:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
