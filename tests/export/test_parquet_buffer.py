"""ParquetWriter keeps few Python rows: they become Arrow batches every CONVERT_ROWS rows; groups stay exact."""

from __future__ import annotations

import io

import pytest

from trino_tui.client.types import Column, parse_type_text
from trino_tui.export import parquet

pq = pytest.importorskip("pyarrow.parquet")


def test_python_rows_are_converted_early_and_row_groups_stay_exact(monkeypatch):
    monkeypatch.setattr(parquet, "CONVERT_ROWS", 4)
    cols = [Column("i", parse_type_text("bigint")), Column("s", parse_type_text("varchar"))]
    out = io.BytesIO()
    w = parquet.ParquetWriter(out, cols, row_group_rows=10)
    rows = [[i, f"v{i}" if i % 5 else None] for i in range(25)]
    for start in range(0, 25, 3):
        w.write_rows([list(r) for r in rows[start:start + 3]])
        assert len(w._buffer) < 4  # never more Python rows than CONVERT_ROWS
    w.close()
    pf = pq.ParquetFile(io.BytesIO(out.getvalue()))
    assert [pf.metadata.row_group(g).num_rows for g in range(pf.num_row_groups)] == [10, 10, 5]
    assert pf.read().to_pylist() == [{"i": i, "s": s} for i, s in rows]
    assert (w.rows_written, w.row_groups) == (25, 3)
