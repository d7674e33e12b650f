"""Writers agree with each other and with format_cell_text on random (seeded) wire values:
CSV parsed back by Python's csv module and TSV unescaped give exactly the CLI cell texts."""

from __future__ import annotations

import csv
import io
import random

import pytest

from tests.export.golden_data import ROWS, columns
from trino_tui.export import create_writer, format_cell_text
from trino_tui.export.text import HEX_FLAT, text_formatter

ALPHABET = ['a', 'Z', '0', ' ', ',', '"', "'", '\t', '\n', '\r', '\\', '\x00', '\x08', '\x0c', '\x1e',
            '\x1f', '|', '{', '}', 'é', '日', '\u2028', '😀']


def random_rows(n: int, seed: int) -> list[list]:
    rnd = random.Random(seed)
    rows = []
    for _ in range(n):
        row = list(rnd.choice(ROWS))
        row[8] = "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 12)))  # name varchar
        row[6] = rnd.choice([None, rnd.uniform(-1e12, 1e12), rnd.random() * 10 ** rnd.randint(-9, 9),
                             float(rnd.randint(-5, 5)), "NaN"])  # d double
        rows.append(row)
    return rows


def render(fmt: str, rows) -> str:
    out = io.BytesIO()
    w = create_writer(fmt, out, columns())
    w.write_rows(rows)
    w.close()
    return out.getvalue().decode("utf-8")


def expected_fields(rows) -> list[list[str]]:
    fmts = [text_formatter(c.type, "", HEX_FLAT) for c in columns()]
    return [[f(v) for f, v in zip(fmts, row)] for row in rows]


def tsv_unescape(s: str) -> str:
    out, i = [], 0
    table = {"0": "\0", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "\\": "\\"}
    while i < len(s):
        if s[i] == "\\":
            out.append(table[s[i + 1]])
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


@pytest.mark.parametrize("seed", range(5))
def test_csv_and_tsv_round_trip_to_cell_text(seed: int) -> None:
    rows = random_rows(200, seed)
    expected = expected_fields(rows)
    parsed = list(csv.reader(io.StringIO(render("CSV", rows), newline="")))
    assert parsed == expected
    tsv_lines = render("TSV", rows).split("\n")
    assert tsv_lines[-1] == ""
    assert [[tsv_unescape(f) for f in line.split("\t")] for line in tsv_lines[:-1]] == expected


@pytest.mark.parametrize("seed", range(3))
def test_format_cell_text_matches_vertical_values(seed: int) -> None:
    rows = random_rows(50, seed)
    cols = columns()
    text = render("VERTICAL", rows)
    width = max(len(c.name) for c in cols)
    expected_lines = []
    for i, row in enumerate(rows, 1):
        for c, v in zip(cols, row):
            value = format_cell_text(v, c.type, multiline=True)
            label = c.name.ljust(width) + " | "
            for line in value.split("\n"):
                expected_lines.append(label + line)
                label = " " * width + " | "
    assert [line for line in text.split("\n") if not line.startswith("-[ RECORD")][:-1] == expected_lines


def test_single_line_cell_text_has_no_line_breaks() -> None:
    for row in random_rows(100, 7):
        for c, v in zip(columns(), row):
            s = format_cell_text(v, c.type)
            assert "\n" not in s and "\r" not in s and "\t" not in s
