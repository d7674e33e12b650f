"""The in-flight window is sized in bytes as well as in segments (Slots, ClientConfig.max_in_flight_bytes)."""

from __future__ import annotations

import threading

import pytest

from trino_tui.client import ClientConfig, ConfigError
from trino_tui.client.pipeline.channels import Cancelled, CancelToken, Slots


def test_bytes_bound_the_window_before_the_slot_count_does() -> None:
    slots = Slots(10, CancelToken(), max_bytes=100)
    slots.acquire(60)
    assert slots._blocked(50) and not slots._blocked(40)  # 60 + 50 > 100; 60 + 40 fits
    slots.acquire(40)
    assert slots.bytes_in_use == 100 and slots.in_use == 2
    slots.release(60)
    assert not slots._blocked(50)


def test_a_segment_bigger_than_the_budget_goes_alone() -> None:
    slots = Slots(10, CancelToken(), max_bytes=100)
    assert not slots._blocked(500)  # nothing in flight: the oldest unit always proceeds
    slots.acquire(500)
    assert slots._blocked(1)
    slots.release(500)
    assert slots.bytes_in_use == 0 and not slots._blocked(1)


def test_count_still_bounds_and_zero_means_no_byte_bound() -> None:
    slots = Slots(2, CancelToken(), max_bytes=0)
    slots.acquire(10**12)
    slots.acquire(10**12)
    assert slots._blocked(0)


def test_a_waiting_acquire_is_woken_by_release_and_by_cancel() -> None:
    token = CancelToken()
    slots = Slots(10, token, max_bytes=100)
    slots.acquire(90)
    got = threading.Event()
    errors: list[BaseException] = []

    def waiter() -> None:
        try:
            slots.acquire(20)
            got.set()
            slots.acquire(95)  # blocks until cancelled
        except Cancelled as exc:
            errors.append(exc)

    t = threading.Thread(target=waiter)
    t.start()
    assert not got.is_set()
    slots.release(90)
    assert got.wait(10)
    token.cancel()
    t.join(10)
    assert not t.is_alive() and len(errors) == 1


def test_config_default_and_validation() -> None:
    assert ClientConfig(server="http://127.0.0.1:1", user="u").max_in_flight_bytes == 128 * 1024 * 1024
    with pytest.raises(ConfigError):
        ClientConfig(server="http://127.0.0.1:1", user="u", max_in_flight_bytes=0)
