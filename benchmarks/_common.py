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
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

EXPECTED_ROWS = {"tiny": 60_175, "sf1": 6_001_215}


@dataclass
class Run:
    rows: int
    seconds: float
    rss_mb: float | None = None

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def start_sandbox(scale: str, **knobs):
    """A started Sandbox serving tpch.<scale> with the result cache on (pre-spooled segments)."""
    from trino_tui.sandbox import Sandbox, SandboxConfig

    schemas = tuple(dict.fromkeys(("tiny", scale)))
    return Sandbox(SandboxConfig(port=0, cache_results=True, schemas=schemas, **knobs)).start()


def run_ours(url: str, scale: str, sql: str, encoding: str = "json+zstd") -> Run:
    """trino-tui's client: iterate batches, count rows."""
    from trino_tui.client import ClientConfig, TrinoClient

    config = ClientConfig(server=url, user="bench", catalog="tpch", schema=scale, encoding=(encoding,))
    t0 = time.perf_counter()
    rows = 0
    with TrinoClient(config) as client, client.execute(sql) as query:
        for batch in query.batches():
            rows += len(batch.rows)
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
import json, resource, sys, time
sys.path.insert(0, {repo!r})
from benchmarks._common import run_ours, run_official
run = {func}({url!r}, {scale!r}, {sql!r})
print(json.dumps({{"rows": run.rows, "seconds": run.seconds,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run_in_child(which: str, url: str, scale: str, sql: str) -> Run:
    """Run one client in a fresh interpreter and report its peak RSS (ru_maxrss)."""
    func = {"ours": "run_ours", "official": "run_official"}[which]
    code = _CHILD.format(repo=str(REPO), func=func, url=url, scale=scale, sql=sql)
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


def self_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
