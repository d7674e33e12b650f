"""Shared helpers for the client benchmarks: sandbox start-up, timed runs of trino-tui's client and
the official `trino` client, a child-process runner that reports peak RSS, and a table printer.

All runs count rows and discard them (a "counting consumer"), so the figures measure the clients.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

EXPECTED_ROWS = {"tiny": 60_175, "sf1": 6_001_215}


def bytecode_env(env: dict[str, str], tree: Path | str) -> dict[str, str]:
    """*env* with bytecode caching on for *tree*'s modules, kept outside the tree
    (PYTHONPYCACHEPREFIX): an installed package has its .pyc files, and a child that compiles every
    module at start (PYTHONDONTWRITEBYTECODE=1) would time the compiler, not the program."""
    env = dict(env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    key = str(Path(tree).resolve()).strip("/").replace("/", "_")
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "trino-tui-bench-pycache", key)
    return env


def child_env(repo: Path | str = REPO, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a measured `python -m trino_tui` child running *repo*'s code: ours without
    TRINO_* settings, PYTHONPATH=*repo*, *extra* on top, bytecode cached (`bytecode_env`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRINO_")}
    env["PYTHONPATH"] = str(repo)
    env.update(extra or {})
    return bytecode_env(env, repo)


@dataclass
class Run:
    rows: int
    seconds: float
    rss_mb: float | None = None

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


class SandboxProcess:
    """The sandbox in its own process (so it does not share the GIL or the RSS of the clients),
    serving tpch.<scales> with the result cache on; ``url`` once started. Context manager."""

    def __init__(self, scales: tuple[str, ...], storage_latency: float = 0.0) -> None:
        self.args = [sys.executable, "-m", "trino_tui.sandbox", "--port", "0", "--cache-results",
                     "--schemas", ",".join(dict.fromkeys(("tiny", *scales))), "--storage-latency", str(storage_latency)]
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> "SandboxProcess":
        self.err = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=self.err, text=True,
                                     cwd=str(REPO), env={**os.environ, "PYTHONPATH": str(REPO)})
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("Sandbox coordinator:"):
                self.url = line.split(":", 1)[1].strip()
                return self
        code = self.proc.wait()
        self.err.seek(0)
        last = [line for line in self.err.read().splitlines() if line.startswith("trino-tui sandbox")][-1:]
        raise RuntimeError(f"sandbox did not start (exit code {code}): {' '.join(last)}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class ExternalSandbox:
    """An already running sandbox at *url* (context manager doing nothing; its knobs are the caller's)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> "ExternalSandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def lineitem_export(scale: str, server: str | None, storage_latency: float) -> tuple[str, object]:
    """The export benchmarks' statement (``SELECT * FROM tpch.<scale>.lineitem``) and the sandbox
    to run it on: *server* if given, else a new `SandboxProcess` with the result cache on."""
    sql = f"SELECT * FROM tpch.{scale}.lineitem"
    return sql, ExternalSandbox(server) if server else SandboxProcess((scale,), storage_latency)


def run_ours(url: str, scale: str, sql: str, encoding: str = "json+zstd", **knobs) -> Run:
    """trino-tui's client: iterate batches, count rows (*knobs*: extra ClientConfig fields)."""
    from trino_tui.client import ClientConfig, TrinoClient

    config = ClientConfig(server=url, user="bench", catalog="tpch", schema=scale, encoding=(encoding,), **knobs)
    t0 = time.perf_counter()
    rows = 0
    with TrinoClient(config) as client, client.execute(sql) as query:
        for batch in query.batches():
            rows += len(batch.wire_rows())
    return Run(rows, time.perf_counter() - t0)


def run_ours_runs(url: str, scale: str, sql: str, encoding: str = "json+zstd", **knobs) -> Run:
    """trino-tui's client as a consumer that takes rows in runs (a writer): decode="deferred" and
    ``Batch.row_runs()`` -- the segments are parsed in ~64 KB runs on the consumer's thread."""
    from trino_tui.client import ClientConfig, TrinoClient

    config = ClientConfig(server=url, user="bench", catalog="tpch", schema=scale, encoding=(encoding,),
                          decode="deferred", **knobs)
    t0 = time.perf_counter()
    rows = 0
    with TrinoClient(config) as client, client.execute(sql) as query:
        for batch in query.batches():
            for run in batch.row_runs():
                rows += len(run)
    return Run(rows, time.perf_counter() - t0)


def run_official(url: str, scale: str, sql: str, encoding: str = "json+zstd") -> Run:
    """The official client (dbapi): iterate the cursor row by row, count rows."""
    import trino.dbapi

    parts = urlsplit(url)
    t0 = time.perf_counter()
    conn = trino.dbapi.connect(host=parts.hostname, port=parts.port, user="bench", catalog="tpch", schema=scale,
                               http_scheme=parts.scheme, encoding=encoding)
    cur = conn.cursor()
    cur.execute(sql)
    rows = 0
    for _ in cur:
        rows += 1
    conn.close()
    return Run(rows, time.perf_counter() - t0)


def collect_payloads(url: str, scale: str, sql: str) -> list[tuple[bytes, int | None, str | None]]:
    """The segments of *sql* as delivered (payload, uncompressed size, encoding)."""
    from trino_tui.client import ClientConfig, TrinoClient

    config = ClientConfig(server=url, user="bench", catalog="tpch", schema=scale, encoding=("json+zstd",))
    out = []
    with TrinoClient(config) as client, client.execute(sql) as query:
        for batch in query.batches():
            if batch.payload is not None:
                out.append((batch.payload, batch.uncompressed_size, batch.encoding))
    return out


def decode_floor(payloads: list[tuple[bytes, int | None, str | None]]) -> Run:
    """Single-thread zstd decompress + orjson.loads of the same segments (GC off, as in the client)."""
    import orjson
    import zstandard

    d = zstandard.ZstdDecompressor()
    rows = 0
    was = gc.isenabled()
    gc.disable()
    t0 = time.perf_counter()
    try:
        for payload, usize, encoding in payloads:
            data = d.decompress(payload, max_output_size=usize) if usize else payload
            rows += len(orjson.loads(data))
    finally:
        if was:
            gc.enable()
    return Run(rows, time.perf_counter() - t0)


_CHILD = """
import json, sys
sys.path.insert(0, {repo!r})
from benchmarks._common import run_ours, run_ours_runs, run_official, peak_rss_mb
run = {func}({url!r}, {scale!r}, {sql!r}, **{knobs!r})
print(json.dumps({{"rows": run.rows, "seconds": run.seconds, "rss_mb": peak_rss_mb()}}))
"""


def peak_rss_mb() -> float:
    """Peak RSS of this process: VmHWM of its own address space (Linux), else ru_maxrss.

    ru_maxrss alone is misleading in a child: Linux carries the parent's high-water mark across
    fork+exec, so a child of a big parent reports at least the parent's peak."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_in_child(which: str, url: str, scale: str, sql: str, **knobs) -> Run:
    """Run one client in a fresh interpreter and report its peak RSS (see peak_rss_mb)."""
    func = {"ours": "run_ours", "ours_runs": "run_ours_runs", "official": "run_official"}[which]
    code = _CHILD.format(repo=str(REPO), func=func, url=url, scale=scale, sql=sql, knobs=knobs)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    if proc.returncode != 0:
        raise RuntimeError(f"{which} child failed: {proc.stderr.strip().splitlines()[-1:]}")
    doc = json.loads(proc.stdout.strip().splitlines()[-1])
    return Run(doc["rows"], doc["seconds"], doc["rss_mb"])


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.seconds)


def print_table(title: str, rows: list[tuple[str, str, str, str, str]]) -> None:
    header = ("measure", "trino-tui", "baseline", "ratio", "goal")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    print(f"\n{title}")
    for r in [header, *rows]:
        print("  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


async def grid_settled(pilot, grid) -> None:
    """Until the TUI grid's RowLoader has decoded (and the grid painted) what the screen shows."""
    import asyncio

    for _ in range(100):
        await pilot.pause()
        grid.refresh()
        await pilot.pause()
        if not grid.loader.busy:
            return
        await asyncio.get_running_loop().run_in_executor(None, grid.loader.wait_idle, 30)


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeRss:
    """Samples the summed RSS of a process and all its descendants (Linux /proc) every *interval*
    seconds on its own thread: ``start()``, ``stop()`` (joins within 2 s); ``peak_mb`` is the
    highest sum seen. os.wait4's ru_maxrss is the peak of the largest single process of the tree,
    not their sum (an export's worker processes come on top of the main process)."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        import threading

        self.pid, self.interval = pid, interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-rss", daemon=True)

    def start(self) -> "TreeRss":
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(_rss_kib(p) for p in _descendants(self.pid))
            self.peak_mb = max(self.peak_mb, total / 1024)
            self._stop.wait(self.interval)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join(2.0)
        return self.peak_mb
