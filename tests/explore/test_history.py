"""HistoryStore: JSON lines with the agreed fields, no secrets, rotation, fuzzy newest-first search."""

from __future__ import annotations

import json

from trino_tui.explore.history import HistoryEntry, HistoryStore, safe_server
from trino_tui.explore.paths import state_dir


def entry(sql, n=0, **kw):
    return HistoryEntry(sql=sql, server="https://alice:s3cret@trino.example:8443/?token=x", user="alice",
                        catalog="tpch", schema="tiny", started=1000.0 + n, duration=0.25, rows=n,
                        state="finished", query_id=f"q{n}", **kw)


def test_lines_hold_the_fields_and_no_secret(tmp_path):
    store = HistoryStore(tmp_path / "h" / "history.jsonl")
    store.append(entry("SELECT 1", 1))
    raw = (tmp_path / "h" / "history.jsonl").read_text()
    assert "s3cret" not in raw and "token" not in raw
    data = json.loads(raw)
    assert data["server"] == "https://trino.example:8443/"
    assert {k: data[k] for k in ("user", "catalog", "schema", "started", "duration", "rows", "state", "query_id")} == {
        "user": "alice", "catalog": "tpch", "schema": "tiny", "started": 1001.0, "duration": 0.25, "rows": 1,
        "state": "finished", "query_id": "q1"}
    assert store.entries()[0].context == "tpch.tiny"


def test_newest_first_and_torn_lines_are_skipped(tmp_path):
    store = HistoryStore(tmp_path / "history.jsonl")
    for i in range(3):
        store.append(entry(f"SELECT {i}", i))
    with open(store.path, "a") as f:
        f.write('{"sql": "SELECT tor')  # a crash mid-write
    assert [e.sql for e in store.entries()] == ["SELECT 2", "SELECT 1", "SELECT 0"]


def test_rotation_keeps_one_generation_and_reads_both(tmp_path):
    store = HistoryStore(tmp_path / "history.jsonl", max_bytes=600)
    for i in range(12):
        store.append(entry(f"SELECT {i} FROM t", i))
    assert store.path.stat().st_size <= 600
    assert store.rotated_path.exists()
    sqls = [e.sql for e in store.entries()]
    assert sqls[0] == "SELECT 11 FROM t"
    assert sqls == sorted(sqls, key=lambda s: -int(s.split()[1]))  # newest first across both files
    assert len(sqls) < 12  # older generations are dropped


def test_search_substring_then_fuzzy_newest_first(tmp_path):
    store = HistoryStore(tmp_path / "history.jsonl")
    for i, sql in enumerate(["SELECT * FROM nation", "select count(*)\nfrom   lineitem", "SHOW CATALOGS",
                             "SELECT * FROM lineitem LIMIT 5"]):
        store.append(entry(sql, i))
    assert [e.sql for e in store.search("from lineitem")] == ["SELECT * FROM lineitem LIMIT 5",
                                                             "select count(*)\nfrom   lineitem"]
    assert [e.sql for e in store.search("shcat")] == ["SHOW CATALOGS"]  # fuzzy
    assert len(store.search("")) == 4 and store.search("zzz") == []


def test_state_dir_follows_xdg():
    assert str(state_dir({"XDG_STATE_HOME": "/x/state"})) == "/x/state/trino-tui"
    assert str(state_dir({"HOME": "/home/u"})) == "/home/u/.local/state/trino-tui"
    assert safe_server("http://h:8080") == "http://h:8080"


def test_recorder_builds_entries_from_an_outcome_and_reports_a_write_error_once(tmp_path):
    from types import SimpleNamespace

    from trino_tui.explore.recorder import HistoryRecorder

    store = HistoryStore(tmp_path / "history.jsonl")
    rec = HistoryRecorder(store)
    config = SimpleNamespace(server="http://u:pw@h:8080", user="u", catalog="tpch", schema="tiny", password="pw")
    session = SimpleNamespace(catalog="tpch", schema="sf1")
    failed = SimpleNamespace(status="failed", rows=0, query_id="q9", error=SimpleNamespace(message="boom"))
    assert rec.record("SELECT x", config=config, session=session, started=5.0, duration=0.5, outcome=failed) is None
    e = store.entries()[0]
    assert (e.schema, e.state, e.query_id, e.error, e.server) == ("sf1", "failed", "q9", "boom", "http://h:8080")
    assert "pw" not in store.path.read_text()
    blocked = HistoryRecorder(HistoryStore(tmp_path / "history.jsonl" / "x"))  # a file where a dir must be
    ok = SimpleNamespace(status="finished", rows=3, query_id="q1")
    msg = blocked.record("SELECT 1", config=config, started=1.0, duration=0.1, outcome=ok)
    assert msg is not None and msg.startswith("History not saved: ")
    assert blocked.record("SELECT 1", config=config, started=1.0, duration=0.1, outcome=ok) is None  # once
