"""Workspace: one ExploreConnection per server/user, history and session kept under state_dir."""

from __future__ import annotations

from types import SimpleNamespace

from trino_tui.explore.workspace import Workspace

from .fakes import tpch_runner


def test_connection_is_kept_per_server_and_user_and_replaced_on_change(tmp_path):
    made = []

    def factory(config):
        made.append(config.server)
        return tpch_runner()

    ws = Workspace(factory, state_dir=tmp_path)
    try:
        a = SimpleNamespace(server="http://h:1", user="u")
        c1 = ws.connection(a)
        assert ws.connection(SimpleNamespace(server="http://h:1", user="u")) is c1
        e1 = ws.engine(a, lambda: (None, None))
        assert ws.engine(a, lambda: (None, None)) is e1
        c2 = ws.connection(SimpleNamespace(server="http://h:2", user="u"))
        assert c2 is not c1 and made == ["http://h:1", "http://h:2"]
        assert c1.pool.submit(lambda: None) is False  # the old connection's threads were closed
        assert ws.engine(SimpleNamespace(server="http://h:2", user="u"), lambda: (None, None)) is not e1
    finally:
        ws.close()


def test_history_and_session_persist_under_state_dir(tmp_path):
    ws = Workspace(lambda c: tpch_runner(), state_dir=tmp_path)
    outcome = SimpleNamespace(status="finished", rows=1, query_id="q1")
    assert ws.record("SELECT 1", config=SimpleNamespace(server="http://h", user="u"), started=1.0,
                     duration=0.1, outcome=outcome) is None
    ws.set_pref("browser", True)
    assert ws.save("SELECT 42", (0, 9)) is None
    ws.close()
    again = Workspace(lambda c: tpch_runner(), state_dir=tmp_path)
    assert again.pref("browser") is True
    assert again.saved_buffer().text == "SELECT 42" and again.saved_buffer().cursor == (0, 9)
    assert [e.sql for e in again.history.entries()] == ["SELECT 1"]


def test_without_a_state_dir_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    ws = Workspace(lambda c: tpch_runner())
    assert ws.record("SELECT 1", config=None, started=0, duration=0, outcome=None) is None
    assert ws.save("x", (0, 0)) is None
    assert list(tmp_path.iterdir()) == []
