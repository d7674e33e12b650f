"""Table writers bound their buffer by estimated bytes as well as by rows (issue 9 item 11)."""

from __future__ import annotations

import io

import pytest

from trino_tui.client.types import Column, parse_type_text
from trino_tui.export import create_writer
from trino_tui.export.base import BUFFER_BYTES, BUFFER_ROWS, BufferedWriter, row_cost


class _CountingOut(io.BytesIO):
    """Records how many rows had been handed to the writer at each write to the output."""

    def __init__(self) -> None:
        super().__init__()
        self.fed = 0
        self.writes_at: list[int] = []

    def write(self, b) -> int:
        self.writes_at.append(self.fed)
        return super().write(b)


def _feed(writer, out: _CountingOut, rows_total: int, make_row, batch: int = 100) -> None:
    for start in range(0, rows_total, batch):
        rows = [make_row(i) for i in range(start, min(rows_total, start + batch))]
        out.fed += len(rows)
        writer.write_rows(rows)


@pytest.mark.parametrize("fmt", ["ALIGNED", "MARKDOWN", "VERTICAL"])
def test_wide_rows_are_printed_long_before_10000_rows(fmt) -> None:
    columns = [Column(f"c{i}", parse_type_text("bigint")) for i in range(1000)]
    out = _CountingOut()
    writer = create_writer(fmt, out, columns)
    per_row = row_cost(list(range(1000)))
    _feed(writer, out, 3000, lambda i: [i] * 1000)
    assert out.writes_at, "nothing printed after 3,000 rows of 1,000 columns"
    assert out.writes_at[0] <= BUFFER_BYTES // per_row + 100  # within one batch of the byte budget
    assert out.writes_at[0] < BUFFER_ROWS
    writer.close()


def test_long_strings_bound_the_buffer(monkeypatch) -> None:
    monkeypatch.setattr(BufferedWriter, "buffer_bytes", 1024 * 1024)
    out = _CountingOut()
    writer = create_writer("ALIGNED", out, [Column("s", parse_type_text("varchar"))])
    _feed(writer, out, 200, lambda i: ["x" * 65536], batch=7)
    writer.close()
    # 1 MiB of budget over ~128 KiB per buffered row (string + its text): at most 8 rows a buffer
    first, *rest = out.writes_at
    assert first <= 14 and out.getvalue().endswith(b"(200 rows)\n")


def test_narrow_rows_keep_the_cli_buffer_of_10000_rows() -> None:
    columns = [Column("k", parse_type_text("bigint")), Column("v", parse_type_text("varchar"))]
    out = _CountingOut()
    writer = create_writer("ALIGNED", out, columns)
    _feed(writer, out, 25_000, lambda i: [i, "v"], batch=1000)
    assert out.writes_at[0] == BUFFER_ROWS  # widths measured over exactly the CLI's buffer
    writer.close()
    lines = out.getvalue().decode().splitlines()
    assert lines[-1] == "(25000 rows)" and len(lines) == 2 + 25_000 + 1


def test_row_cost_counts_strings_containers_and_nulls() -> None:
    assert row_cost([None, None]) == 56 + 16
    assert row_cost(["abcd"]) > row_cost([""]) > row_cost([None])
    assert row_cost([[1, 2, 3]]) > row_cost([1])
