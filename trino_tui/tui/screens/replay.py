"""`trino-tui replay FILE`: a recorded trace played back in the pipeline panel, offline.

Owns the replay app: a PipelinePanel fed from trino_tui.insight.playback at real or faster
speed, a one-line transport bar (position, speed, paused) and the keys: space pause/play,
. step forward, , step back, +/- speed, r restart, e jump to the end, q quit (the arrows stay
with the segment map: select a segment while replaying). The
timer advances playback by the wall time measured between ticks, so a slow frame never
changes where the replay is. UI thread only; no network, no client threads.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static

from trino_tui.insight.playback import Playback
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel

TICK = 0.05


class ReplayApp(App):
    """Plays *snapshots* (a read trace's) in a pipeline panel."""

    TITLE = "trino-tui replay"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "Pause/play", priority=True),
        Binding("full_stop", "step(1)", "Step", key_display=".", priority=True),
        Binding("comma", "step(-1)", "Back", key_display=",", priority=True),
        Binding("plus,equals_sign", "speed(1)", "Faster", key_display="+", priority=True),
        Binding("minus", "speed(-1)", "Slower", key_display="-", priority=True),
        Binding("r", "restart", "Restart", priority=True),
        Binding("e", "to_end", "End", priority=True),
        Binding("q,escape", "quit", "Quit", priority=True),
    ]
    CSS = "#replay-bar { height: 1; background: $panel; padding: 0 1; }"

    def __init__(self, snapshots: list[Any], *, source: str = "", speed: float = 1.0,
                 paused: bool = False, coordinator_host: str | None = None,
                 outcome: str | None = None, autoplay: bool = True) -> None:
        super().__init__()
        self.playback = Playback(snapshots, speed=speed, paused=paused)
        self.source = source
        self.coordinator_host = coordinator_host
        self.final_outcome = outcome
        self._autoplay = autoplay
        self._last_tick: float | None = None

    def compose(self) -> ComposeResult:
        yield PipelinePanel(id="pipeline", coordinator_host=self.coordinator_host)
        yield Static("", id="replay-bar")
        yield Footer()

    def on_mount(self) -> None:
        self._show(self.playback.step(0) if self.playback.snapshots else None)
        if self._autoplay:
            self.set_interval(TICK, self._tick)

    @property
    def panel(self) -> PipelinePanel:
        return self.query_one(PipelinePanel)

    def _tick(self) -> None:
        now = time.monotonic()
        elapsed = 0.0 if self._last_tick is None else now - self._last_tick
        self._last_tick = now
        snap = self.playback.advance(elapsed)
        if snap is not None:
            self._show(snap)
        else:
            self._bar()

    def _show(self, snap: Any | None) -> None:
        outcome = self.final_outcome if self.playback.at_end else None
        self.panel.update_snapshot(snap, outcome=outcome)
        self._bar()

    def _bar(self) -> None:
        pb = self.playback
        at = (pb.current.now - pb.start) if pb.current is not None else 0.0
        state = "paused" if pb.paused else "end" if pb.at_end else "playing"
        total = len(pb.snapshots)
        self.query_one("#replay-bar", Static).update(
            f"replay {self.source} · {at:.1f} s / {pb.duration:.1f} s · snapshot "
            f"{pb.position + 1}/{total} · ×{pb.speed:g} · {state}")

    def action_toggle_pause(self) -> None:
        self.playback.paused = not self.playback.paused
        self._last_tick = None
        self._bar()

    def action_step(self, delta: int) -> None:
        self.playback.paused = True
        self._show(self.playback.step(delta))

    def action_speed(self, direction: int) -> None:
        self.playback.faster(direction > 0)
        self._bar()

    def action_restart(self) -> None:
        self.panel.update_snapshot(None)  # forget the segments seen: the query starts over
        self.playback.position = -1
        self._show(self.playback.step(1))

    def action_to_end(self) -> None:
        self._show(self.playback.step(len(self.playback.snapshots)))
