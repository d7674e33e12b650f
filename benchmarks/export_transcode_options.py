"""Per-row cost of the ways an export worker could turn a spooled JSON segment into CSV (issue 15).

The question: can a worker transcode a segment faster than it parses it, so that two workers beat
the single-core decode floor (zstd + orjson.loads of whole segments on one core)? Every option is
timed on the same real segments (the sandbox's ``tpch.<scale>.lineitem``, json+zstd), one core,
best of ``--repeat`` passes, decompression included:

- ``decode floor``: zstd + orjson.loads of the whole segment (what `_common.decode_floor` times);
- ``worker``: exactly the export worker's job (`export.worker._Formatter.run`: zstd, orjson in
  ~64 KB runs, the generated CSV formatter, double columns rendered by orjson when provably the
  same text: `export.double_text`) -- byte-identical to the in-process writer;
- ``worker, doubles by formatter``: the same with ``TRINO_TUI_EXPORT_FAST_DOUBLES=0`` (before);
- ``parse only (runs)``: zstd + orjson in ~64 KB runs (the worker's parse share);
- ``bytes transform``: zstd + splitting at the quotes and rewriting the text between strings with
  bytes.split/join/replace -- output only, nothing validated (a lower bound for a pure-bytes
  transcoder; segments with a backslash are skipped);
- ``duckdb VARCHAR[]``: zstd, the JSON written to a private temp dir, DuckDB ``read_json`` (rows as
  ``VARCHAR[]``) + ``string_agg`` of quoted fields, ``threads=1`` and ``=2`` -- nothing validated
  (NULLs dropped, values of any JSON type taken as text): a lower bound for a DuckDB transcoder;
- ``duckdb checked``: the cheapest strict DuckDB form found -- rows read as JSON, each row matched
  against a regex of the column kinds (strings, canonical integers, plain doubles), cast to
  ``VARCHAR[]``, NULLs made empty, quoted and aggregated.

Prints µs/row, each option's rows/s on one core, and ``2 cores ÷ floor``: the rows/s two workers
would reach if the main process cost nothing, divided by the floor (an export can only beat the
floor if this is well above 1). "same bytes" says whether the option's output equals the worker's.

    .venv/bin/python benchmarks/export_transcode_options.py --quick
    .venv/bin/python benchmarks/export_transcode_options.py --scale sf1 --segments 8
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._common import lineitem_export  # noqa: E402

Job = tuple  # (payload, encoding, uncompressed_size, row_count, row_offset, segment)


def collect(url: str, scale: str, sql: str, limit: int) -> tuple[list, list[Job]]:
    """The result's columns and its first *limit* segments as worker jobs."""
    from trino_tui.client import ClientConfig, TrinoClient

    config = ClientConfig(server=url, user="bench", catalog="tpch", schema=scale, encoding=("json+zstd",))
    jobs: list[Job] = []
    with TrinoClient(config) as client, client.execute(sql) as query:
        for batch in query.batches():
            if batch.payload is not None:
                jobs.append((batch.payload, batch.encoding, batch.uncompressed_size, batch.row_count,
                             batch.row_offset, batch.segment))
            if len(jobs) >= limit:
                query.cancel()
                break
        columns = list(query.columns or [])
    return columns, jobs


def _json(job: Job) -> bytes:
    from trino_tui.client.codecs import decompress

    return decompress(job[0], job[1], job[2])


def floor(job: Job) -> bytes:
    import orjson

    orjson.loads(_json(job))
    return b""


def parse_runs(job: Job) -> bytes:
    from trino_tui.client.codecs import iter_row_chunks

    for _ in iter_row_chunks(_json(job), job[3]):
        pass
    return b""


def bytes_transform(job: Job) -> bytes | None:
    data = _json(job)
    if b"\\" in data:
        return None
    parts = data[1:-1].split(b'"')
    skel = b"\x01".join(parts[0::2])
    lines = skel[1:-1].replace(b"],[", b"\n").replace(b"null", b"")
    text = b'"' + lines.replace(b",", b'","').replace(b"\n", b'"\n"') + b'"\n'
    parts[0::2] = text.split(b"\x01")
    return b"".join(parts)


def _kinds_regex(columns: list) -> str:
    """A row of *columns* as RE2: strings without escapes, canonical integers, plain doubles, null."""
    from trino_tui.client.types import INTEGER_TYPES

    text = r'"[^"\\]*"'
    integer = r"-?(?:0|[1-9][0-9]{0,17})"
    double = r"-?(?:[1-9][0-9]{0,6}\.(?:0|[0-9]{0,7}[1-9])|0\.(?:0|0{0,2}[1-9](?:[0-9]{0,5}[1-9])?))"
    parts = []
    for c in columns:
        raw = c.type.raw
        kind = integer if raw in INTEGER_TYPES else double if raw == "double" else "true|false" if raw == "boolean" else text
        parts.append(f"(?:{kind}|null)")
    return r"\[" + ",".join(parts) + r"\]"


