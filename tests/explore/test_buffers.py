"""SessionStore: buffers, cursors, active buffer and preferences survive a save/load; bad files
give an empty session instead of an error."""

from __future__ import annotations

from trino_tui.explore.buffers import Buffer, EditorSession, SessionStore


def test_round_trip(tmp_path):
    store = SessionStore(tmp_path / "s" / "session.json")
    s = EditorSession((Buffer("one", "SELECT 1;\n", (1, 0)), Buffer("two", "SELECT 'ü'", (0, 7), "/tmp/q.sql", True)),
                      active=1, prefs={"browser": True})
    store.save(s)
    back = store.load()
    assert back == s
    assert back.current.name == "two"
    assert list((tmp_path / "s").iterdir()) == [tmp_path / "s" / "session.json"]  # no temp file left


def test_missing_or_corrupt_files_give_an_empty_session(tmp_path):
    assert SessionStore(tmp_path / "none.json").load() == EditorSession()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert SessionStore(bad).load() == EditorSession()
    odd = tmp_path / "odd.json"
    odd.write_text('{"buffers": [{"text": "x", "cursor": ["a"]}, 7, {"text": 3}], "active": 9, "prefs": []}')
    s = SessionStore(odd).load()
    assert s.buffers == (Buffer("buffer 1", "x", (0, 0)),) and s.active == 0 and s.prefs == {}


def test_helpers():
    s = EditorSession((Buffer("a"),)).with_buffer(0, Buffer("a", "x")).with_pref("browser", False)
    assert s.current.text == "x" and s.prefs == {"browser": False}
    assert EditorSession().current is None
