"""Start-up cost, whole processes: a 3-row ``trino-tui --execute`` versus the official client doing
the same, and the TUI's first paint, timed the same way (spawn to exit / spawn to first frame),
each beside its floor measured in the same run.

Measure a runtime-only install (what a user has): with the test extras installed, ``import httpx``
also imports its CLI through click and rich. Make one with
``python3 -m venv /tmp/rt && /tmp/rt/bin/pip install .`` and pass ``--python /tmp/rt/bin/python``;
``--tree DIR`` times another checkout of the code (e.g. an older one) with the same interpreter
(PYTHONPATH=DIR, so it wins over the installed copy). The command timed is the install's
``trino-tui`` console script when it has one (what a user types), else ``python -m trino_tui``.
The official client is timed only when ``--official-python`` names an interpreter that has it.

Floors (same interpreter, same server, same timing): ``python -c pass``; ``import httpx``; a bare
httpx statement loop (POST, follow nextUri, print 3 rows: what any httpx-based client pays); and
a minimal Textual app (one bordered Static and a Footer) for the TUI's first paint.

    .venv/bin/python benchmarks/startup.py --quick
    .venv/bin/python benchmarks/startup.py --python /tmp/rt/bin/python --official-python .venv/bin/python \\
        --tree . --tree /tmp/before
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
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._common import SandboxProcess, child_env  # noqa: E402

SQL = "SELECT nationkey, name FROM tpch.tiny.nation ORDER BY nationkey LIMIT 3"

OFFICIAL = r"""
import sys, trino
host, port, sql = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cur = trino.dbapi.connect(host=host, port=port, user="bench", http_scheme="http").cursor()
cur.execute(sql)
for row in cur.fetchall():
    print(",".join(f'"{v}"' for v in row))
"""

BARE_HTTPX = r"""
import sys, httpx
url, sql = sys.argv[1], sys.argv[2]
with httpx.Client(headers={"X-Trino-User": "bench"}, verify=False) as c:  # plain http: no CA bundle to load
    r = c.post(url + "/v1/statement", content=sql.encode()).json()
    rows = list(r.get("data") or [])
    while r.get("nextUri"):
        r = c.get(r["nextUri"]).json()
        rows.extend(r.get("data") or [])
for row in rows:
    print(",".join(f'"{v}"' for v in row))
"""

MINIMAL_TEXTUAL = r"""
from textual.app import App
from textual.widgets import Footer, Static

class Minimal(App):
    CSS = "Static { border: round $accent; height: 1fr; }"

    def compose(self):
        yield Static("hello")
        yield Footer()

Minimal().run()
"""


def trino_tui_command(python: str) -> list[str]:
    """The install's console script (what a user runs), else ``python -m trino_tui``."""
    script = Path(python).with_name("trino-tui")
    return [str(script)] if script.exists() else [python, "-m", "trino_tui"]