class Duck:
    """One DuckDB connection with *threads*; segments go through a private temp file (0700 dir)."""

    def __init__(self, threads: int, columns: list) -> None:
        import duckdb

        self.con = duckdb.connect()
        self.con.execute(f"SET threads={threads}")
        base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
        self.dir = tempfile.mkdtemp(prefix="trino-tui-duck-", dir=base)
        self.path = os.path.join(self.dir, "segment.json")
        self.regex = _kinds_regex(columns).replace("'", "''")

    def _file(self, job: Job) -> str:
        with open(self.path, "wb") as fh:
            fh.write(_json(job))
        return self.path

    def varchar(self, job: Job) -> bytes:
        src = f"read_json('{self._file(job)}', format='array', records=false, columns={{'r': 'VARCHAR[]'}})"
        sql = f"SELECT encode(string_agg('\"' || array_to_string(r, '\",\"') || '\"', chr(10)) || chr(10)) FROM {src}"
        return self.con.execute(sql).fetchone()[0]

    def checked(self, job: Job) -> bytes | None:
        src = f"read_json('{self._file(job)}', format='array', records=false, columns={{'r': 'JSON'}})"
        fields = "array_to_string(list_transform(r::VARCHAR[], lambda x: coalesce(x, '')), '\",\"')"
        sql = (f"SELECT encode(string_agg('\"' || {fields} || '\"', chr(10)) || chr(10)), count(*), "
               f"bool_and(regexp_full_match(r, '{self.regex}')) FROM {src}")
        text, rows, ok = self.con.execute(sql).fetchone()
        return text if ok and rows == job[3] else None

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def timed(options: list[tuple[str, Callable[[Job], bytes | None]]], jobs: list[Job],
          repeat: int) -> dict[str, tuple[float, list]]:
    """name -> (best seconds of a pass over *jobs*, the outputs of its last pass); the options take
    turns pass by pass, so a change in the machine's load hits them all alike."""
    best: dict[str, tuple[float, list]] = {}
    for _ in range(repeat):
        for name, fn in options:
            t0 = time.perf_counter()
            outs = [fn(job) for job in jobs]
            seconds = time.perf_counter() - t0
            best[name] = (min(seconds, best.get(name, (seconds, []))[0]), outs)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", choices=("tiny", "sf1"), default="tiny")
    ap.add_argument("--segments", type=int, default=8, help="segments to time (default 8)")
    ap.add_argument("--repeat", type=int, default=5, help="passes per option (best is reported)")
    ap.add_argument("--server", help="reuse a running `trino-tui sandbox --cache-results ...`")
    ap.add_argument("--no-duckdb", action="store_true", help="skip the DuckDB options")
    ap.add_argument("--quick", action="store_true", help="smoke run: tpch.tiny, 2 segments, 1 pass")
    args = ap.parse_args()
    if args.quick:
        args.scale, args.segments, args.repeat = "tiny", 2, 1

    from trino_tui.export.double_text import ENV_SWITCH
    from trino_tui.export.worker import _Formatter

    sql, sandbox_cm = lineitem_export(args.scale, args.server, 0.0)
    with sandbox_cm as sandbox:
        columns, jobs = collect(sandbox.url, args.scale, sql, args.segments)
    rows = sum(j[3] for j in jobs)
    print(f"{len(jobs)} segments of {sql}, {rows:,} rows, {sum(len(_json(j)) for j in jobs) / rows:.0f} B/row "
          f"of JSON; {len(columns)} columns: {', '.join(c.type.raw for c in columns)}", file=sys.stderr)
    formatter = _Formatter("CSV", columns, 1 << 30)
    os.environ[ENV_SWITCH] = "0"
    try:
        plain = _Formatter("CSV", columns, 1 << 30)
    finally:
        del os.environ[ENV_SWITCH]
    options: list[tuple[str, Callable[[Job], bytes | None]]] = [
        ("decode floor", floor), ("worker", lambda j: b"".join(formatter.run(j))),
        ("worker, doubles by formatter", lambda j: b"".join(plain.run(j))),
        ("parse only (runs)", parse_runs), ("bytes transform", bytes_transform)]
    ducks: list[Duck] = []
    if not args.no_duckdb:
        ducks = [Duck(1, columns), Duck(2, columns)]
        options += [("duckdb VARCHAR[] threads=1", ducks[0].varchar), ("duckdb VARCHAR[] threads=2", ducks[1].varchar),
                    ("duckdb checked threads=1", ducks[0].checked)]
    try:
        results = timed(options, jobs, args.repeat)
    finally:
        for d in ducks:
            d.close()
    reference = results["worker"][1]
    floor_us = results["decode floor"][0] / rows * 1e6
    print(f"\nOne core, {rows:,} rows in {len(jobs)} segments, best of {args.repeat}; "
          f"'2 cores / floor' = (2 / µs per row) / floor rows/s, the main process's share not counted")
    print(f"{'option':<30}{'µs/row':>8}{'rows/s':>12}{'2 cores / floor':>17}  same bytes as the worker")
    for name, (seconds, outs) in results.items():
        us = seconds / rows * 1e6
        same = "-" if not any(outs) else "yes" if outs == reference else \
            "declined" if any(o is None for o in outs) else "no"
        print(f"{name:<30}{us:>8.2f}{1e6 / us:>12,.0f}{2 * floor_us / us:>17.2f}  {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
