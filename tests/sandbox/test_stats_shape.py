"""The QueryResults envelope as real Trino 476 sends it: X-Content-Type-Options on coordinator
answers (once, also on replayed answers), the StatementStats timing fields, and no rootStage /
progress for statements Trino runs without stages (USE, SET SESSION, ...)."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.helpers_server import fake_sandbox

TIMINGS = {"analysisTimeMillis", "planningTimeMillis", "finishingTimeMillis", "physicalInputTimeMillis",
           "internalNetworkInputBytes"}


@pytest.fixture(scope="module")
def sb():
    with fake_sandbox() as sandbox:
        yield sandbox


def run(http: httpx.Client, sb, sql: str) -> list[httpx.Response]:
    answers = [http.post(f"{sb.url}/v1/statement", content=sql.encode(), headers={"X-Trino-User": "u"})]
    while "nextUri" in answers[-1].json():
        answers.append(http.get(answers[-1].json()["nextUri"]))
    return answers


def test_nosniff_once_even_on_replays(sb) -> None:
    with httpx.Client(timeout=10) as http:
        answers = run(http, sb, "SELECT * FROM numbers_3")
        assert all(r.headers.get_list("X-Content-Type-Options") == ["nosniff"] for r in answers)
        first_poll = answers[1].request.url
        replay = http.get(first_poll)
        assert replay.headers.get_list("X-Content-Type-Options") == ["nosniff"]
        assert http.get(f"{sb.url}/v1/info").headers["X-Content-Type-Options"] == "nosniff"


def test_stats_fields_and_stageless_statements(sb) -> None:
    with httpx.Client(timeout=10) as http:
        query = run(http, sb, "SELECT * FROM numbers_3")[-1].json()["stats"]
        use = run(http, sb, "USE tpch.tiny")[-1].json()["stats"]
    assert TIMINGS <= set(query) and TIMINGS <= set(use)
    assert {"rootStage", "progressPercentage", "runningPercentage"} <= set(query)
    assert not {"rootStage", "progressPercentage", "runningPercentage"} & set(use)


def test_partial_cancel_uri_while_data_remains_and_failed_stats(sb) -> None:
    with httpx.Client(timeout=10) as http:
        answers = [r.json() for r in run(http, sb, "SELECT * FROM numbers_100000")]
        partial = [a["partialCancelUri"] for a in answers if "partialCancelUri" in a]
        assert partial and all("nextUri" in a for a in answers if "partialCancelUri" in a)
        assert "partialCancelUri" not in answers[-1] and "nextUri" not in answers[-1]
        assert http.delete(partial[0]).status_code == 204
        failed = run(http, sb, "SELECT * FROM no_such_table")[-1].json()
    assert "error" in failed
    assert not {"progressPercentage", "runningPercentage"} & set(failed["stats"])
