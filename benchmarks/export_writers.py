"""Writer micro-benchmark: rows/s per output format on lineitem-like wire rows, side by side with
Python's csv module writing the same rows (QUOTE_ALL, the closest match to the CLI's CSV).

Rows are synthetic but shaped like Trino's tpch lineitem (16 columns: 3 bigint, 1 integer,
4 double, 2 varchar(1), 3 date, 3 varchar) and are written in batches (default 10,000 rows, like
decoded segments) to a sink that only counts bytes, so the figures measure formatting + encoding.
Times are CPU time of this process (time.process_time), which is robust to other load on a
shared machine; the best of --runs interleaved runs is reported; ratios are vs the csv module baseline (higher = faster).

    .venv/bin/python benchmarks/export_writers.py
    .venv/bin/python benchmarks/export_writers.py --rows 500000 --runs 3 --formats CSV,TSV
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from trino_tui.client.types import Column, parse_type_text  # noqa: E402
from trino_tui.export import FORMATS, create_writer  # noqa: E402

LINEITEM = [
    ("orderkey", "bigint"), ("partkey", "bigint"), ("suppkey", "bigint"), ("linenumber", "integer"),
    ("quantity", "double"), ("extendedprice", "double"), ("discount", "double"), ("tax", "double"),
    ("returnflag", "varchar(1)"), ("linestatus", "varchar(1)"), ("shipdate", "date"),
    ("commitdate", "date"), ("receiptdate", "date"), ("shipinstruct", "varchar(25)"),
    ("shipmode", "varchar(10)"), ("comment", "varchar(44)"),
]
WORDS = "carefully final deposits detect slyly agai furiously regular accounts nag quickly even".split()


class CountingSink(io.RawIOBase):
    """A binary sink that counts bytes and keeps nothing."""

    def __init__(self) -> None:
        self.bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        self.bytes += len(b)
        return len(b)


def make_rows(n: int, seed: int = 1) -> list[list]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        day = f"199{rnd.randint(2, 8)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        rows.append([
            i // 4 + 1, rnd.randint(1, 200_000), rnd.randint(1, 10_000), i % 7 + 1,
            float(rnd.randint(1, 50)), round(rnd.uniform(900, 105_000), 2), rnd.randint(0, 10) / 100,
            rnd.randint(0, 8) / 100, rnd.choice("ANR"), rnd.choice("OF"), day, day, day,
            rnd.choice(["DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"]),
            rnd.choice(["TRUCK", "MAIL", "REG AIR", "AIR", "FOB", "RAIL", "SHIP"]),
            " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 6))),
        ])
    return rows


def batches(rows: list[list], size: int) -> list[list[list]]:
    return [rows[i:i + size] for i in range(0, len(rows), size)]


def time_ours(fmt: str, columns: list[Column], parts: list[list[list]]) -> tuple[float, int]:
    sink = CountingSink()
    t0 = time.process_time()
    w = create_writer(fmt, sink, columns)
    for b in parts:
        w.write_rows(b)
    w.close()
    return time.process_time() - t0, sink.bytes


def time_csv_module(parts: list[list[list]]) -> tuple[float, int]:
    """Python's csv module, QUOTE_ALL, text encoded per batch (None -> empty, str() of values)."""
    sink = CountingSink()
    t0 = time.process_time()
    for b in parts:
        buf = io.StringIO()
        csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(b)
        sink.write(buf.getvalue().encode("utf-8"))
    return time.process_time() - t0, sink.bytes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--formats", default=",".join(f for f in FORMATS if f not in ("NULL", "PARQUET")))
    ap.add_argument("--quick", action="store_true", help="smoke run: 20,000 rows, one run")
    args = ap.parse_args()
    if args.quick:
        args.rows, args.runs = 20_000, 1

    columns = [Column(n, parse_type_text(t)) for n, t in LINEITEM]
    rows = make_rows(args.rows)
    parts = batches(rows, args.batch)
    writers = {"python csv (QUOTE_ALL)": lambda: time_csv_module(parts)}
    for fmt in args.formats.split(","):
        writers[f"trino-tui {fmt}"] = lambda fmt=fmt: time_ours(fmt, columns, parts)
    # interleave the runs so that load from other processes hits every writer alike
    results: dict[str, list[tuple[float, int]]] = {name: [] for name in writers}
    for _ in range(args.runs):
        for name, fn in writers.items():
            gc.collect()
            results[name].append(fn())
    base_s = min(results["python csv (QUOTE_ALL)"])[0]
    print(f"{args.rows:,} lineitem-like rows x {len(columns)} columns, batches of {args.batch:,}, "
          f"best of {args.runs} interleaved runs")
    print(f"{'writer':<30}{'rows/s':>12}{'MB/s':>9}{'vs csv module':>15}")
    for name, runs in results.items():
        secs, nbytes = min(runs)
        print(f"{name:<30}{args.rows / secs:>12,.0f}{nbytes / secs / 1e6:>9.1f}{base_s / secs:>14.2f}x")

if __name__ == "__main__":
    main()
