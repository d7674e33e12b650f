"""`trino-tui bench`: the run matrix, the report, the time box, and "spooled faster than
direct" reproduced on the sandbox at 50 ms storage latency."""

from __future__ import annotations

import io
import json

from trino_tui.client import ClientConfig
from trino_tui.insight import bench

BIG = "select l.* from lineitem l cross join nation n"  # 1.5M rows


def _config(url: str) -> ClientConfig:
    return ClientConfig(server=url, user="bench", catalog="tpch", schema="tiny")


def test_matrix_runs_direct_once_and_each_encoding_per_count():
    assert bench.matrix(("direct", "json+zstd"), (1, 5)) == [
        ("direct", 0), ("json+zstd", 1), ("json+zstd", 5)]


def test_report_table_chart_and_ratio():
    runs = [bench.RunResult("direct", 0, 1000, 2.0, 0.5, 10_000_000, 1_000_000, True, "direct"),
            bench.RunResult("json+zstd", 5, 1000, 0.5, 0.1, 2_000_000, 2_000_000, True, "spooled"),
            bench.RunResult("json", 1, 400, 1.0, 0.2, 3_000_000, 0, False, "spooled")]
    text = bench.render_text(runs, "select 1")
    assert "json+zstd ×5" in text and "time box hit: stopped" in text
    assert "spooled (json+zstd ×5) is 4.00× faster than direct: 0.50 s vs 2.00 s" in text
    bars = [line for line in text.splitlines() if "█" in line]
    assert len(bars) == 3 and bars[1].count("█") == bench.BAR_WIDTH  # the fastest run is full
    data = json.loads(bench.render_json(runs, "select 1"))
    assert data["speedup"] == {"best": "json+zstd ×5", "ratio": 4.0}
    assert data["runs"][0]["rows_per_s"] == 500.0


def test_time_box_stops_a_run_and_marks_it_incomplete(healthy):
    result = bench.run_once(_config(healthy.url), BIG, "json+zstd", 1, time_box=0.0)
    assert not result.complete and result.error is None
    assert 0 < result.rows < 1_504_375 and result.first_row is not None


def test_spooled_and_direct_measured_side_by_side_at_50ms_storage_latency(healthy):
    """Both modes run to the last row and the report quotes their measured ratio (no timing is
    asserted here: which one wins is the benchmark's output, not a test's condition)."""
    healthy.configure(storage_latency=0.05)
    results = bench.run_bench(_config(healthy.url), BIG, modes=("direct", "json+zstd"),
                              downloaders=(5,), time_box=120.0)
    assert [r.rows for r in results] == [1_504_375, 1_504_375]
    assert [r.protocol for r in results] == ["direct", "spooled"]
    best, direct, ratio = bench.speedup(results)
    text = bench.render_text(results, BIG)
    print(text)  # the measured table and ratio, for the record (pytest -s)
    assert best is results[1] and direct is results[0]
    assert ratio == results[1].rows_per_s / results[0].rows_per_s
    word, shown = ("faster", ratio) if ratio >= 1 else ("slower", 1 / ratio)
    assert f"is {shown:.2f}× {word} than direct" in text
    assert results[1].wire_bytes < results[0].wire_bytes  # zstd on the wire vs JSON pages


def test_cli_flags(healthy):
    from trino_tui.insight.cli import bench_main

    out, err = io.StringIO(), io.StringIO()
    assert bench_main(["--server", healthy.url, "--catalog", "tpch", "--schema", "tiny",
                       "--sql", "select * from nation", "--modes", "direct,json",
                       "--downloader-counts", "2", "--json"], out, err) == 0
    assert [r["label"] for r in json.loads(out.getvalue())["runs"]] == ["direct", "json ×2"]
    assert bench_main(["--sql", "x", "--modes", "xml"], out, err) == 2
    assert bench_main(["--sql", "x", "--downloader-counts", "0"], out, err) == 2
    assert bench_main(["--sql", "x", "--time-box", "0s"], out, err) == 2
