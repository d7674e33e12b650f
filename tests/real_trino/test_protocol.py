"""Protocol behaviour against real Trino 476: HEAD heartbeats, cancel -> USER_CANCELED, errors as
the Trino CLI 476 reports them, and session statements whose state trino-tui's client follows."""

from __future__ import annotations

import re
import threading

import pytest

from tests.real_trino.harness import wire
from tests.real_trino.helpers import QUERY_ID, cli_stderr_error, config, eventually, trino_cli, tui_cli
from trino_tui.client import QueryCancelled, QueryFailed, TrinoClient

pytestmark = [pytest.mark.real_trino, pytest.mark.cluster("storage")]
BIG = "SELECT * FROM tpch.sf1.lineitem"
SLOW = "SELECT count(*) FROM tpch.sf100.lineitem WHERE comment LIKE '%x%'"


def test_head_heartbeats_are_accepted(trino):
    seen = threading.Event()
    statuses: list[int] = []

    def log(line: str) -> None:
        m = re.search(r"<-- (\d+) HEAD ", line)
        if m:
            statuses.append(int(m.group(1)))
            seen.set()

    client = TrinoClient(config(trino, "json+zstd", heartbeat_interval=0.2, network_logging="BASIC", network_log=log))
    try:
        # a long aggregation: Trino holds each poll up to 1 s with nothing to send, so the fetcher
        # is idle longer than the heartbeat interval (a fast stream keeps it busy and needs none)
        query = client.execute(SLOW)
        query.wait_columns(60)
        assert seen.wait(30), "no HEAD heartbeat was sent while the fetcher waited on Trino"
        query.close()
    finally:
        client.close()
    assert statuses and set(statuses) == {200}


def test_cancel_is_user_canceled_in_system_runtime_queries(trino):
    client = TrinoClient(config(trino, "json+zstd"))
    try:
        query = client.execute(BIG)
        batches = query.batches()
        next(batches)
        query_id = query.query_id
        query.cancel()
        with pytest.raises(QueryCancelled):
            for _ in batches:
                pass
        assert query.outcome == "cancelled"
        query.close()
    finally:
        client.close()
    sql = f"SELECT state || ':' || coalesce(error_code, '') FROM system.runtime.queries WHERE query_id = '{query_id}'"
    assert eventually(lambda: wire.scalar(trino.url, sql) == "FAILED:USER_CANCELED", 30), wire.scalar(trino.url, sql)


ERRORS = {
    "syntax": "SELECT * FROM",
    "syntax_keyword": "SELEC 1",
    "missing_table": "SELECT * FROM tpch.tiny.nope",
    "missing_column": "SELECT\n  nationkey,\n    nope\nFROM tpch.tiny.nation",
    "division_by_zero": "SELECT 1 / 0",
    "division_runtime": "SELECT nationkey / (nationkey - nationkey) FROM tpch.tiny.nation",
}


def _cli_location(lines: list[str]) -> tuple[int, int] | None:
    for i, ln in enumerate(lines):
        m = re.match(r"LINE (\d+): ", ln)
        if m and i + 1 < len(lines):
            return int(m.group(1)), lines[i + 1].index("^") - len(m.group(0)) + 1
    return None


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_the_cli(trino, install, name):
    sql = ERRORS[name]
    expected = wire.run(trino.url, sql).last["error"]
    cli = trino_cli(install, trino, "--execute", sql)
    cli_lines = cli_stderr_error(cli.stderr)
    assert cli.returncode == 1 and cli_lines[0].startswith("Query "), cli.stderr
    cli_message = QUERY_ID.sub("<id>", cli_lines[0])
    err = _client_failure(trino, sql)
    assert (err.error_name, err.error_code, err.error_type) == (
        expected["errorName"], expected["errorCode"], expected["errorType"])
    assert QUERY_ID.sub("<id>", str(err)) == cli_message
    assert ((err.line, err.column) if err.line else None) == _cli_location(cli_lines)
    _assert_headless_error(trino, cli_lines, expected["errorName"], "--execute", sql)


def _client_failure(trino, sql: str, **kw) -> QueryFailed:
    """The QueryFailed that trino-tui's client raises for *sql*."""
    client = TrinoClient(config(trino, **kw))
    try:
        query = client.execute(sql)
        with pytest.raises(QueryFailed) as info:
            list(query.rows())
        query.close()
    finally:
        client.close()
    return info.value


