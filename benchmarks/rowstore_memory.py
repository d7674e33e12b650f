"""RowStore memory/latency benchmark: tpch sf1 lineitem (6,001,215 rows) held for browsing.

Prepares once (cached in --work): lineitem sf1 as Parquet (tpchgen-cli), then json+zstd segments of
--segment-rows rows encoded the way Trino's spooling does (JSON array of rows, doubles for prices,
dates as text), written to one file. Each mode then runs in its own child process, reads the
segments and reports peak RSS (ru_maxrss, from os.wait4; the parent stays small because a forked
child starts from its parent's peak), compact bytes and random-access latency (jump: a random row,
usually a segment decode; scroll: the next page, usually served by the LRU):

  store      RowStore, default budget (payload bytes kept as downloaded: the spooled path)
  spill      RowStore, --spill-budget (most segments spilled to a temp file)
  direct     RowStore fed decoded rows in 8,192-row batches (direct protocol: store re-encodes)
  lists      the naive alternative: keep decoded Python rows (stops at --list-rows, extrapolated)

    .venv/bin/python benchmarks/rowstore_memory.py                # sf1, all modes
    .venv/bin/python benchmarks/rowstore_memory.py --modes store,lists --scale 0.1
    .venv/bin/python benchmarks/rowstore_memory.py --quick   # sf0.01, every mode; asserts no timings
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

HEADER = struct.Struct("<QQQ")   # row count, payload length, uncompressed size


def prepare(work: Path, scale: str, segment_rows: int) -> Path:
    """lineitem -> segments file (cached). Returns its path."""
    import duckdb
    import zstandard

    seg_path = work / f"lineitem-sf{scale}-{segment_rows}.segments"
    if seg_path.exists():
        return seg_path
    pq_dir = work / f"sf{scale}"
    if not (pq_dir / "lineitem.parquet").exists():
        tpchgen = REPO / ".venv" / "bin" / "tpchgen-cli"
        subprocess.run([str(tpchgen), "parquet", "-s", scale, "--tables", "lineitem",
                        "--output-dir", str(pq_dir)], check=True)
    con = duckdb.connect()
    cur = con.execute(f"""
        SELECT json_array(l_orderkey, l_partkey, l_suppkey, l_linenumber,
                          CAST(l_quantity AS DOUBLE), CAST(l_extendedprice AS DOUBLE),
                          CAST(l_discount AS DOUBLE), CAST(l_tax AS DOUBLE), l_returnflag, l_linestatus,
                          CAST(l_shipdate AS VARCHAR), CAST(l_commitdate AS VARCHAR),
                          CAST(l_receiptdate AS VARCHAR), l_shipinstruct, l_shipmode, l_comment)::VARCHAR
        FROM read_parquet('{pq_dir / "lineitem.parquet"}')""")
    comp = zstandard.ZstdCompressor(level=3)
    tmp = seg_path.with_suffix(".tmp")
    with open(tmp, "wb") as out:
        while True:
            chunk = cur.fetchmany(segment_rows)
            if not chunk:
                break
            raw = ("[" + ",".join(r[0] for r in chunk) + "]").encode()
            payload = comp.compress(raw)
            out.write(HEADER.pack(len(chunk), len(payload), len(raw)))
            out.write(payload)
    os.replace(tmp, seg_path)
    return seg_path


def read_segments(path: Path):
    with open(path, "rb") as fh:
        while head := fh.read(HEADER.size):
            count, length, usize = HEADER.unpack(head)
            yield count, fh.read(length), usize


COLUMNS = [("orderkey", "bigint"), ("partkey", "bigint"), ("suppkey", "bigint"), ("linenumber", "integer"),
           ("quantity", "double"), ("extendedprice", "double"), ("discount", "double"), ("tax", "double"),
           ("returnflag", "varchar(1)"), ("linestatus", "varchar(1)"), ("shipdate", "date"),
           ("commitdate", "date"), ("receiptdate", "date"), ("shipinstruct", "varchar(25)"),
           ("shipmode", "varchar(10)"), ("comment", "varchar(44)")]


def child(mode: str, path: Path, spill_budget: int, list_rows: int) -> None:
    """Runs in a child process; prints one line key=value ..."""
    import orjson

    from dataclasses import dataclass

    from trino_tui.client import Column, parse_columns
    from trino_tui.core.rowstore import RowStore

    @dataclass
    class Batch:
        """What the row store reads from a client Batch (direct page rows, or a segment's bytes)."""

        row_offset: int
        row_count: int
        rows: list | None = None
        payload: bytes | None = None
        encoding: str | None = None
        uncompressed_size: int | None = None

        def wire_rows(self) -> list:
            assert self.rows is not None, "the store keeps segment bytes"
            return self.rows

    columns: list[Column] = parse_columns([{"name": n, "type": t} for n, t in COLUMNS])
    t0 = time.perf_counter()
    json_bytes = 0
    if mode == "lists":
        kept: list[list] = []
        for count, payload, usize in read_segments(path):
            import zstandard
            kept.extend(orjson.loads(zstandard.ZstdDecompressor().decompress(payload, max_output_size=usize)))
            json_bytes += usize
            if len(kept) >= list_rows:
                break
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(f"rows={len(kept)} json={json_bytes} compact=0 spilled=0 load_s={time.perf_counter() - t0:.2f} "
              f"rss_after_load={rss} access_ms=nan")
        return
    budget = spill_budget if mode == "spill" else 192 << 20
    store = RowStore(columns, memory_budget=budget)
    offset = 0
    for count, payload, usize in read_segments(path):
        json_bytes += usize
        if mode == "direct":
            import zstandard
            rows = orjson.loads(zstandard.ZstdDecompressor().decompress(payload, max_output_size=usize))
            for i in range(0, count, 8192):
                part = rows[i:i + 8192]
                store.append(Batch(offset + i, len(part), part))
            del rows
        else:
            store.append(Batch(offset, count, None, payload, "json+zstd", usize))
        offset += count
    load_s = time.perf_counter() - t0
    rss_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rnd = random.Random(1)
    n = len(store)
    t1 = time.perf_counter()
    accesses = 100
    for _ in range(accesses):   # random jumps: each one decodes a segment (LRU miss)
        a = rnd.randrange(0, n - 60)
        assert len(store.rows(a, a + 60)) == 60
    access_ms = (time.perf_counter() - t1) * 1000 / accesses
    t2 = time.perf_counter()
    a = n // 2
    for i in range(200):      # scrolling a page at a time: served by the LRU mostly
        assert len(store.rows(a + i * 40, a + i * 40 + 40)) == 40
    scroll_ms = (time.perf_counter() - t2) * 1000 / 200
    print(f"rows={n} json={json_bytes} compact={store.nbytes_compact} spilled={store.nbytes_spilled} "
          f"load_s={load_s:.2f} rss_after_load={rss_load} access_ms={access_ms:.1f} scroll_ms={scroll_ms:.2f}")
    store.close()


def run_child(mode: str, args) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--segments", str(args.segments_path),
           "--spill-budget", str(args.spill_budget), "--list-rows", str(args.list_rows)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"child {mode} failed (status {status})")
    fields = dict(kv.split("=", 1) for kv in out.split())
    fields["peak_rss"] = usage.ru_maxrss * 1024
    return fields


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", default="1")
    p.add_argument("--segment-rows", type=int, default=65536)
    p.add_argument("--modes", default="store,spill,direct,lists")
    p.add_argument("--spill-budget", type=int, default=32 << 20)
    p.add_argument("--list-rows", type=int, default=1_000_000)
    p.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "trino-tui-bench"))
    p.add_argument("--child")
    p.add_argument("--segments")
    p.add_argument("--prepare-only", action="store_true")
    p.add_argument("--quick", action="store_true", help="sf0.01, small segments and lists; asserts no timings")
    args = p.parse_args()
    if args.quick:
        args.scale, args.segment_rows, args.list_rows, args.spill_budget = "0.01", 4096, 10_000, 256 << 10
    if args.child:
        child(args.child, Path(args.segments), args.spill_budget, args.list_rows)
        return
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    if args.prepare_only:
        print(prepare(work, args.scale, args.segment_rows))
        return
    # prepare in a child too: on Linux a forked child inherits the parent's peak RSS (ru_maxrss)
    args.segments_path = Path(subprocess.run(
        [sys.executable, __file__, "--prepare-only", "--scale", args.scale, "--segment-rows",
         str(args.segment_rows), "--work", str(work)],
        check=True, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1])
    results = {m: run_child(m, args) for m in args.modes.split(",")}
    mb = 1 << 20
    print(f"\nlineitem sf{args.scale}, segments of {args.segment_rows:,} rows (json+zstd)\n")
    print(f"{'mode':8} {'rows':>10} {'JSON MB':>8} {'compact MB':>10} {'spilled MB':>10} "
          f"{'load RSS MB':>11} {'peak RSS MB':>11} {'RSS/row B':>9} {'load s':>7} {'jump ms':>8} "
          f"{'scroll ms':>9}")
    for mode, r in results.items():
        rows = int(r["rows"])
        print(f"{mode:8} {rows:>10,} {int(r['json']) / mb:>8.0f} {int(r['compact']) / mb:>10.0f} "
              f"{int(r['spilled']) / mb:>10.0f} {int(r['rss_after_load']) / mb:>11.0f} "
              f"{int(r['peak_rss']) / mb:>11.0f} "
              f"{int(r['peak_rss']) / max(rows, 1):>9.0f} {float(r['load_s']):>7.1f} "
              f"{r['access_ms']:>8} {r.get('scroll_ms', 'nan'):>9}")
    if "store" in results and "lists" in results:
        s, lst = results["store"], results["lists"]
        per_row_lists = int(lst["peak_rss"]) / int(lst["rows"])
        per_row_store = int(s["peak_rss"]) / int(s["rows"])
        print(f"\nRSS per row: decoded lists / RowStore = {per_row_lists / per_row_store:.1f}x "
              f"(lists extrapolated to {int(s['rows']):,} rows: {per_row_lists * int(s['rows']) / mb:,.0f} MB)")
        print(f"compact / JSON = {int(s['compact']) / int(s['json']):.3f} "
              f"({int(s['json']) / max(int(s['compact']), 1):.1f}x smaller)")
    if args.quick:
        assert len({int(r["rows"]) for m, r in results.items() if m != "lists"}) == 1, results


if __name__ == "__main__":
    main()
