"""Playback: real or faster speed, pause, steps, speed changes (pure, no clock)."""

from __future__ import annotations

from tests.tui import fake_snapshots as fs
from trino_tui.insight.playback import SPEEDS, Playback


def test_advance_follows_trace_time_times_speed():
    snaps = fs.rate_series(5)  # 0.05 s apart
    pb = Playback(snaps)
    assert pb.advance(0.0) is snaps[0]  # the first snapshot is due at once
    assert pb.advance(0.04) is None  # the next is 0.05 s later
    assert pb.advance(0.02) is snaps[1]
    pb.speed = 4.0
    assert pb.advance(0.05) is snaps[4] and pb.at_end  # 0.2 s of trace time
    assert pb.advance(1.0) is None  # at the end


def test_pause_and_step_and_speeds():
    snaps = fs.rate_series(4)
    pb = Playback(snaps, paused=True)
    assert pb.advance(10.0) is None and pb.position == -1
    assert pb.step() is snaps[0] and pb.step() is snaps[1]
    assert pb.step(-5) is snaps[0] and pb.step(99) is snaps[3]
    pb.paused = False
    assert pb.advance(1.0) is None  # stepping to the end ends playback
    assert pb.duration == snaps[-1].now - snaps[0].now
    pb.speed = 1.0
    assert pb.faster() == 2.0 and pb.faster(False) == 1.0
    pb.speed = SPEEDS[-1]
    assert pb.faster() == SPEEDS[-1]
    assert Playback([]).step() is None and Playback([]).duration == 0.0