def _assert_headless_error(trino, cli_lines: list[str], error_name: str, *args: str) -> None:
    """trino-tui --execute prints the CLI's error text, with the error name after "failed:", and
    the CLI's LINE/caret lines when Trino gave a location."""
    tui = tui_cli(trino, *args)
    assert tui.returncode == 1, tui.stderr
    tui_lines = [ln for ln in tui.stderr.decode().splitlines() if ln.strip()]
    head = QUERY_ID.sub("<id>", tui_lines[0])
    assert head == QUERY_ID.sub("<id>", cli_lines[0]).replace(" failed: ", f" failed: {error_name}: ", 1), tui.stderr
    assert tui_lines[1:] == cli_lines[1:], tui.stderr


def test_query_max_run_time_matches_the_cli(trino, install):
    sql = "SELECT count(*) FROM tpch.sf100000.lineitem WHERE comment LIKE '%x%'"
    cli = trino_cli(install, trino, "--session", "query_max_run_time=1s", "--execute", sql)
    cli_line = QUERY_ID.sub("<id>", cli_stderr_error(cli.stderr)[0])
    assert cli.returncode == 1 and cli_line == "Query <id> failed: Query exceeded maximum time limit of 1.00s"
    err = _client_failure(trino, sql, session_properties={"query_max_run_time": "1s"})
    assert err.error_name == "EXCEEDED_TIME_LIMIT"
    assert QUERY_ID.sub("<id>", str(err)) == cli_line
    _assert_headless_error(trino, cli_stderr_error(cli.stderr), "EXCEEDED_TIME_LIMIT",
                           "--session", "query_max_run_time=1s", "--execute", sql)


def _run(client: TrinoClient, sql: str) -> list[tuple]:
    query = client.execute(sql)
    try:
        query.wait_columns(60)
        return list(query.rows())
    finally:
        query.close()


def test_session_state_follows_trino(trino):
    client = TrinoClient(config(trino, "json+zstd"))
    s = client.session
    try:
        _run(client, "USE tpch.sf1")
        assert (s.catalog, s.schema) == ("tpch", "sf1")
        assert _run(client, "SELECT count(*) FROM nation") == [(25,)]
        _run(client, "USE tiny")
        assert (s.catalog, s.schema) == ("tpch", "tiny")
        _run(client, "SET SESSION query_max_run_time = '10m'")
        assert s.properties.get("query_max_run_time") == "10m"
        assert _run(client, "SHOW SESSION LIKE 'query_max_run_time'")[0][1] == "10m"
        _run(client, "RESET SESSION query_max_run_time")
        assert "query_max_run_time" not in s.properties
        _run(client, "SET TIME ZONE 'America/Los_Angeles'")
        assert _run(client, "SELECT current_timezone()") == [("America/Los_Angeles",)]
        _run(client, "SET TIME ZONE LOCAL")
        assert _run(client, "SELECT current_timezone()") == [("UTC",)]
        _run(client, "PREPARE p1 FROM SELECT ? + 1")
        assert "p1" in s.prepared
        assert _run(client, "EXECUTE p1 USING 41") == [(42,)]
        _run(client, "DEALLOCATE PREPARE p1")
        assert "p1" not in s.prepared
        _run(client, "START TRANSACTION")
        assert s.transaction_id not in (None, "NONE")
        assert _run(client, "SELECT 1") == [(1,)]
        _run(client, "COMMIT")
        assert s.transaction_id in (None, "NONE")
        _run(client, "START TRANSACTION READ ONLY")
        _run(client, "ROLLBACK")
        assert s.transaction_id in (None, "NONE")
        _run(client, "SET ROLE ALL")
        assert s.roles.get("system") == "ALL"
        _run(client, "SET ROLE NONE")
        assert s.roles.get("system") == "NONE"
    finally:
        client.close()


def test_headless_session_statements_follow_trino(trino, install):
    script = ("USE tpch.sf1; SET SESSION query_max_run_time = '10m'; SET TIME ZONE 'America/Los_Angeles'; "
              "PREPARE p1 FROM SELECT ? + 1; START TRANSACTION; "
              "SELECT count(*), current_timezone() FROM nation; "
              "SHOW SESSION LIKE 'query_max_run_time'; EXECUTE p1 USING 41; COMMIT; DEALLOCATE PREPARE p1; "
              "RESET SESSION query_max_run_time; SHOW SESSION LIKE 'query_max_run_time'")
    cli = trino_cli(install, trino, "--output-format", "CSV", "--execute", script)
    tui = tui_cli(trino, "--output-format", "CSV", "--execute", script)
    assert cli.returncode == 0, cli.stderr
    assert tui.returncode == 0, tui.stderr
    assert tui.stdout == cli.stdout
    assert b'"25","America/Los_Angeles"' in tui.stdout and b'"42"' in tui.stdout
