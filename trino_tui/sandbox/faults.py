"""Deterministic fault injection for segment downloads and statement polls.

Every decision draws from `random.Random(f"{seed}:{kind}:{key}:{attempt}")`, where *key* names the
object (query sequence number + segment index, or query + token) and *attempt* counts earlier
requests for the same key. Outcomes therefore depend only on the seed and on what the client asks
for, never on thread timing. Thread-safe (attempt counters are guarded by a lock).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from .config import SandboxConfig


@dataclass(frozen=True)
class SegmentFault:
    """What to do to one segment GET: fail with 503, truncate the body, or flip bytes."""

    unavailable: bool = False
    truncate: bool = False
    corrupt: bool = False

    def apply(self, body: bytes) -> bytes:
        """Mutate *body* per the decision (truncation keeps the first half; corruption flips bytes)."""
        if self.truncate and body:
            body = body[: len(body) // 2]
        if self.corrupt and body:
            buf = bytearray(body)
            for pos in range(0, len(buf), max(1, len(buf) // 7)):
                buf[pos] ^= 0xFF
            body = bytes(buf)
        return body


class FaultInjector:
    """Decides faults from the current config (read through *config_ref* on every call)."""

    def __init__(self, config_ref: Callable[[], SandboxConfig]):
        self._config = config_ref
        self._attempts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _draw(self, kind: str, key: str) -> float:
        with self._lock:
            attempt = self._attempts[f"{kind}:{key}"]
            self._attempts[f"{kind}:{key}"] += 1
        return random.Random(f"{self._config().seed}:{kind}:{key}:{attempt}").random()

    def segment(self, key: str) -> SegmentFault:
        """Decision for one GET of segment *key* (each call is one attempt)."""
        cfg = self._config()
        if not (cfg.fault_segment_503 or cfg.fault_truncate or cfg.fault_corrupt):
            return SegmentFault()
        return SegmentFault(
            unavailable=self._draw("503", key) < cfg.fault_segment_503,
            truncate=self._draw("truncate", key) < cfg.fault_truncate,
            corrupt=self._draw("corrupt", key) < cfg.fault_corrupt,
        )

    def poll_unavailable(self, key: str) -> bool:
        """True when this statement poll (query + token, one attempt per call) should answer 503."""
        cfg = self._config()
        return bool(cfg.fault_poll_503) and self._draw("poll", key) < cfg.fault_poll_503
