"""timestamp with time zone through interval arithmetic (zoned_arith), as Trino 476's
TimestampWithTimeZoneOperators compute it: the zone stays, day-to-second intervals move the instant
by an exact duration (precision max(3, p)), year-to-month ones add months in UTC's calendar
(precision p); uses that would show the session zone's fields instead fail with NOT_SUPPORTED."""

from __future__ import annotations

import pytest

from trino_tui.sandbox.engine import Engine, SessionContext
from trino_tui.sandbox.sql_errors import TrinoError
from tests.sandbox.conftest import run

NY = "TIMESTAMP '2020-01-01 00:00:00 America/New_York'"
TZ3 = "timestamp(3) with time zone"

KEPT = [
    (f"SELECT {NY} + INTERVAL '1' HOUR", [TZ3], ["2020-01-01 01:00:00.000 America/New_York"]),
    # 24 hours, not a calendar day: New York's clocks move on 2020-03-08
    ("SELECT INTERVAL '1' DAY + TIMESTAMP '2020-03-07 12:00:00.5 America/New_York'", [TZ3],
     ["2020-03-08 13:00:00.500 America/New_York"]),
    (f"SELECT {NY} + INTERVAL '1 02:00:00' DAY TO SECOND, {NY} + INTERVAL '1-2' YEAR TO MONTH",
     [TZ3, "timestamp(0) with time zone"],
     ["2020-01-02 02:00:00.000 America/New_York", "2021-03-01 00:00:00 America/New_York"]),
    # months in UTC's calendar (2020-01-31 01:00 UTC + 1 month = 2020-02-29 01:00 UTC), then 2 hours back
    ("SELECT TIMESTAMP '2020-01-31 10:00:00.123456 Asia/Tokyo' + INTERVAL '1' MONTH - INTERVAL '2' HOUR AS x",
     ["timestamp(6) with time zone"], ["2020-02-29 08:00:00.123456 Asia/Tokyo"]),
    (f"SELECT {NY} AT TIME ZONE 'Asia/Tokyo' - INTERVAL '1' MINUTE", [TZ3], ["2020-01-01 13:59:00.000 Asia/Tokyo"]),
    (f"SELECT {NY} - TIMESTAMP '2020-01-01 04:00:00 UTC'", ["interval day to second"], ["0 01:00:00.000"]),
    (f"SELECT count(*) FROM (VALUES 1) AS t(x) WHERE {NY} + INTERVAL '1' HOUR = TIMESTAMP '2020-01-01 06:00:00 UTC'",
     ["bigint"], [1]),
]


@pytest.mark.parametrize("sql, types, row", KEPT, ids=[k[0][:70] for k in KEPT])
def test_zone_kept_through_interval_arithmetic(sbx_engine: Engine, sql: str, types: list[str], row: list) -> None:
    result, rows, _ = run(sbx_engine, sql, SessionContext(user="t", time_zone="Europe/Berlin"))
    assert [c.type.lower() for c in result.columns] == types
    assert rows == [row]


@pytest.mark.parametrize("sql, where", [
    (f"SELECT hour({NY})", "hour(...)"),
    (f"SELECT hour({NY} + INTERVAL '1' HOUR)", "hour(...)"),
    (f"SELECT CAST({NY} AS varchar)", "CAST(... AS VARCHAR)"),
    (f"SELECT CASE WHEN true THEN {NY} END", "case"),
    (f"SELECT {NY} + x FROM (VALUES INTERVAL '1' HOUR) AS t(x)", "'+'"),
])
def test_uses_that_would_lose_the_zone_are_not_supported(sbx_engine: Engine, sql: str, where: str) -> None:
    with pytest.raises(TrinoError) as err:
        run(sbx_engine, sql, SessionContext(user="t"))
    assert err.value.error_name == "NOT_SUPPORTED"
    assert where in err.value.message and "zone" in err.value.message


def test_instant_uses_and_constructors_still_answer(sbx_engine: Engine) -> None:
    _, rows, _ = run(sbx_engine, f"SELECT to_unixtime({NY}), {NY} BETWEEN TIMESTAMP '2020-01-01 05:00:00 UTC' AND "
                                 f"TIMESTAMP '2020-01-01 06:00:00 UTC', ARRAY[{NY}]", SessionContext(user="t"))
    assert rows == [[1577854800.0, True, ["2020-01-01 00:00:00 America/New_York"]]]
