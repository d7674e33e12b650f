"""The one format vocabulary: every name has a writer, an extension and a description."""

from __future__ import annotations

import io

import pytest

from trino_tui.client import ConfigError
from trino_tui.client.types import Column, parse_type_text
from trino_tui.export import FORMATS, OUTPUT_FORMATS, TRINO_CLI_FORMATS, create_writer, extension_for, output_format
from trino_tui.export import parquet as parquet_mod

COLUMNS = [Column("k", parse_type_text("bigint")), Column("s", parse_type_text("varchar"))]


def test_names_are_the_trino_cli_formats_first_then_ours() -> None:
    assert FORMATS[:11] == TRINO_CLI_FORMATS == ("CSV", "CSV_HEADER", "CSV_UNQUOTED", "CSV_HEADER_UNQUOTED", "TSV", "TSV_HEADER",
                            "JSON", "MARKDOWN", "ALIGNED", "VERTICAL", "NULL")
    assert FORMATS == tuple(f.name for f in OUTPUT_FORMATS) and len(set(FORMATS)) == len(FORMATS)
    assert {"JSON_ARRAY", "PARQUET"} <= set(FORMATS)


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_writes_and_has_extension_and_description(name) -> None:
    out = io.BytesIO()
    writer = create_writer(name.lower(), out, COLUMNS)
    writer.write_rows([[1, "a"], [2, None]])
    writer.close()
    assert (out.getvalue() == b"") == (name == "NULL")
    fmt = output_format(name)
    assert fmt.description and extension_for(name) == fmt.extension
    assert fmt.extension.startswith(".") or name == "NULL"


def test_extensions() -> None:
    assert [extension_for(n) for n in ("csv_header", "TSV", "JSON", "JSON_ARRAY", "MARKDOWN", "ALIGNED", "PARQUET")] \
        == [".csv", ".tsv", ".json", ".json", ".md", ".txt", ".parquet"]


def test_unknown_format_names_every_choice() -> None:
    with pytest.raises(ValueError, match="unknown output format 'XML'.*CSV.*PARQUET"):
        create_writer("XML", io.BytesIO(), COLUMNS)


def test_parquet_without_pyarrow_is_a_clear_config_error(monkeypatch) -> None:
    monkeypatch.setattr(parquet_mod, "pyarrow_available", lambda: False)
    with pytest.raises(ConfigError, match=r"PARQUET output needs pyarrow"):
        create_writer("PARQUET", io.BytesIO(), COLUMNS)


def test_json_array_is_one_document() -> None:
    import json

    out = io.BytesIO()
    writer = create_writer("JSON_ARRAY", out, COLUMNS)
    writer.write_rows([[1, "a"]])
    writer.write_rows([[2, None]])
    writer.close()
    assert json.loads(out.getvalue()) == [{"k": 1, "s": "a"}, {"k": 2, "s": None}]
