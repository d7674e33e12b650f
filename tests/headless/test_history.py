"""Headless history: every statement of a headless run is appended to the TUI's history file (XDG
state dir, JSON lines) with its outcome — a failure too — and never a secret."""

from __future__ import annotations

import json

from trino_tui.explore.history import HistoryStore

from tests.headless.helpers import run_inprocess


def test_every_headless_statement_is_appended_to_the_history(sandbox, tmp_path, monkeypatch):
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    server = sandbox.url.replace("http://", "http://alice@")  # user-info in the URL never reaches the file
    code, out, err = run_inprocess(["--server", server, "--user", "alice", "--catalog", "tpch", "--schema", "tiny",
                                    "--execute", "SELECT 40 + 2 AS answer; SELECT * FROM no_such_table"])
    assert code == 1 and out.strip() == b'"42"', err
    path = state / "trino-tui" / "history.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(e["sql"], e["state"], e["rows"]) for e in lines] == [
        ("SELECT 40 + 2 AS answer", "finished", 1), ("SELECT * FROM no_such_table", "failed", 0)]
    first, second = lines
    assert first["user"] == "alice" and first["catalog"] == "tpch" and first["schema"] == "tiny"
    assert first["server"] == sandbox.url and "alice@" not in path.read_text()
    assert first["query_id"] and first["duration"] >= 0 and first["started"] > 0
    assert "no_such_table" in second["error"]
    assert [e.sql for e in HistoryStore(path).entries()] == ["SELECT * FROM no_such_table", "SELECT 40 + 2 AS answer"]


def test_an_unwritable_history_is_one_warning_line_and_the_rows_still_come(sandbox, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    code, out, err = run_inprocess(["--server", sandbox.url, "--execute", "SELECT 1; SELECT 2"])
    assert code == 0 and out.split() == [b'"1"', b'"2"']
    assert [line for line in err.splitlines() if "History not saved" in line] == [err.strip()]  # once, one line
