"""The one garbage-collector policy of the client (and of consumers that parse rows).

``gc_paused()`` disables the cyclic GC while any thread parses rows and, while a pipeline is
alive (``gc_hold``/``gc_release``), freezes the freshly parsed objects afterwards so later
collections do not traverse millions of short-lived row lists; the last pipeline to end
unfreezes. Process-wide state guarded by one lock; safe from any thread.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_depth = 0  # threads currently parsing
_was_enabled = False
_pipelines = 0  # live pipelines
_froze = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic GC while any thread parses; freeze the new objects afterwards."""
    global _depth, _was_enabled, _froze
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _pipelines > 0:
                    gc.freeze()
                    _froze = True
                if _was_enabled:
                    gc.enable()


def gc_hold() -> None:
    """A pipeline starts: parsed rows may be frozen until ``gc_release``."""
    global _pipelines
    with _lock:
        _pipelines += 1


def gc_release() -> None:
    """A pipeline ended; the last one unfreezes, so frozen objects become collectable again."""
    global _pipelines, _froze
    with _lock:
        _pipelines -= 1
        if _pipelines == 0 and _froze:
            gc.unfreeze()
            _froze = False