def time_process(argv: list[str], env: dict[str, str], lines: int | None = 3) -> tuple[float, float]:
    """(seconds from spawn to exit, CPU seconds of the child: user + system, from os.wait4).
    ``python -m`` puts the working directory first on sys.path, so the child runs in the tree named
    by PYTHONPATH. On a loaded machine the CPU seconds are the steadier figure."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=env["PYTHONPATH"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]  # small: no deadlock
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or (lines is not None and out.count(b"\n") != lines):
        raise SystemExit(f"{argv[:3]} failed ({proc.returncode}): {err.decode(errors='replace')[-300:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def first_paint(argv: list[str], tree: Path, timeout: float = 20.0) -> float:
    """Spawn *argv* on a pseudo-terminal; seconds until its first frame (a bordered widget) is written."""
    env = {**child_env(tree), "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child: the TUI on a 120x40 terminal, with exactly *env* (os.environ.update would keep
        os.chdir(tree)  # PYTHONDONTWRITEBYTECODE=1 from ours: every start would compile Textual again)
        os.execve(argv[0], argv, env)
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.01)
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


Result = tuple[str, float, float, "float | None"]


def interleaved(variants: list[tuple[str, Callable[[], tuple[float, float | None]]]], runs: int) -> list[Result]:
    """Each variant once per round, *runs* rounds after a warm-up round (page and bytecode caches),
    so a change in the machine's load hits every variant alike. A variant that fails is reported
    on stderr and left out (e.g. an old tree's TUI that does not start)."""
    samples: dict[str, list[tuple[float, float | None]]] = {name: [] for name, _ in variants}
    failed: set[str] = set()
    for round_no in range(runs + 1):
        for name, measure in variants:
            if name in failed:
                continue
            try:
                sample = measure()
            except SystemExit as exc:
                print(f"{name}: {exc}", file=sys.stderr)
                failed.add(name)
                continue
            if round_no:
                samples[name].append(sample)
    out: list[Result] = []
    for name, _ in variants:
        got = samples[name]
        if name in failed or not got:
            continue
        walls = [w for w, _ in got]
        cpus = [c for _, c in got if c is not None]
        out.append((name, statistics.median(walls), min(walls), statistics.median(cpus) if cpus else None))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python", default=sys.executable, help="interpreter of the install to time")
    ap.add_argument("--official-python", default=None, help="interpreter that has the official `trino` package")
    ap.add_argument("--tree", action="append", default=None, help="code checkout(s) to time (default: this one)")
    ap.add_argument("--runs", type=int, default=15, help="runs per variant (median reported)")
    ap.add_argument("--paint-runs", type=int, default=None, help="first-paint runs per variant (default runs // 2)")
    ap.add_argument("--quick", action="store_true", help="3 runs: a smoke test (asserts nothing)")
    args = ap.parse_args()
    runs = 3 if args.quick else args.runs
    paint_runs = 1 if args.quick else (args.paint_runs or max(1, runs // 2))
    trees = [Path(t).resolve() for t in (args.tree or [str(REPO)])]
    command = trino_tui_command(args.python)
    with SandboxProcess(()) as sandbox:
        host, port = sandbox.url.split("://", 1)[1].rsplit(":", 1)

        def process(argv: list[str], tree: Path, lines: int | None = 3) -> Callable[[], tuple[float, float | None]]:
            return lambda: time_process(argv, child_env(tree), lines)

        def paint(argv: list[str], tree: Path) -> Callable[[], tuple[float, float | None]]:
            return lambda: (first_paint(argv, tree), None)

        processes = [(f"trino-tui --execute ({tree.name})",
                      process([*command, "--server", sandbox.url, "--user", "bench", "--execute", SQL], tree))
                     for tree in trees]
        if args.official_python:
            processes.append(("official client", process([args.official_python, "-c", OFFICIAL, host, port, SQL], REPO)))
        processes += [
            ("floor: bare httpx statement loop", process([args.python, "-c", BARE_HTTPX, sandbox.url, SQL], REPO)),
            ("floor: python -c 'import httpx'", process([args.python, "-c", "import httpx"], REPO, None)),
            ("floor: python -c pass", process([args.python, "-c", "pass"], REPO, None)),
        ]
        paints = [(f"TUI first paint ({tree.name})", paint([*command, "--server", sandbox.url, "--user", "bench"], tree))
                  for tree in trees]
        paints.append(("floor: minimal Textual app first paint", paint([args.python, "-c", MINIMAL_TEXTUAL], REPO)))
        results = interleaved(processes, runs) + interleaved(paints, paint_runs)
    print(f"\nstart-up, whole processes, {' '.join(command)} ({args.python}); "
          f"median of {runs} ({paint_runs} for paints) wall (min wall), median CPU s")
    for name, med, low, cpu in results:
        print(f"  {name:<44}{med:>8.3f} s  ({low:.3f})" + (f"  CPU {cpu:.3f} s" if cpu is not None else ""))
    base, base_cpu = results[0][1], results[0][3] or 1e-9
    for name, med, _, cpu in results[1:]:
        if cpu is not None and not name.startswith("floor: python"):
            print(f"ratio {name} / {results[0][0]}: wall {med / base:.2f}x, CPU {cpu / base_cpu:.2f}x")
    floor = next((med for name, med, _, _ in results if name.startswith("floor: minimal Textual")), None)
    for name, med, _, _ in results:
        if floor and name.startswith("TUI first paint"):
            print(f"{name}: {med - floor:+.3f} s over the minimal Textual app")
    return 0


if __name__ == "__main__":
    sys.exit(main())
