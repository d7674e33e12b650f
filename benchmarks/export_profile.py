"""Where the time of a CSV export goes: cProfile (stdlib) of `trino-tui --execute ... --output-file`.

Each variant is a whole `python -m cProfile -m trino_tui ...` process against one sandbox (started
here, or ``--server URL`` of a running `trino-tui sandbox --cache-results`); the worker processes of
the parallel export are profiled too (``TRINO_TUI_WORKER_PROFILE``). cProfile sees the main thread
of each process only: the client's pipeline threads (downloads, eager decoding) show up as the main
thread waiting (every thread of every process, sampled: export_pyspy.py). Prints, per variant:
wall, CPU seconds (os.wait4: the process and its reaped workers), time by bucket (parse, format,
write, IPC, waiting) and the top functions by own time.

    .venv/bin/python benchmarks/export_profile.py --quick
    .venv/bin/python benchmarks/export_profile.py --scale sf1 --server http://127.0.0.1:PORT --baseline /tmp/before
"""

from __future__ import annotations

import argparse
import glob
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks._common import child_env, lineitem_export  # noqa: E402

# (bucket, substrings of "file:function"); the first match wins
BUCKETS = (
    ("parse (zstd + orjson)", ("codecs.py", "decode_payload", "orjson.loads", "decompress", "wire_rows")),
    ("format (rowfmt/writers)", ("row formatter", "csv_tsv.py", "json_lines.py", "rowfmt.py", "text.py",
                                 "str' objects", "'encode' of")),
    ("IPC (pickle, pipes)", ("worker.py", "parallel.py", "pickle", "_pickle")),
    ("write (output file)", ("'write' of", "BufferedWriter", "atomic.py", "fsync")),
    ("waiting (locks, queues)", ("acquire", "'wait' of", "queue.py", "threading.py", "'read' of")),
)


def bucket_times(stats: pstats.Stats) -> dict[str, float]:
    out = {name: 0.0 for name, _ in BUCKETS}
    out["other"] = 0.0
    for (file, _line, func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        key = f"{file}:{func}"
        for name, needles in BUCKETS:
            if any(n in key for n in needles):
                out[name] += tottime
                break
        else:
            out["other"] += tottime
    return out


def show(title: str, paths: list[str], top: int) -> None:
    if not paths:
        print(f"  ({title}: no profile written)")
        return
    stats = pstats.Stats(paths[0], stream=io.StringIO())
    for p in paths[1:]:
        stats.add(p)
    total = sum(bucket_times(stats).values()) or 1e-9
    print(f"  {title}: {total:.2f} s profiled")
    for name, secs in bucket_times(stats).items():
        print(f"    {name:<26}{secs:>8.2f} s {100 * secs / total:>5.1f} %")
    buf = io.StringIO()
    stats.stream = buf  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(top)
    lines = [ln for ln in buf.getvalue().splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    for ln in lines[start:start + top + 1]:
        print(f"      {ln[:150]}")


def run_variant(name: str, tree: str, url: str, sql: str, tmp: str, workers: str | None, extra: list[str],
                top: int) -> None:
    prof = os.path.join(tmp, f"{name.replace(' ', '_')}.prof")
    wdir = os.path.join(tmp, name.replace(" ", "_") + "-workers")
    os.makedirs(wdir, exist_ok=True)
    out = os.path.join(tmp, "out.csv")
    env = {"TRINO_TUI_WORKER_PROFILE": wdir}
    if workers is not None:
        env["TRINO_TUI_EXPORT_WORKERS"] = workers
    argv = [sys.executable, "-m", "cProfile", "-o", prof, "-m", "trino_tui", "--server", url, "--user", "bench",
            "--encoding", "json+zstd", "--execute", sql, "--output-format", "CSV", "--output-file", out,
            "--no-progress", *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=child_env(tree, env), cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    print(f"\n== {name}: exit {code}, wall {wall:.2f} s, CPU {usage.ru_utime + usage.ru_stime:.2f} s "
          f"(process + workers), peak RSS {usage.ru_maxrss / 1024:.0f} MB")
    if code != 0:
        print(f"  failed: {err.decode(errors='replace').strip()[:300]}")
    show("main process (main thread)", [prof] if os.path.exists(prof) else [], top)
    workers_profiles = sorted(glob.glob(os.path.join(wdir, "worker-*.prof")))
    if workers_profiles:
        show(f"{len(workers_profiles)} worker process(es), summed", workers_profiles, top)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", choices=("tiny", "sf1"), default="tiny")
    ap.add_argument("--server", help="a running `trino-tui sandbox --cache-results` (else one is started)")
    ap.add_argument("--baseline", metavar="PATH", help="also profile the source tree at PATH (before/after)")
    ap.add_argument("--top", type=int, default=12, help="functions listed per profile")
    ap.add_argument("--quick", action="store_true", help="tpch.tiny, short listing: a smoke test")
    args = ap.parse_args()
    if args.quick:
        args.scale, args.top = "tiny", 5
    sql, cm = lineitem_export(args.scale, args.server, 0.05)
    with tempfile.TemporaryDirectory(prefix="export-profile-") as tmp, cm as sandbox:
        print(f"profiling `{sql}` to CSV against {sandbox.url}")
        if not args.server:  # fill the sandbox's result cache first
            subprocess.run([sys.executable, "-m", "trino_tui", "--server", sandbox.url, "--user", "bench",
                            "--encoding", "json+zstd", "--execute", sql, "--output-format", "NULL"],
                           env=child_env(), check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if args.baseline:
            run_variant("before (baseline tree)", args.baseline, sandbox.url, sql, tmp, None, [], args.top)
        run_variant("after, in process (workers=0, --decode deferred)", str(REPO), sandbox.url, sql, tmp, "0",
                    ["--decode", "deferred"], args.top)
        run_variant("after, export workers (default)", str(REPO), sandbox.url, sql, tmp, None, [], args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
