"""Golden outputs per format (tests/export/golden/*.txt, checked byte for byte against the Trino
CLI 446 with tests/export/test_oracle.py) plus literal expectations for the CLI rules."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.export.golden_data import ROWS, columns
from trino_tui.client.types import Column, parse_type_text
from trino_tui.export import TRINO_CLI_FORMATS, create_writer
from trino_tui.export.aligned import AlignedWriter, VerticalWriter
from trino_tui.export.markdown import MarkdownWriter

GOLDEN = Path(__file__).parent / "golden"


def render(fmt: str, cols, batches) -> bytes:
    out = io.BytesIO()
    w = create_writer(fmt, out, cols)
    for b in batches:
        w.write_rows(b)
    w.close()
    return out.getvalue()


def cols_of(*spec: str) -> list[Column]:
    return [Column(s.split(" ", 1)[0], parse_type_text(s.split(" ", 1)[1])) for s in spec]


@pytest.mark.parametrize("fmt", [f for f in TRINO_CLI_FORMATS if f != "NULL"])
def test_golden_file(fmt: str) -> None:
    expected = (GOLDEN / f"{fmt.lower()}.txt").read_bytes()
    assert render(fmt, columns(), [ROWS]) == expected
    # streaming: the batch boundaries never change the bytes
    assert render(fmt, columns(), [ROWS[:1], [], ROWS[1:3], ROWS[3:]]) == expected


def test_null_format_discards_and_counts() -> None:
    out = io.BytesIO()
    w = create_writer("NULL", out, columns())
    w.write_rows(ROWS)
    w.close()
    assert out.getvalue() == b"" and w.rows_written == len(ROWS)


# the CSV_HEADER example of trino-protocol.md §11.1, observed with the real CLI
PROTOCOL_EXAMPLE_COLS = cols_of("k bigint", "label varchar", "amount decimal(10, 2)", "score double",
                                "ok boolean", "born date", "ids array(bigint)", "memo varchar")
PROTOCOL_EXAMPLE_ROWS = [
    [10, "simple", "3.10", 2.5, True, "2021-06-01", [4, 5], "m"],
    [11, 'say "hi"', "-0.50", "NaN", None, "2022-01-01", None, None],
    [12, "two\nlines", "7.25", "-Infinity", False, None, [None, 8], "q"],
    [13, "", "0.00", 2.0e-7, None, "1900-01-01", [], "a\\b"],
]


def test_csv_header_protocol_example() -> None:
    assert render("CSV_HEADER", PROTOCOL_EXAMPLE_COLS, [PROTOCOL_EXAMPLE_ROWS]).decode() == (
        '"k","label","amount","score","ok","born","ids","memo"\n'
        '"10","simple","3.10","2.5","true","2021-06-01","[4, 5]","m"\n'
        '"11","say ""hi""","-0.50","NaN","","2022-01-01","",""\n'
        '"12","two\nlines","7.25","-Infinity","false","","[NULL, 8]","q"\n'
        '"13","","0.00","2.0E-7","","1900-01-01","[]","a\\b"\n')


def test_tsv_escapes_and_nulls() -> None:
    cols = cols_of("a varchar", "b bigint", "c varbinary")
    rows = [["x\ty\nz\\\0\b\f\r", None, "AAE="], [None, 5, None]]
    assert render("TSV_HEADER", cols, [rows]).decode() == (
        "a\tb\tc\n"
        "x\\ty\\nz\\\\\\0\\b\\f\\r\t\t00 01\n"
        "\t5\t\n")


def test_csv_unquoted_has_no_quoting_or_escaping() -> None:
    cols = cols_of("a varchar", "b double")
    rows = [['q"x,y', 1e10], [None, None]]
    assert render("CSV_HEADER_UNQUOTED", cols, [rows]).decode() == 'a,b\nq"x,y,1.0E10\n,\n'


@pytest.mark.parametrize("value", ["sep\x1finside", "row\x1esep", "\x1f\x1e"])
def test_separator_characters_inside_values_take_the_slow_path(value: str) -> None:
    cols = cols_of("a varchar", "b varchar")
    rows = [["x", value], [value, 'q"']]
    assert render("CSV", cols, [rows]).decode() == f'"x","{value}"\n"{value}","q"""\n'
    assert render("TSV", cols, [rows]).decode() == f"x\t{value}\n{value}\tq\"\n"
    assert render("CSV_UNQUOTED", cols, [rows]).decode() == f'x,{value}\n{value},q"\n'


def test_json_lines_literal() -> None:
    cols = cols_of("a bigint", "b double", "c real", "d decimal(3, 1)", "e varbinary", "f varchar",
                   "g map(bigint, array(double))", "h row(x bigint, varchar)")
    rows = [[1, 1e10, 0.1, "1.5", "AQI=", "ctl\x01é", {"17": [1e-4], "1": None, "0": []}, [None, "y"]],
            [None, "NaN", None, None, None, None, None, None]]
    assert render("JSON", cols, [rows]).decode() == (
        '{"a":1,"b":1.0E10,"c":0.1,"d":"1.5","e":"01 02","f":"ctl\\u0001\u00e9",'
        '"g":{"0":[],"17":[1.0E-4],"1":null},"h":[null,"y"]}\n'
        '{"a":null,"b":"NaN","c":null,"d":null,"e":null,"f":null,"g":null,"h":null}\n')


