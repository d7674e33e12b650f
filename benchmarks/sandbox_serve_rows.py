"""How fast the sandbox serves rows: direct protocol vs json+zstd spooling, first run vs cached.

Reads a table (default tpch.sf1.lineitem, 6,001,215 rows) from a local sandbox with plain httpx:
direct-protocol pages are fetched but not parsed (the next URI is located in the response head,
which the sandbox writes before `data`); spooled segments are downloaded (sequentially, or by N
parallel downloaders) and never decoded. Each configuration is run twice with cache_results on:
the first run includes DuckDB + JSON production + encoding, the second shows pure serving.

    .venv/bin/python benchmarks/sandbox_serve_rows.py [--schema sf1] [--table lineitem] [--downloaders 4]

Prints rows/s and MB/s per configuration and side-by-side ratios. No asserts (figures only).
"""

from __future__ import annotations

import argparse
import queue
import sys
import threading
import time
from pathlib import Path

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trino_tui.sandbox import Sandbox, SandboxConfig  # noqa: E402

_NEXT = b'"nextUri":"'


def _next_uri(body: bytes) -> str | None:
    """nextUri from the response head without parsing the (large) data array."""
    head = body[: body.find(b'"data":')] if b'"data":' in body[:4096] else body
    start = head.find(_NEXT)
    if start < 0:
        return None
    start += len(_NEXT)
    return head[start : head.index(b'"', start)].decode()


def read_direct(client: httpx.Client, url: str, sql: str) -> tuple[int, int]:
    r = client.post(f"{url}/v1/statement", content=sql.encode(), headers={"X-Trino-User": "bench"})
    nbytes, last = 0, r.content
    nxt = _next_uri(last)
    while nxt:
        last = client.get(nxt).content
        nbytes += len(last)
        nxt = _next_uri(last)
    rows = orjson.loads(last)["stats"]["processedRows"]
    return rows, nbytes


def read_spooled(client: httpx.Client, url: str, sql: str, encoding: str, downloaders: int) -> tuple[int, int]:
    headers = {"X-Trino-User": "bench", "X-Trino-Query-Data-Encoding": encoding}
    doc = client.post(f"{url}/v1/statement", content=sql.encode(), headers=headers).json()
    jobs: queue.Queue = queue.Queue(maxsize=64)
    totals = {"bytes": 0}
    lock = threading.Lock()

    def download() -> None:
        with httpx.Client(timeout=60) as seg_client:
            while (seg := jobs.get()) is not None:
                hdrs = {k: v[0] for k, v in seg.get("headers", {}).items()}
                r = seg_client.get(seg["uri"], headers=hdrs, follow_redirects=True)
                r.raise_for_status()
                seg_client.get(seg["ackUri"], headers=hdrs)
                with lock:
                    totals["bytes"] += len(r.content)

    threads = [threading.Thread(target=download) for _ in range(downloaders)]
    for t in threads:
        t.start()
    rows = 0
    try:
        while True:
            data = doc.get("data")
            if data:
                for seg in data["segments"]:
                    rows += seg["metadata"]["rowsCount"]
                    if seg["type"] == "spooled":
                        jobs.put(seg)
                    else:
                        totals["bytes"] += seg["metadata"]["segmentSize"]
            if "nextUri" not in doc:
                break
            doc = client.get(doc["nextUri"]).json()
    finally:
        for _ in threads:
            jobs.put(None)
        for t in threads:
            t.join()
    if "error" in doc:
        raise SystemExit(f"query failed: {doc['error']['message']}")
    return rows, totals["bytes"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schema", default="sf1")
    ap.add_argument("--table", default="lineitem")
    ap.add_argument("--downloaders", type=int, default=4)
    ap.add_argument("--quick", action="store_true", help="tpch.tiny: a smoke test (asserts nothing)")
    args = ap.parse_args()
    if args.quick:
        args.schema = "tiny"
    sql = f"SELECT * FROM tpch.{args.schema}.{args.table}"
    print(f"starting sandbox (schemas tiny,{args.schema}; generating data on first use) ...", flush=True)
    config = SandboxConfig(schemas=("tiny", args.schema), cache_results=True, poll_wait=1.0)
    plan = [("direct", None, 1), ("json+zstd", "json+zstd", 1), ("json", "json", 1)]
    results: dict[str, tuple[float, int, int]] = {}

    def run(label: str, encoding: str | None, downloaders: int) -> None:
        t0 = time.perf_counter()
        if encoding is None:
            rows, nbytes = read_direct(client, sb.url, sql)
        else:
            rows, nbytes = read_spooled(client, sb.url, sql, encoding, downloaders)
        dt = time.perf_counter() - t0
        results[label] = (dt, rows, nbytes)
        print(f"{label:<34} {rows:>10,} rows {dt:7.2f} s {rows / dt:>12,.0f} rows/s "
              f"{nbytes / dt / 1e6:8.1f} MB/s on the wire", flush=True)

    with Sandbox(config, progress=lambda m: print(f"  {m}", flush=True)) as sb, httpx.Client(timeout=120) as client:
        for name, encoding, _ in plan:  # first run: DuckDB + row JSON + encoding + serving
            run(f"{name} first run (1 reader)", encoding, 1)
        for name, encoding, _ in plan:  # cached: pure serving of already-encoded payloads
            run(f"{name} cached (1 reader)", encoding, 1)
            if encoding is not None:
                run(f"{name} cached ({args.downloaders} downloaders)", encoding, args.downloaders)
    base = results["direct cached (1 reader)"]
    print("\nside by side (rows/s relative to the cached direct protocol):")
    for label, (dt, rows, _) in results.items():
        print(f"  {label:<34} {rows / dt:>12,.0f} rows/s   x{(rows / dt) / (base[1] / base[0]):5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
