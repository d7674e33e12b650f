"""Bounded, cancellable channels and the slot throttle that connect the pipeline stages.

``Channel``: a FIFO with an optional weighted capacity, a producer count (closed when the last
producer finishes) and a shared ``CancelToken``; every blocking call is woken by close/cancel.
``Slots``: counting semaphore bounding the segments in flight (cancel-aware).
``WindowedQueue``: hands decoders only the units close enough to the consumer (decompression
in positions, parsing also in bytes of JSON parsed ahead).
All classes are thread-safe. (``CancelToken`` lives in ``client.cancel``: it exists before the POST.)
"""

from __future__ import annotations

import bisect
import threading
from collections import deque
from typing import Generic, TypeVar

from ..cancel import CancelToken

T = TypeVar("T")


class Cancelled(Exception):
    """Raised from a blocking channel/slot call after the pipeline was cancelled."""


class Closed(Exception):
    """Raised by ``Channel.get`` once the channel is closed and drained."""


class Channel(Generic[T]):
    """FIFO between stages; ``capacity`` limits the summed item weights (None = unbounded)."""

    def __init__(self, name: str, cancel: CancelToken, capacity: int | None = None, producers: int = 1) -> None:
        self.name = name
        self._cancel = cancel
        self._capacity = capacity
        self._items: deque[tuple[T, int]] = deque()
        self._weight = 0
        self._producers = producers
        self._cond = threading.Condition()
        cancel.register(self._cond)

    def put(self, item: T, weight: int = 1) -> None:
        """Append; blocks while full. Raises Cancelled after cancel."""
        with self._cond:
            while True:
                if self._cancel.cancelled:
                    raise Cancelled()
                if self._capacity is None or self._weight == 0 or self._weight + weight <= self._capacity:
                    break
                self._cond.wait()
            self._items.append((item, weight))
            self._weight += weight
            self._cond.notify_all()

    def get(self, timeout: float | None = None) -> T:
        """Pop the oldest item; raises Closed when drained and closed, Cancelled after cancel,
        TimeoutError after *timeout* seconds without an item."""
        with self._cond:
            while True:
                if self._cancel.cancelled:
                    raise Cancelled()
                if self._items:
                    item, weight = self._items.popleft()
                    self._weight -= weight
                    self._cond.notify_all()
                    return item
                if self._producers <= 0:
                    raise Closed()
                if not self._cond.wait(timeout):
                    if timeout is not None:
                        raise TimeoutError(self.name)

    def producer_done(self) -> None:
        """One producer finished; the channel closes when all have."""
        with self._cond:
            self._producers -= 1
            self._cond.notify_all()

    def drain(self) -> list[T]:
        """Remove and return everything queued (used on cancel to ack unread segments)."""
        with self._cond:
            items = [item for item, _ in self._items]
            self._items.clear()
            self._weight = 0
            self._cond.notify_all()
            return items

    def __len__(self) -> int:
        return len(self._items)


class Slots:
    """Segments in flight, bounded by count and by bytes; ``acquire`` raises Cancelled on cancel.

    ``acquire(nbytes)`` waits for a free slot and for *nbytes* to fit in ``max_bytes`` (0 = no
    byte bound); a unit bigger than the whole budget goes when nothing else holds bytes, so the
    oldest unit can always proceed (no deadlock)."""

    def __init__(self, count: int, cancel: CancelToken, max_bytes: int = 0) -> None:
        self._free = count
        self.capacity = count
        self.max_bytes = max_bytes
        self.bytes_in_use = 0
        self._cancel = cancel
        self._cond = threading.Condition()
        cancel.register(self._cond)

    def _blocked(self, nbytes: int) -> bool:
        if self._free <= 0:
            return True
        return bool(self.max_bytes) and self.bytes_in_use > 0 and self.bytes_in_use + nbytes > self.max_bytes

    def acquire(self, nbytes: int = 0) -> None:
        with self._cond:
            while self._blocked(nbytes):
                if self._cancel.cancelled:
                    raise Cancelled()
                self._cond.wait()
            if self._cancel.cancelled:
                raise Cancelled()
            self._free -= 1
            self.bytes_in_use += nbytes

    def release(self, nbytes: int = 0) -> None:
        with self._cond:
            self._free += 1
            self.bytes_in_use -= nbytes
            self._cond.notify_all()

    @property
    def in_use(self) -> int:
        return self.capacity - self._free


