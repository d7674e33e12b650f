"""Human-readable sizes, counts, rates and durations: the one number formatter (TUI and headless).

Pure functions, no Textual/Rich import, no state: safe from any thread. Every function accepts
``None`` (unknown) and returns a placeholder ("–") for it, so callers never special-case missing
statistics. Units: bytes use binary prefixes spelled the Trino-CLI way (``B kB MB GB TB`` with
1024 steps, as the CLI prints "1.2MB"-style figures but with a space for readability).
"""

from __future__ import annotations

import math

UNKNOWN = "–"

_BYTE_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")
_COUNT_UNITS = ("", "K", "M", "B", "T")


def _finite(value: float | int | None) -> bool:
    return value is not None and not (isinstance(value, float) and not math.isfinite(value))


def _scaled(value: float, step: float, units: tuple[str, ...]) -> tuple[float, str]:
    """Divide *value* by *step* until it is below *step* (or units run out)."""
    index = 0
    while abs(value) >= step and index < len(units) - 1:
        value /= step
        index += 1
    return value, units[index]


def _three_digits(value: float) -> str:
    """At most three significant digits, no trailing ".0" noise: 1.23, 12.3, 123."""
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def human_bytes(n: float | int | None) -> str:
    """``1536`` → ``"1.50 kB"``; whole bytes below 1 kB print without decimals (``"512 B"``)."""
    if not _finite(n):
        return UNKNOWN
    value, unit = _scaled(float(n), 1024.0, _BYTE_UNITS)
    if unit == "B":
        return f"{int(round(value))} B"
    return f"{_three_digits(value)} {unit}"


def human_count(n: float | int | None) -> str:
    """``1234567`` → ``"1.23M"``; counts below 10 000 print exactly with thousands separators."""
    if not _finite(n):
        return UNKNOWN
    if abs(n) < 10_000:
        return f"{int(round(n)):,}"
    value, unit = _scaled(float(n), 1000.0, _COUNT_UNITS)
    return f"{_three_digits(value)}{unit}"


def human_rate(per_second: float | None, unit: str = "rows") -> str:
    """``12500.0`` → ``"12.5K rows/s"``; ``unit="bytes"`` formats as ``"3.20 MB/s"``."""
    if not _finite(per_second):
        return UNKNOWN
    if unit == "bytes":
        return f"{human_bytes(per_second)}/s"
    return f"{human_count(per_second)} {unit}/s"


def human_duration(seconds: float | None) -> str:
    """Elapsed time: ``0.25`` → ``"250ms"``, ``12.3`` → ``"12.3s"``, ``75`` → ``"1:15"``, ``3725`` → ``"1:02:05"``."""
    if not _finite(seconds):
        return UNKNOWN
    seconds = max(0.0, float(seconds))
    if seconds < 1.0:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60.0:
        return f"{seconds:.1f}s"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def human_ms(seconds: float | None) -> str:
    """A short interval in milliseconds: ``0.0123`` → ``"12.3 ms"``, ``2.5`` → ``"2500 ms"``."""
    if not _finite(seconds):
        return UNKNOWN
    ms = max(0.0, float(seconds)) * 1000.0
    if ms >= 100:
        return f"{ms:.0f} ms"
    return f"{ms:.1f} ms"


def human_ratio(numerator: float | int | None, denominator: float | int | None) -> str:
    """Compression ratio ``uncompressed / compressed`` as ``"3.4×"``; unknown or zero → "–"."""
    if not _finite(numerator) or not _finite(denominator) or not denominator:
        return UNKNOWN
    return f"{numerator / denominator:.1f}×"


def percent(part: float | int | None, whole: float | int | None) -> str:
    """``percent(1, 4)`` → ``"25%"``; unknown or zero whole → "–"."""
    if not _finite(part) or not _finite(whole) or not whole:
        return UNKNOWN
    return f"{100.0 * part / whole:.0f}%"


def retry_text(retry: object | None, now: float) -> str | None:
    """The one wording of a pending retry (TUI status bar, headless --progress):
    ``"retrying in 2 s (97 s left)"`` from a client ``RetryEvent`` (``delay``, ``budget_left``,
    ``at`` on the snapshot's clock) as seen at *now*; None when no retry is pending."""
    if retry is None:
        return None
    waited = max(0.0, now - float(getattr(retry, "at", now)))
    delay = max(0.0, float(getattr(retry, "delay", 0.0)) - waited)
    left = max(0.0, float(getattr(retry, "budget_left", 0.0)) - waited)
    return f"retrying in {math.ceil(delay):.0f} s ({math.ceil(left):.0f} s left)"
