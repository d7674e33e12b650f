#!/usr/bin/env python3
"""trino-tui vs the Trino CLI 476 vs the official Python client on a real Trino 476 (harness in
tests/real_trino/harness), side by side in one run: direct vs spooled (json+zstd, json+lz4),
storage latency 0 and 50 ms per request (a delaying proxy in front of moto), trino-tui --execute
with NULL and CSV output vs the CLI with the same --output-format and --encoding, and the
official client fetching every row. Each client runs as its own process (wall time, start-up
included); the server's own elapsed time per query comes from system.runtime.queries.

  .venv/bin/python benchmarks/real_trino.py [--quick] [--repeat N] [--out FILE.md]

--quick: LIMIT 100000 instead of 1000000 and no full-table run. Direct = session property
spooling_enabled=false for every client (Trino then answers with the direct protocol).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.real_trino.harness import Cluster, ClusterSpec, prepare, wire  # noqa: E402

OFFICIAL = """
import sys, trino
enc = None if sys.argv[3] == "direct" else sys.argv[3]
conn = trino.dbapi.connect(host="127.0.0.1", port=int(sys.argv[1]), user="bench", encoding=enc,
                           session_properties={} if enc else {"spooling_enabled": "false"})
cur = conn.cursor(); cur.execute(sys.argv[2]); n = 0
while True:
    rows = cur.fetchmany(10000)
    if not rows: break
    n += len(rows)
print(n)
"""


@dataclass
class Result:
    query: str
    latency_ms: int
    encoding: str
    client: str
    seconds: float
    server_seconds: float | None
    ok: bool


def _server_elapsed(url: str, tag: str) -> float | None:
    sql = (f"SELECT date_diff('millisecond', created, \"end\") FROM system.runtime.queries "
           f"WHERE query LIKE '%{tag}%' AND query NOT LIKE '%system.runtime.queries%'")
    rows = wire.run(url, sql).rows()
    return rows[0][0] / 1000 if rows and rows[0][0] is not None else None


def _argv(client: str, cluster: Cluster, java: str, cli_jar: str, sql: str, encoding: str) -> list[str]:
    direct = encoding == "direct"
    if client.startswith("trino-tui"):
        fmt = client.split()[-1]
        return [sys.executable, "-m", "trino_tui", "--server", cluster.url, "--user", "bench", "--output-format", fmt,
                "--encoding", "none" if direct else encoding, "--execute", sql]
    if client.startswith("trino CLI"):
        fmt = client.split()[-1]
        enc = ["--session", "spooling_enabled=false"] if direct else ["--encoding", encoding]
        return [java, "--enable-native-access=ALL-UNNAMED", "-jar", cli_jar, "--server", cluster.url, "--user", "bench",
                "--output-format", fmt, *enc, "--execute", sql]
    return [sys.executable, "-c", OFFICIAL, str(cluster.port), sql, encoding]


CLIENTS = ["trino-tui NULL", "trino CLI NULL", "trino-tui CSV", "trino CLI CSV", "official python"]


def run_one(cluster: Cluster, java: str, cli_jar: str, base_sql: str, encoding: str, client: str) -> tuple[float, float | None, bool]:
    tag = f"bench-{uuid.uuid4().hex[:12]}"
    sql = f"{base_sql} /* {tag} */"
    began = time.perf_counter()
    proc = subprocess.run(_argv(client, cluster, java, cli_jar, sql, encoding), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, cwd=tempfile.gettempdir(),
                          env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=3600)
    seconds = time.perf_counter() - began
    if proc.returncode != 0:
        print(f"  {client} failed: {proc.stderr.decode(errors='replace').strip()[-300:]}", file=sys.stderr)
    return seconds, _server_elapsed(cluster.url, tag), proc.returncode == 0


def render(results: list[Result], header: list[str]) -> str:
    lines = header + ["", "| query | storage latency | encoding | client | wall s | server elapsed s | CLI wall / trino-tui wall |",
                      "|---|---|---|---|---|---|---|"]
    by_key = {(r.query, r.latency_ms, r.encoding, r.client): r for r in results}
    for r in results:
        fmt = r.client.split()[-1]
        ref = by_key.get((r.query, r.latency_ms, r.encoding, f"trino CLI {fmt}")) if fmt in ("NULL", "CSV") else None
        ratio = f"{ref.seconds / r.seconds:.2f}" if ref and r.client.startswith("trino-tui") and r.ok else ""
        server = f"{r.server_seconds:.1f}" if r.server_seconds is not None else "?"
        lines.append(f"| {r.query} | {r.latency_ms} ms | {r.encoding} | {r.client} | "
                     f"{r.seconds:.1f}{'' if r.ok else ' (failed)'} | {server} | {ratio} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="runs per cell; the best is kept")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    inst = prepare()
    queries = {"LIMIT 100000": "SELECT * FROM tpch.sf1.lineitem LIMIT 100000"} if args.quick else {
        "LIMIT 1000000": "SELECT * FROM tpch.sf1.lineitem LIMIT 1000000", "full sf1": "SELECT * FROM tpch.sf1.lineitem"}
    latencies = [0, 50]
    workdir = Path(tempfile.mkdtemp(prefix="trino-tui-bench-"))
    cluster = Cluster(inst, ClusterSpec(heap="3G"), workdir).start()
    results: list[Result] = []
    try:
        header = [f"Trino {wire.scalar(cluster.url, 'SELECT node_version FROM system.runtime.nodes LIMIT 1')}, "
                  f"JDK {inst.java_version}, STORAGE retrieval mode, moto S3 behind a proxy; "
                  f"start-up (moto + Trino ready) {cluster.startup_seconds:.1f} s; {os.cpu_count()} cores; "
                  f"best of {args.repeat}."]
        warm = "SELECT * FROM tpch.sf1.lineitem LIMIT 200000"  # JIT warm-up of the server, not measured
        for encoding in ("direct", "json+zstd", "json+lz4"):
            run_one(cluster, str(inst.java), str(inst.cli_jar), warm, encoding, "official python")
        for label, sql in queries.items():
            for latency in latencies if label != "full sf1" else [0]:
                cluster.set_storage_delay(latency)
                for encoding in ("direct", "json+zstd", "json+lz4"):
                    if encoding == "direct" and latency:
                        continue  # the direct protocol never touches storage
                    for client in CLIENTS:
                        runs = [run_one(cluster, str(inst.java), str(inst.cli_jar), sql, encoding, client)
                                for _ in range(args.repeat)]
                        seconds, server, ok = min(runs, key=lambda r: r[0])
                        results.append(Result(label, latency, encoding, client, seconds, server, ok))
                        print(f"{label:14} {latency:3} ms {encoding:10} {client:16} {seconds:7.1f} s "
                              f"(server {server if server is not None else '?'} s)", flush=True)
    finally:
        cluster.stop()
    text = render(results, header)
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
