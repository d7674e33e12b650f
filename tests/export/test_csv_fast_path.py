"""The quoted-CSV fast path (rows formatted straight into '","' separators) gives the same bytes
as the escaping path, and hands batches holding a '"' to it."""

from __future__ import annotations

import csv
import io

import pytest

from trino_tui.client.types import Column, parse_type_text
from trino_tui.export import create_writer

COLUMNS = [Column("k", parse_type_text("bigint")), Column("s", parse_type_text("varchar")),
           Column("d", parse_type_text("double")), Column("day", parse_type_text("date"))]


def write(rows: list[list], batch: int) -> bytes:
    out = io.BytesIO()
    w = create_writer("CSV", out, COLUMNS)
    for i in range(0, len(rows), batch):
        w.write_rows(rows[i:i + batch])
    w.close()
    return out.getvalue()


def python_csv(rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for k, s, d, day in rows:
        writer.writerow(["" if v is None else v for v in (k, s, d, day)])
    return buf.getvalue().encode()


@pytest.mark.parametrize("batch", [1, 7, 1000])
def test_plain_rows_match_quote_all_csv(batch):
    rows = [[i, f"name, {i}\twith\nnewline ü", i / 8, "2024-01-02"] for i in range(50)]
    rows[3] = [None, None, None, None]
    assert write(rows, batch) == python_csv(rows)


@pytest.mark.parametrize("batch", [1, 7, 1000])
def test_a_quote_in_any_value_is_doubled(batch):
    rows = [[i, "plain", 0.5, "2024-01-02"] for i in range(20)]
    rows[11][1] = 'say "hi"'
    out = write(rows, batch)
    assert b'"11","say ""hi""","0.5","2024-01-02"\n' in out
    assert out == python_csv(rows)
