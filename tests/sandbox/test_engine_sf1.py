"""tpch.sf1 generated on first use (slow: ~7 s of tpchgen-cli plus a full lineitem stream)."""

from __future__ import annotations

import pytest

from trino_tui.sandbox.engine import Engine, SessionContext


@pytest.mark.slow
def test_sf1_is_generated_on_use_and_streams_every_row(tmp_path) -> None:
    messages: list[str] = []
    engine = Engine(data_dir=tmp_path, schemas=("tiny",), progress=messages.append)
    try:
        session = SessionContext(user="u", catalog="tpch", schema="sf1")
        result = engine.execute("SELECT orderkey, comment FROM lineitem", session)
        assert any("scale factor 1 " in m for m in messages)
        assert result.total_rows == 6_001_215
        rows = chunks = 0
        largest = 0
        for count, data in result.iter_chunks(1024 * 1024):
            rows += count
            chunks += 1
            largest = max(largest, len(data))
        result.close()
        assert rows == 6_001_215
        assert largest < 2 * 1024 * 1024 and chunks > 50
        assert (tmp_path / "sf1" / "lineitem.parquet").exists()
    finally:
        engine.close()
