"""Retry policy of one HTTP request: what may be retried, back-off, budget, publication.

Retried: HTTP 429 (honouring Retry-After), 502/503/504, and -- only where the request is safe
to repeat (polling, downloads) -- resets and timeouts. Never retried: connection refused /
unknown host / TLS failures on a submit, 4xx. All attempts of one request share one budget
(``retry_budget`` seconds from the first attempt); each pending retry is published as a
``RetryEvent`` (and ``None`` once the wait is over). Waits end early on cancel. The clock and
the wait are injectable for deterministic tests. One Retrier per request (not shared).
"""

from __future__ import annotations

import time
from typing import Callable

from trino_tui.records import record
from .cancel import CancelToken
from .errors import QueryCancelled
from .events import RetryEvent

RETRYABLE_STATUS = frozenset({429, 502, 503, 504})
MAX_RETRY_AFTER = 60.0

Publish = Callable[[RetryEvent | None], None]
Wait = Callable[[CancelToken | None, float], bool]  # returns True when cancelled during the wait


def default_wait(token: CancelToken | None, delay: float) -> bool:
    if token is None:
        time.sleep(delay)
        return False
    return token.wait(delay)


@record
class RetryPolicy:
    """Exponential back-off bounded by a time budget."""

    budget: float
    base_delay: float = 0.1
    max_delay: float = 2.0

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        if retry_after:
            try:
                return max(0.0, min(float(retry_after), MAX_RETRY_AFTER))
            except ValueError:
                pass
        return min(self.max_delay, self.base_delay * (2 ** attempt))


class Retrier:
    """Attempts of one request: counts them, enforces the budget, waits (cancellable)."""

    def __init__(self, policy: RetryPolicy, phase: str, token: CancelToken | None, *,
                 publish: Publish | None = None, clock: Callable[[], float] = time.monotonic,
                 wait: Wait = default_wait) -> None:
        self.policy = policy
        self.phase = phase
        self.token = token
        self.publish = publish
        self.clock = clock
        self._wait = wait
        self.started = clock()
        self.deadline = self.started + policy.budget
        self.attempt = 0

    def budget_left(self) -> float:
        return max(0.0, self.deadline - self.clock())

    def wait(self, reason: str, retry_after: str | None = None) -> bool:
        """Sleep before the next attempt; False when the budget does not allow it."""
        delay = self.policy.delay(self.attempt, retry_after)
        left = self.deadline - self.clock()
        if delay > left:
            return False
        self.attempt += 1
        if self.publish is not None:
            self.publish(RetryEvent(phase=self.phase, attempt=self.attempt, delay=delay,
                                    budget_left=left - delay, reason=reason, at=self.clock()))
        try:
            cancelled = self._wait(self.token, delay)
        finally:
            if self.publish is not None:
                self.publish(None)
        if cancelled or (self.token is not None and self.token.cancelled):
            raise QueryCancelled("Query was cancelled")
        return True
