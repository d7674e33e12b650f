#!/usr/bin/env python3
"""TUI benchmark (headless Pilot against a sandbox in a separate process).

Measures, for ``SELECT * FROM tpch.<schema>.lineitem`` (default sf1: 6,001,215 rows):
  * peak RSS of the TUI process holding the whole result browsable (goal ≤ 500 MB);
  * keypress → processed-and-refreshed latency p50/p95 while the result streams at full speed
    (goal p95 ≤ 50 ms) — measured around ``pilot.press`` (which waits until the key is handled and
    the screen updated) in the headless driver;
  * time from the first segment decoded (pipeline snapshot, same monotonic clock) to the first
    data row rendered by the grid (goal ≤ 100 ms).
The sandbox runs in its own process so DuckDB's memory is not counted. Prints measured vs goal.
Runs against whichever trino_tui is importable: ``PYTHONPATH=/tmp/before`` benchmarks an older
tree with the same command (its own sandbox too); both app APIs (ClientConfig / core Settings)
are supported. ``--quick``: tpch.tiny, 200 rows, prints the figures and asserts only that the
run finished with every row (no timing asserts) — a smoke test of the benchmark itself.

``--compare /tmp/before``: runs this tree and the other one, each in its own child process (and
its own sandbox), one after the other in the same invocation, and prints both side by side with
the new/old ratio (``--rounds N`` alternates them N times and keeps every run).
``--profile FILE``: cProfile of the UI thread (the asyncio loop) while the result streams.

Usage: .venv/bin/python benchmarks/tui_bench.py [--schema sf1|tiny] [--size 160x50] [--quick]
       .venv/bin/python benchmarks/tui_bench.py --compare /tmp/before [--limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

if not os.environ.get("PYTHONPATH"):  # PYTHONPATH=/tmp/before benchmarks that tree instead
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trino_tui.tui  # noqa: E402,F401 - before Textual: the app's frame cap (TEXTUAL_FPS)
from textual import events  # noqa: E402

import trino_tui  # noqa: E402
from trino_tui.tui.app import TrinoTuiApp  # noqa: E402
from trino_tui.tui.runtime import tune_runtime  # noqa: E402
from trino_tui.tui.clipboard import MemoryClipboard  # noqa: E402
from trino_tui.tui.widgets.grid import ResultGrid  # noqa: E402


ROOT = Path(trino_tui.__file__).resolve().parents[1]  # the tree under test (and its sandbox)


def make_app(url: str, sql: str, decoders: int | None, downloaders: int | None) -> TrinoTuiApp:
    """The app as run_tui builds it, on the new (core Settings) or the old (ClientConfig) API."""
    tuning = {k: v for k, v in (("decoders", decoders), ("downloaders", downloaders)) if v}
    if decoders:
        tuning["decode_window"] = decoders  # the decoder threads are capped at the decode window
    session = dict(server=url, user="bench", catalog="tpch", schema="tiny")
    if not (ROOT / "trino_tui" / "core" / "settings.py").exists():  # a tree from before core: ClientConfig
        from trino_tui.client import ClientConfig

        return TrinoTuiApp(ClientConfig(**session, **tuning), initial_sql=sql, clipboard=MemoryClipboard())
    from trino_tui.core.settings import TUI_DEFAULTS, resolve

    settings = resolve({}, env={}, overrides={**session, **tuning}, defaults=TUI_DEFAULTS)
    return TrinoTuiApp(settings, initial_sql=sql, clipboard=MemoryClipboard())


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """VmHWM of this process (ru_maxrss of a child starts at its parent's peak on Linux)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def start_sandbox(schema: str) -> tuple[subprocess.Popen, str]:
    """The sandbox CLI in a child process; returns (process, coordinator URL)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "trino_tui.sandbox", "--port", "0", "--schemas", f"tiny,{schema}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=str(ROOT),
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("Sandbox coordinator:"):
            return proc, line.split()[-1]
    proc.kill()
    raise SystemExit("the sandbox did not start")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


async def run(url: str, sql: str, size: tuple[int, int], decoders: int | None,
              downloaders: int | None = None, profile: str | None = None) -> dict[str, float]:
    app = make_app(url, sql, decoders, downloaders)
    app.animation_level = "none"
    first_paint: list[float] = []
    out: dict[str, float] = {}
    async with app.run_test(size=size) as pilot:
        grid = app.query_one(ResultGrid)
        original = grid.render_line
        probe: dict = {"before": None, "t0": 0.0, "done": None, "ms": 0.0}

        def render_line(y: int):
            now = time.perf_counter()
            strip = original(y)
            if not first_paint and grid.row_count > 0 and y >= 2 and strip.text.strip() not in ("", "…"):
                first_paint.append(time.monotonic())  # a data row, not a placeholder
            done = probe["done"]
            if done is not None and not done.is_set() and grid.cursor != probe["before"]:
                probe["ms"] = (now - probe["t0"]) * 1000
                done.set()
            return strip

        grid.render_line = render_line  # type: ignore[method-assign]

        async def key_latency(key: str) -> float:
            """ms from the key event entering the app to the grid repainting the moved cursor."""
            probe.update(before=grid.cursor, done=asyncio.Event(), t0=time.perf_counter())
            event = events.Key(key, None)
            event.set_sender(app)
            app._driver.send_message(event)
            await asyncio.wait_for(probe["done"].wait(), 10)
            probe["done"] = None
            await asyncio.sleep(0.03)  # typing pace: ~30 keys/s
            return probe["ms"]

        grid.focus()  # before the run: the footer re-composes for the grid's keys now, not while rows arrive
        for _ in range(3):
            await pilot.pause()
        out["rss_before_mb"] = rss_mb()
        t0 = time.monotonic()
        app.action_run_query()
        while grid.row_count < 2 and app.query_status == "streaming":
            await asyncio.sleep(0.005)
        latencies: list[float] = []
        pressed: list[float] = []  # when each key was sent, s after the run started
        i = 0
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        while app.query_status == "streaming":
            pressed.append(time.monotonic() - t0)
            latencies.append(await key_latency("down" if i % 2 == 0 else "up"))
            i += 1
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        out["query_s"] = time.monotonic() - t0
        out["rows"] = float(grid.row_count)
        out["status_ok"] = float(app.query_status == "finished")
        out["ctrl_end_ms"] = await key_latency("ctrl+end")
        out["last_row_visible"] = float(grid.cursor[0] == grid.row_count - 1)
        back = "pageup" if grid.row_count > 10_000 else "down"  # tiny results: stay off the first row
        idle = [await key_latency(back if j % 2 else "up") for j in range(60)]
        out["keys_streaming"] = float(len(latencies))
        out["lat_p50_ms"], out["lat_p95_ms"] = pct(latencies, 0.5), pct(latencies, 0.95)
        later = [ms for at, ms in zip(pressed, latencies) if at >= 2.0]
        out["lat_p95_after_2s_ms"] = pct(later, 0.95)  # without the run's start (footer, tabs, layout)
        out["slowest_keys"] = sorted(zip(latencies, pressed), reverse=True)[:8]  # type: ignore[assignment]
        out["idle_p50_ms"], out["idle_p95_ms"] = pct(idle, 0.5), pct(idle, 0.95)
        snap = app._snapshot
        segments = sorted(snap.segments if snap else (), key=lambda seg: seg.row_offset)
        if segments and first_paint:
            first = segments[0]  # the segment holding row 0: nothing can be painted before it
            start = first.decode_end or first.delivered_at
            if start is not None:
                out["first_paint_ms"] = (first_paint[0] - start) * 1000
            if first.delivered_at is not None:
                out["delivered_paint_ms"] = (first_paint[0] - first.delivered_at) * 1000
        store = app.store
        out["compact_mb"] = store.nbytes_compact / 2**20 if store else 0.0
        out["spilled_mb"] = store.nbytes_spilled / 2**20 if store else 0.0
        out["rss_after_mb"] = rss_mb()
        out["peak_rss_mb"] = peak_rss_mb()
    return out


def report(r: dict[str, float], sql: str, tuned: bool) -> list[tuple[str, float, float]]:
    print(f"{sql} (tune_runtime: {tuned}): {int(r['rows']):,} rows in {r['query_s']:.1f} s "
          f"(finished={bool(r['status_ok'])}, ctrl+end to last row visible={bool(r['last_row_visible'])}, "
          f"{r['ctrl_end_ms']:.0f} ms)")
    print(f"row store: {r['compact_mb']:.0f} MB compact in memory, {r['spilled_mb']:.0f} MB spilled; "
          f"RSS before query {r['rss_before_mb']:.0f} MB, after {r['rss_after_mb']:.0f} MB")
    slow = ", ".join(f"{ms:.0f} ms at {at:.1f} s" for ms, at in r.get("slowest_keys", []))
    print(f"slowest keys while streaming: {slow}")
    return [
        ("peak RSS holding the result (MB)", r["peak_rss_mb"], 500.0),
        (f"keypress latency p50 while streaming (ms, {int(r['keys_streaming'])} keys)", r["lat_p50_ms"], 50.0),
        ("keypress latency p95 while streaming (ms)", r["lat_p95_ms"], 50.0),
        ("keypress latency p95 while streaming, 2 s after the start (ms)", r["lat_p95_after_2s_ms"], 50.0),
        ("keypress latency p95 after the result is complete (ms)", r["idle_p95_ms"], 50.0),
        ("first segment (row 0) decoded -> first row painted (ms)", r.get("first_paint_ms", float("nan")), 100.0),
        ("first segment delivered to the app -> first row painted (ms)", r.get("delivered_paint_ms", float("nan")),
         100.0),
        ("query wall time while measuring (s)", r["query_s"], float("nan")),
    ]


def child_run(tree: str, argv: list[str]) -> dict[str, float]:
    """This script with *argv* + ``--json`` against *tree* (PYTHONPATH) in a child process."""
    env = dict(os.environ, PYTHONPATH=str(Path(tree).resolve()))
    proc = subprocess.run([sys.executable, __file__, *argv, "--json"], env=env, capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise SystemExit(f"the run against {tree} failed: {proc.stderr.strip().splitlines()[-1:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compare(other: str, argv: list[str], rounds: int) -> int:
    """This tree and *other*, alternately, each in its own process; prints both side by side."""
    here = str(Path(__file__).resolve().parents[1])
    runs: dict[str, list[dict[str, float]]] = {here: [], other: []}
    for _ in range(rounds):
        for tree in (here, other):
            runs[tree].append(child_run(tree, argv))
    for k in range(rounds):
        new = report(runs[here][k], f"{here}:", True)
        old = report(runs[other][k], f"{other}:", True)
        print(f"{'metric':62} {'this tree':>10} {'other':>10} {'this/other':>10} {'goal':>6}")
        for (name, a, goal), (_, b, _) in zip(new, old):
            name = name.split(" (ms, ")[0] + (" (ms)" if " (ms, " in name else "")
            print(f"{name:62} {a:10.1f} {b:10.1f} {a / b if b else float('nan'):9.2f}x {goal:6.0f}")
        print(f"keys measured while streaming: {int(runs[here][k]['keys_streaming'])} vs "
              f"{int(runs[other][k]['keys_streaming'])}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", default="sf1")
    parser.add_argument("--size", default="160x50")
    parser.add_argument("--limit", type=int, default=None, help="LIMIT the query (quicker runs)")
    parser.add_argument("--decoders", type=int, default=None, help="client decoder threads, and the decode window with them (default: ClientConfig's)")
    parser.add_argument("--downloaders", type=int, default=None,
                        help="client download threads (default: ClientConfig's)")
    parser.add_argument("--no-tune", action="store_true", help="skip tune_runtime() (what run_tui does)")
    parser.add_argument("--quick", action="store_true", help="tpch.tiny, LIMIT 200; asserts no timings")
    parser.add_argument("--compare", metavar="TREE", help="also run TREE (e.g. /tmp/before), side by side")
    parser.add_argument("--rounds", type=int, default=1, help="with --compare: alternate the trees N times")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the UI thread while streaming into FILE")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare:
        argv = [a for a in sys.argv[1:] if a not in ("--compare", args.compare, "--rounds", str(args.rounds))]
        return compare(args.compare, argv, args.rounds)
    if args.quick:
        args.schema, args.limit = "tiny", 200
    sql = f"SELECT * FROM tpch.{args.schema}.lineitem" + (f" LIMIT {args.limit}" if args.limit else "")
    if not args.no_tune:
        tune_runtime()
    width, height = (int(v) for v in args.size.split("x"))
    proc, url = start_sandbox(args.schema)
    try:
        r = asyncio.run(run(url, sql, (width, height), args.decoders, args.downloaders, args.profile))
    finally:
        proc.terminate()
        proc.wait(30)
    if args.json:
        print(json.dumps(r))
        return 0
    rows = report(r, sql, not args.no_tune)
    print(f"tree under test: {ROOT}")
    print(f"{'metric':62} {'measured':>10} {'goal':>8} {'measured/goal':>14}")
    for name, value, goal in rows:
        print(f"{name:62} {value:10.1f} {goal:8.0f} {value / goal:13.2f}x")
    if args.quick:
        assert r["status_ok"] == 1.0 and int(r["rows"]) == 200, r
    return 0


if __name__ == "__main__":
    sys.exit(main())