def test_json_row_boundaries_survive_tricky_values() -> None:
    cols = cols_of("s varchar", "r array(row(a bigint))", "d double")
    rows = [[",\n,", [[1], [2]], 5e-4], ['},{"x":1}', [], None], ["", None, 1.0]]
    assert render("JSON", cols, [rows]).decode() == (
        '{"s":",\\n,","r":[{"a":1},{"a":2}],"d":5.0E-4}\n'
        '{"s":"},{\\"x\\":1}","r":[],"d":null}\n'
        '{"s":"","r":null,"d":1.0}\n')


def test_json_duplicate_column_names_are_all_written() -> None:
    cols = cols_of("a bigint", "a varchar")
    assert render("JSON", cols, [[[1, "x"]]]) == b'{"a":1,"a":"x"}\n'


def test_aligned_single_row_and_empty_result() -> None:
    cols = cols_of("n bigint", "s varchar")
    assert render("ALIGNED", cols, [[[1, "a\nbc"]]]).decode() == (
        " n | s  \n"
        "---+----\n"
        " 1 | a  \n"
        "   | bc \n"
        "(1 row)\n")
    assert render("ALIGNED", cols, []).decode() == " n | s \n---+---\n(0 rows)\n"
    assert render("VERTICAL", cols, []).decode() == "(no rows)\n"
    assert render("MARKDOWN", cols, []).decode() == "| n | s |\n| -:| - |\n"
    assert render("CSV_HEADER", cols, []).decode() == '"n","s"\n'
    assert render("TSV_HEADER", cols, []).decode() == "n\ts\n"
    assert render("CSV", cols, []) == b"" and render("JSON", cols, []) == b""


def test_vertical_record_header_for_long_names() -> None:
    cols = cols_of("a_rather_long_column_name bigint", "v varchar")
    assert render("VERTICAL", cols, [[[1, "x"]]]).decode() == (
        "-[ RECORD 1 ]-------------+--\n"
        "a_rather_long_column_name | 1\n"
        "v                         | x\n")


def test_markdown_escapes_specials() -> None:
    cols = cols_of("s varchar", "n double")
    assert render("MARKDOWN", cols, [[["a|b*c\n<d>", -1.5]]]).decode() == (
        "| s                |    n |\n"
        "| ---------------- | ----:|\n"
        "| a\\|b\\*c<br>\\<d\\> | -1.5 |\n")


def test_wide_characters_count_two_columns() -> None:
    cols = cols_of("s varchar")
    assert render("ALIGNED", cols, [[["日本"], ["ab"]]]).decode() == (
        "  s   \n------\n 日本 \n ab   \n(2 rows)\n")


@pytest.mark.parametrize("cls", [AlignedWriter, VerticalWriter, MarkdownWriter])
def test_table_formats_lay_out_per_buffer(monkeypatch, cls) -> None:
    """Like the CLI: widths per buffer of N rows, header once with the first buffer's widths."""
    monkeypatch.setattr(cls, "buffer_rows", 2)
    cols = cols_of("v varchar")
    rows = [["a"], ["b"], ["long value"]]
    out = io.BytesIO()
    w = cls(out, cols)
    w.write_rows(rows[:1])
    w.write_rows(rows[1:])
    w.close()
    text = out.getvalue().decode()
    expected = {
        AlignedWriter: " v \n---\n a \n b \n long value \n(3 rows)\n",
        VerticalWriter: "-[ RECORD 1 ]\nv | a\n-[ RECORD 2 ]\nv | b\n-[ RECORD 3 ]-\nv | long value\n",
        MarkdownWriter: "| v |\n| - |\n| a |\n| b |\n| long value |\n",
    }[cls]
    assert text == expected
    assert w.rows_written == 3


def test_row_width_mismatch_is_a_clear_error() -> None:
    cols = cols_of("a bigint", "b bigint")
    for fmt in ("CSV", "TSV", "JSON", "ALIGNED"):
        out = io.BytesIO()
        w = create_writer(fmt, out, cols)
        with pytest.raises(ValueError, match="row has 1 values but the result has 2 columns"):
            w.write_rows([[1]])
            w.close()


def test_unformattable_value_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"^cannot format row \[\{'x': 1\}\]"):
        render("CSV", cols_of("d double"), [[[{"x": 1}]]])


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown output format 'XML'"):
        create_writer("XML", io.BytesIO(), [])


def test_format_names_are_case_insensitive_and_close_is_idempotent() -> None:
    out = io.BytesIO()
    w = create_writer("aligned", out, cols_of("a bigint"))
    w.write_rows([[1]])
    w.close()
    w.close()
    assert out.getvalue().decode().endswith("(1 row)\n")
    assert not out.closed


def test_column_names_never_reach_generated_code() -> None:
    cols = [Column('a"b', parse_type_text("bigint")), Column("{c}", parse_type_text("varchar")),
            Column("x\ty", parse_type_text("double")), Column("__import__('os')", parse_type_text("boolean"))]
    rows = [[1, "{0}", 2.5, True]]
    assert render("CSV_HEADER", cols, [rows]).decode() == (
        '"a""b","{c}","x\ty","__import__(\'os\')"\n"1","{0}","2.5","true"\n')
    assert render("TSV_HEADER", cols, [rows]).decode() == (
        "a\"b\t{c}\tx\\ty\t__import__('os')\n1\t{0}\t2.5\ttrue\n")
    assert render("JSON", cols, [rows]).decode() == (
        '{"a\\"b":1,"{c}":"{0}","x\\ty":2.5,"__import__(\'os\')":true}\n')
    aligned = render("ALIGNED", cols, [rows]).decode()
    assert aligned.splitlines()[2] == "   1 | {0} | 2.5 | true" + " " * 13
