"""`trino-tui replay FILE`: one-line errors and the app it starts."""

from __future__ import annotations

import io
import json

from tests.tui import fake_snapshots as fs
from trino_tui.insight.cli import replay_main
from trino_tui.insight.trace import FORMAT, TraceWriter


def test_replay_errors_are_one_line(tmp_path):
    err = io.StringIO()
    assert replay_main([str(tmp_path / "missing.trace")], err=err) == 1
    assert "cannot read" in err.getvalue() and err.getvalue().count("\n") == 1
    bad = tmp_path / "bad.trace"
    bad.write_text("not json\n")
    assert replay_main([str(bad)], err=err) == 1
    assert "not a trace record" in err.getvalue().splitlines()[-1]
    empty = tmp_path / "empty.trace"
    empty.write_text(json.dumps({"type": "meta", "format": FORMAT}) + "\n")
    assert replay_main([str(empty)], err=err) == 1
    assert "holds no pipeline snapshots" in err.getvalue().splitlines()[-1]
    assert replay_main([str(empty), "--speed", "0"], err=err) == 2


def test_replay_starts_the_app_with_the_trace(tmp_path, monkeypatch):
    from trino_tui.tui.screens import replay

    path = tmp_path / "ok.trace"
    with open(path, "w", encoding="utf-8") as out:
        writer = TraceWriter(out, server=f"http://{fs.COORDINATOR}")
        writer.statement("select 1")
        for snap in fs.rate_series(3):
            writer.snapshot(snap)
        writer.end("stopped", 10)
    started = []
    monkeypatch.setattr(replay.ReplayApp, "run", lambda self: started.append(self))
    assert replay_main([str(path), "--speed", "4x", "--paused"]) == 0
    [app] = started
    assert app.playback.speed == 4.0 and app.playback.paused
    assert len(app.playback.snapshots) == 3 and app.final_outcome == "stopped"
    assert app.coordinator_host == fs.COORDINATOR
