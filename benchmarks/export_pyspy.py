"""Where the time of a CSV export goes, by process and thread: py-spy samples of
`trino-tui --execute ... --output-format CSV --output-file ...` and its export worker processes.

py-spy runs as the parent of the export (``py-spy record --format raw --subprocesses --threads
--idle --nonblocking --rate N -o FILE -- python -m trino_tui ...``), so it may ptrace its own
children even where attaching to a foreign PID is not allowed. The export runs against a sandbox
started here (result cache on, warmed first; ``--latency`` per segment request) or ``--server``.
The folded stacks are then summed per process and thread into a short table: % of samples in
parsing (zstd + orjson), formatting, IPC (the export workers' pipes), file writing, network
(sockets, incl. waiting on them), waiting (locks, queues, sleeps, a
worker pipe's next message), start-up imports and other
Python code (py-spy sees Python frames: a C call such as a file write counts for its caller).
Prints the table; checks nothing.

Hangs: py-spy's default (blocking) mode pauses every thread of the target for each sample; with a
process that spawns workers, that lock sometimes never returns (py-spy issue #732, seen here
as "hangs before the first sample" in 2 of 4 runs). ``--nonblocking`` reads the stacks without
pausing anyone, and the whole process group is killed after ``--timeout`` seconds regardless.
Without py-spy, or where it may not ptrace, the script says so and exits 0 (``--quick`` included).

    .venv/bin/python benchmarks/export_pyspy.py --quick
    .venv/bin/python benchmarks/export_pyspy.py --scale sf1 --latency 0.05

Sample output (2026-12-01, 2 shared cores, load ~1.6; tpch.sf1.lineitem, 6 M rows, 954.5 MB of CSV,
50 ms/segment, 100 Hz; exit 0, wall 16.0 s sampled). "export worker x2" rows sum both worker
processes; "thread-s" = seconds of samples of those threads (idle ones included):

  process           thread(s)             samples  thread-s  parse  format  IPC  write  network  waiting  start-up  other
  main              download              7336     73.4      0%     0%      0%   0%     17%      82%      0%        1%
  export worker x2  MainThread            3158     31.6      23%    68%     0%   0%     0%       7%       1%        0%
  export worker x2  format-worker-writer  3135     31.4      0%     0%      51%  0%     0%       49%      0%        0%
  export worker x2  format-worker-reader  3135     31.4      0%     0%      13%  0%     0%       87%      0%        0%
  main              decode                3076     30.8      0%     0%      0%   0%     0%       100%     0%        0%
  main              MainThread            1627     16.3      0%     0%      56%  23%    0%       18%      1%        2%
  main              trino-ack             1565     15.7      0%     0%      0%   0%     3%       97%      0%        0%
  main              trino-heartbeat       1564     15.6      0%     0%      0%   0%     0%       100%     0%        0%
  main              trino-dispatcher      1464     14.6      0%     0%      0%   0%     0%       100%     0%        0%
  main              trino-fetcher         30       0.3       0%     0%      0%   0%     97%      0%       0%        3%
  all                                     26090    260.9     3%     8%      11%  1%     5%       71%      0%        0%
  of the samples neither waiting nor on the network: parse 12%, format 34%, IPC 46%, write 6%, start-up 1%, other 2%

Reading: the two worker processes' main threads are the busy ones (format 68 %, parse 23 %: both
cores); the main process's thread moves bytes (56 % IPC: payloads out, CSV back; 23 % writing the
file) and waits 18 %; the pipeline's decoders idle (the export decodes in the workers).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._common import child_env, lineitem_export  # noqa: E402

# (bucket, predicate on one frame's (function, file)); frames are scanned from the leaf up and the
# first frame that matches decides the sample's bucket. py-spy qualifies functions ("Condition.wait").
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")
_WAIT_FILES = ("threading.py", "queue.py", "channels.py", "selectors.py", "cancel.py")


def _lines(rel: str, needle: str) -> frozenset[int]:
    """Line numbers of trino_tui/*rel* that contain *needle* (so the buckets follow the source)."""
    src = (REPO / "trino_tui" / rel).read_text().splitlines()
    return frozenset(i for i, line in enumerate(src, 1) if needle in line)


# a thread reading a message's length prefix waits for the other side of the pipe (the body's
# transfer that follows is IPC); the parallel writer's output write is the file write
PIPE_WAIT = _lines("export/worker.py", "head = stream.read(")
FILE_WRITE = _lines("export/parallel.py", "self._out.write(")
IPC_FUNCS = ("read_message", "write_message", "write_result", "ResultReader.read", "_send", "_reader")
BUCKETS: tuple[tuple[str, object], ...] = (
    ("waiting", lambda f, p, n: p.endswith(_WAIT_FILES) and f.rsplit(".", 1)[-1] in (
        "wait", "acquire", "get", "join", "_wait_for_tstate_lock", "select", "poll")
     or f.rsplit(".", 1)[-1] in ("sleep", "select", "poll") or p.endswith("export/worker.py") and n in PIPE_WAIT),
    ("write", lambda f, p, n: p.endswith(("atomic.py", "_pyio.py")) or f.rsplit(".", 1)[-1] in ("flush", "fsync")
     or p.endswith("export/parallel.py") and n in FILE_WRITE),
    ("IPC", lambda f, p, n: p.endswith("export/worker.py") and f in IPC_FUNCS
     or p.endswith(("connection.py", "reduction.py", "pickle.py"))),
    ("network", lambda f, p, n: any(s in p for s in ("httpcore", "httpx", "h11", "socket.py", "ssl.py", "netguard.py",
                                                  "transport.py", "retry.py"))),
    ("parse", lambda f, p, n: p.endswith(("codecs.py", "batch.py", "decoder.py", "gcpolicy.py"))
     or "orjson" in p or "zstandard" in p),
    ("format", lambda f, p, n: "row formatter" in p or f.startswith("_Formatter.") or any(s in p for s in (
        "rowfmt", "csv_tsv", "json_lines", "writers", "export/text.py", "export/formats"))),
    ("start-up", lambda f, p, n: "importlib" in p or p.startswith("<frozen importlib")),
)
COLUMNS = ("parse", "format", "IPC", "write", "network", "waiting", "start-up", "other")


def parse_raw(path: str) -> Counter[tuple[str, ...]]:
    """py-spy's raw output: one ``frame;frame;...;leaf COUNT`` line per distinct stack."""
    stacks: Counter[tuple[str, ...]] = Counter()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if stack and count.isdigit():
                stacks[tuple(stack.split(";"))] += int(count)
    return stacks


def classify(frames: tuple[str, ...]) -> str:
    for frame in reversed(frames):
        m = _FRAME.match(frame)
        if not m:
            continue
        func, path, line = m.group("func"), m.group("file"), int(m.group("line") or 0)
        for name, pred in BUCKETS:
            if pred(func, path, line):  # type: ignore[operator]
                return name
    return "other"


def split_roots(frames: tuple[str, ...]) -> tuple[str, str, tuple[str, ...]]:
    """(process kind, thread kind, python frames) of one folded stack: the innermost
    ``process PID:"cmd"`` frame (workers nest under the main process) and ``thread (TID): name``
    (the name without its ``-N``: 5 downloaders are one row; a thread without a readable name
    whose id is its process's is MainThread)."""
    procs = [f for f in frames if f.startswith("process ")]
    threads = [f for f in frames if f.startswith("thread ")]
    rest = tuple(f for f in frames if not f.startswith(("process ", "thread ")))
    pid, cmd = "?", ""
    if procs:
        m = re.match(r'process (\d+):"?(.*?)"?$', procs[-1])
        pid, cmd = (m.group(1), m.group(2)) if m else ("?", procs[-1])
    kind = "export worker" if "export.worker" in cmd else "main"
    kind = f"{kind} {pid}"
    thread = "?"
    if threads:
        m = re.match(r"thread \((\w+)\):?\s*(.*)$", threads[-1])
        if m:
            tid, name = m.group(1), m.group(2).strip()
            thread = re.sub(r"-\d+$", "", name) if name else ("MainThread" if tid == pid else f"thread {tid}")
    return kind, thread, rest


def table(stacks: Counter[tuple[str, ...]]) -> list[tuple[str, str, int, dict[str, int]]]:
    """Samples per (process kind, thread kind), and per bucket, biggest first."""
    rows: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    pids: dict[str, set[str]] = defaultdict(set)
    for frames, count in stacks.items():
        proc, thread, py = split_roots(frames)
        kind, _, pid = proc.rpartition(" ")
        pids[kind].add(pid)
        rows[(kind, thread)][classify(py)] += count
    n = {kind: f"{kind} x{len(p)}" if len(p) > 1 else kind for kind, p in pids.items()}
    rows = {(n[kind], thread): c for (kind, thread), c in rows.items()}
    return [(proc, thread, sum(c.values()), dict(c))
            for (proc, thread), c in sorted(rows.items(), key=lambda kv: -sum(kv[1].values()))]


def render(rows: list[tuple[str, str, int, dict[str, int]]], rate: int) -> str:
    total = sum(r[2] for r in rows) or 1
    head = ("process", "thread(s)", "samples", "thread-s", *COLUMNS)
    lines = [head]
    procs: Counter[str] = Counter()
    for proc, stage, n, counts in rows:
        procs[proc] += n
        lines.append((proc, stage, str(n), f"{n / rate:.1f}",
                      *(f"{100 * counts.get(c, 0) / n:.0f}%" for c in COLUMNS)))
    sums: Counter[str] = Counter()
    for *_, counts in rows:
        sums.update(counts)
    lines.append(("all", "", str(total), f"{total / rate:.1f}",
                  *(f"{100 * sums.get(c, 0) / total:.0f}%" for c in COLUMNS)))
    widths = [max(len(r[i]) for r in lines) for i in range(len(head))]
    text = ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in lines]
    busy = {c: sums.get(c, 0) for c in COLUMNS if c not in ("waiting", "network")}
    cpu = sum(busy.values()) or 1
    text.append("  of the samples neither waiting nor on the network: "
                + ", ".join(f"{c} {100 * v / cpu:.0f}%" for c, v in busy.items()))
    return "\n".join(text)


def can_ptrace(pyspy: str, timeout: float) -> str | None:
    """None if py-spy can record a trivial child here, else the reason (one line)."""
    with tempfile.TemporaryDirectory(prefix="pyspy-probe-") as tmp:
        out = os.path.join(tmp, "probe.txt")
        argv = [pyspy, "record", "--format", "raw", "--nonblocking", "--rate", "50", "-o", out, "--",
                sys.executable, "-c", "import time\nt=time.time()\nwhile time.time()-t<0.5: pass"]
        code, err = run_group(argv, timeout, os.path.join(tmp, "probe.log"))
        if code == 0 and os.path.exists(out):
            return None
        last = (err.strip().splitlines() or [f"exit {code}"])[-1]
        return f"py-spy cannot sample here ({last[:160]})"


def run_group(argv: list[str], timeout: float, log: str, env: dict[str, str] | None = None,
              cwd: str | None = None) -> tuple[int | None, str]:
    """Run *argv* in its own process group, output to *log*; kill the group after *timeout* s.
    (exit code or None on timeout, the log's text). No pipes: nothing can block on a full pipe."""
    with open(log, "w+b") as logf:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT, env=env,
                                cwd=cwd, start_new_session=True)
        try:
            code: int | None = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            code = None
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # py-spy and the export it started (our own group)
            except ProcessLookupError:
                pass
            proc.wait(10)
        logf.seek(0)
        return code, logf.read().decode(errors="replace")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", choices=("tiny", "sf1"), default="sf1")
    ap.add_argument("--server", help="a running `trino-tui sandbox --cache-results` (else one is started)")
    ap.add_argument("--latency", type=float, default=0.05, help="storage latency per segment request (s)")
    ap.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    ap.add_argument("--timeout", type=float, default=300.0, help="kill py-spy and the export after this many s")
    ap.add_argument("--raw", metavar="FILE", help="keep py-spy's raw folded stacks here")
    ap.add_argument("--py-spy", dest="pyspy",
                    default=shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy")))
    ap.add_argument("--quick", action="store_true", help="tpch.tiny, 60 s timeout: a smoke test")
    args = ap.parse_args()
    if args.quick:
        args.scale, args.timeout = "tiny", 60.0
    if not os.path.exists(args.pyspy):
        print(f"skipped: py-spy not found ({args.pyspy}); pip install py-spy")
        return 0
    reason = can_ptrace(args.pyspy, 30.0)
    if reason:
        print(f"skipped: {reason}")
        return 0
    sql, cm = lineitem_export(args.scale, args.server, args.latency)
    with tempfile.TemporaryDirectory(prefix="export-pyspy-") as tmp, cm as sandbox:
        out = os.path.join(tmp, "out.csv")
        raw = args.raw or os.path.join(tmp, "stacks.txt")
        base = ["-m", "trino_tui", "--server", sandbox.url, "--user", "bench", "--encoding", "json+zstd",
                "--execute", sql, "--no-progress"]
        env = child_env()
        if not args.server:  # fill the sandbox's result cache first
            subprocess.run([sys.executable, *base, "--output-format", "NULL"], env=env, cwd=str(REPO), check=False,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        argv = [args.pyspy, "record", "--format", "raw", "--subprocesses", "--threads", "--idle", "--nonblocking",
                "--rate", str(args.rate), "-o", raw, "--", sys.executable, *base, "--output-format", "CSV",
                "--output-file", out]
        print(f"py-spy (as the parent, --nonblocking) of `{sql}` to CSV against {sandbox.url} "
              f"({args.latency * 1000:.0f} ms/segment), {args.rate} Hz", flush=True)
        start = time.perf_counter()
        code, log = run_group(argv, args.timeout, os.path.join(tmp, "pyspy.log"), env=env, cwd=str(REPO))
        wall = time.perf_counter() - start
        if code is None:
            print(f"py-spy did not finish within {args.timeout:.0f} s: killed (its process group)")
            return 1
        size = os.path.getsize(out) / 1e6 if os.path.exists(out) else 0.0
        print(f"exit {code}, wall {wall:.1f} s (sampled), {size:,.1f} MB of CSV")
        if not os.path.exists(raw):
            print(f"no samples written: {(log.strip().splitlines() or ['?'])[-1][:200]}")
            return 1 if not args.quick else 0
        stacks = parse_raw(raw)
        print(f"\n{sum(stacks.values())} samples ({args.rate} Hz; every thread, idle ones included), "
              f"% of each row's samples:")
        print(render(table(stacks), args.rate))
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
