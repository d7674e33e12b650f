"""RunSlot: a cancel before, during and after a run reaches the run exactly as promised."""

from __future__ import annotations

from trino_tui.core.run_slot import RunSlot


class _Run:
    def __init__(self) -> None:
        self.cancels = 0

    def cancel(self) -> None:
        self.cancels += 1


def test_cancel_while_held_cancels_the_run() -> None:
    slot, run = RunSlot(), _Run()
    assert slot.enter(run) is True
    slot.cancel()
    assert run.cancels == 1 and slot.cancelled


def test_cancel_before_enter_is_latched() -> None:
    slot, run = RunSlot(), _Run()
    slot.cancel()
    assert slot.enter(run) is False
    assert run.cancels == 1


def test_cancel_after_leave_does_not_touch_the_old_run() -> None:
    slot, run = RunSlot(), _Run()
    slot.enter(run)
    slot.leave()
    slot.cancel()
    assert run.cancels == 0
    later = _Run()
    assert slot.enter(later) is False and later.cancels == 1