class WindowedQueue(Generic[T]):
    """Units by ``seq`` for the decoders, handed out only inside the window ``[base, base + size)``
    (``base`` = next position the consumer will take), lowest first.

    A unit is queued either fresh (to be checked and decompressed) or ``ready`` (decompressed, waiting
    for its turn to be parsed). A ready unit is handed out only with a parse permit: it is the unit
    at ``base``, or nothing else holds a permit, or, if ``max_bytes`` > 0, the permitted units at
    positions >= base (parsing, or parsed and waiting for the consumer) hold at most ``max_bytes``
    of declared JSON bytes together with it (rows as Python objects are ~6x their JSON). So
    decompression runs ahead of the consumer in positions, parsed rows only in bytes.

    Deadlock-free: a waiting decoder holds no unit (a decoder whose unit gets no permit queues it
    back as ready), and the unit at ``base`` always gets its permit, however big; ``advance``
    returns the bytes of delivered positions. Closed when all producers finished and nothing is
    queued."""

    def __init__(self, name: str, cancel: CancelToken, size: int, producers: int = 1, max_bytes: int = 0) -> None:
        self.name = name
        self.size = size
        self.max_bytes = max_bytes
        self.ahead_bytes = 0  # bytes of the permitted units at positions >= base
        self._permits: dict[int, int] = {}  # seq -> bytes of those units
        self._cancel = cancel
        self._items: list[tuple[int, int, int, bool, T]] = []  # (seq, tie, nbytes, ready, item), sorted
        self._tie = 0
        self._base = 0
        self._producers = producers
        self._cond = threading.Condition()
        cancel.register(self._cond)

    def put(self, item: T, seq: int, nbytes: int = 0, ready: bool = False) -> None:
        """Queue a fresh unit, or (``ready``) a decompressed one that waits for its parse permit."""
        with self._cond:
            if self._cancel.cancelled:
                raise Cancelled()
            bisect.insort(self._items, (seq, self._tie, nbytes, ready, item), key=lambda e: (e[0], e[1]))
            self._tie += 1
            self._cond.notify_all()

    def _permit(self, seq: int, nbytes: int) -> bool:
        """Grant (and record) a parse permit to the unit at *seq*, if it may parse now (lock held)."""
        if seq in self._permits:
            return True
        if seq > self._base and self.ahead_bytes and not (
                self.max_bytes and self.ahead_bytes + nbytes <= self.max_bytes):
            return False
        if seq >= self._base:
            self._permits[seq] = nbytes
            self.ahead_bytes += nbytes
        return True

    def may_parse(self, seq: int, nbytes: int) -> bool:
        """A decoder holding a decompressed unit asks for its parse permit (never waits)."""
        with self._cond:
            return self._permit(seq, nbytes)

    def _take(self) -> T | None:
        for i, (seq, _, nbytes, ready, item) in enumerate(self._items):
            if seq >= self._base + self.size:
                return None
            if not ready or self._permit(seq, nbytes):
                del self._items[i]
                return item
        return None

    def poll(self) -> T | None:
        """The next unit if one may be handed out now, else None (never waits)."""
        with self._cond:
            if self._cancel.cancelled:
                raise Cancelled()
            return self._take()

    def get(self) -> T:
        with self._cond:
            while True:
                if self._cancel.cancelled:
                    raise Cancelled()
                item = self._take()
                if item is not None:
                    return item
                if not self._items and self._producers <= 0:
                    raise Closed()
                self._cond.wait()

    def advance(self, base: int) -> None:
        """The consumer moved on: positions below *base* are delivered (their permits return)."""
        with self._cond:
            self._base = base
            for seq in [s for s in self._permits if s < base]:
                self.ahead_bytes -= self._permits.pop(seq)
            self._cond.notify_all()

    def producer_done(self) -> None:
        with self._cond:
            self._producers -= 1
            self._cond.notify_all()

    def add_producers(self, n: int) -> None:
        """*n* more producers (started late); call it from a producer that is not done yet."""
        with self._cond:
            self._producers += n

    def __len__(self) -> int:
        return len(self._items)
