"""Process-wide runtime tuning for the TUI process (no Textual import; call once at start-up)."""

from __future__ import annotations


def tune_runtime() -> None:
    """Process-wide settings that keep the UI responsive while pipeline threads decode rows.

    Called once by ``run_tui`` (and the TUI benchmark): objects alive after start-up are frozen out
    of the cyclic GC, generation-0 collections run less often (decoded rows are short-lived lists),
    and the GIL switch interval is shortened so the UI thread gets the GIL between decoder calls.
    """
    import gc
    import sys

    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
    sys.setswitchinterval(0.001)
