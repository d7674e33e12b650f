"""Playback of recorded snapshots at real or faster speed, with pause and single steps.

Owns the play position over a trace's snapshots and the mapping of wall time to trace time
(``speed`` × elapsed). Pure and deterministic: the caller supplies elapsed seconds (the replay
screen from a timer, tests directly). Not thread-safe (UI thread only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 64.0)


@dataclass
class Playback:
    """Position in *snapshots* (ordered by ``now``); ``paused`` stops advance(), not step()."""

    snapshots: Sequence[Any]
    speed: float = 1.0
    paused: bool = False
    position: int = -1  # index of the snapshot last shown; -1 = none yet
    _clock: float = field(default=0.0, repr=False)  # trace seconds since the first snapshot

    @property
    def start(self) -> float:
        return self.snapshots[0].now if self.snapshots else 0.0

    @property
    def duration(self) -> float:
        return self.snapshots[-1].now - self.start if self.snapshots else 0.0

    @property
    def at_end(self) -> bool:
        return self.position >= len(self.snapshots) - 1

    @property
    def current(self) -> Any | None:
        return self.snapshots[self.position] if self.position >= 0 else None

    def advance(self, wall_seconds: float) -> Any | None:
        """Move trace time by *wall_seconds* × speed; the newest snapshot reached, or None
        when none was (paused, at the end, or not yet due)."""
        if self.paused or self.at_end:
            return None
        self._clock += max(0.0, wall_seconds) * self.speed
        moved = False
        while not self.at_end and self.snapshots[self.position + 1].now - self.start <= self._clock:
            self.position += 1
            moved = True
        return self.current if moved else None

    def step(self, delta: int = 1) -> Any | None:
        """Show the next (or previous, delta < 0) snapshot; pauses nothing, clamps at the ends."""
        if not self.snapshots:
            return None
        self.position = max(0, min(len(self.snapshots) - 1, self.position + delta))
        self._clock = self.snapshots[self.position].now - self.start
        return self.current

    def faster(self, up: bool = True) -> float:
        """Next speed in SPEEDS up or down; returns the new speed."""
        ranked = sorted(SPEEDS, key=lambda s: abs(s - self.speed))
        i = SPEEDS.index(ranked[0])
        self.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, i + (1 if up else -1)))]
        return self.speed
