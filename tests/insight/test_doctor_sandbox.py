"""`trino-tui doctor` against sandbox set-ups that each break one thing: the doctor must name
exactly that thing (one failed check), and pass everything on a healthy set-up."""

from __future__ import annotations

import io
import json

import pytest

from tests.insight.gateway import Gateway
from trino_tui.client import ClientConfig
from trino_tui.insight.doctor import checks_by_name, diagnose, failed_names


def _config(url: str, **kw) -> ClientConfig:
    return ClientConfig(server=url, user="doctor", **kw)


def test_healthy_sandbox_passes_every_check(healthy):
    report = diagnose(_config(healthy.url))
    assert failed_names(report) == [] and report.ok
    checks = checks_by_name(report)
    assert all(c.status == "pass" for c in checks.values()), [
        (c.name, c.status, c.summary) for c in checks.values()]
    assert checks["retrieval"].summary == "retrieval mode: direct storage"
    assert "json+lz4" in checks["encodings"].summary


@pytest.mark.parametrize(("knobs", "broken", "words"), [
    ({"spooling_enabled": False}, "protocol", "fell back to the direct protocol"),
    ({"retrieval_mode": "COORDINATOR_PROXY"}, "retrieval", "coordinator proxy"),
    ({"fault_segment_503": 1.0}, "storage", "503"),
    ({"fault_expire_after": 0.0}, "expiry", "expired"),
])
def test_one_broken_knob_fails_exactly_its_check(healthy, knobs, broken, words):
    healthy.configure(**knobs)
    report = diagnose(_config(healthy.url))
    assert failed_names(report) == [broken]
    assert words in checks_by_name(report)[broken].summary
    assert checks_by_name(report)[broken].advice


def test_storage_that_rejects_authorization_gets_none(healthy):
    """The sandbox's storage answers 400 to any Authorization header (like S3 with a pre-signed
    URL); the client sends its coordinator Authorization only to the coordinator."""
    report = diagnose(_config(healthy.url, extra_headers={"Authorization": "Bearer gateway-token"}))
    assert failed_names(report) == []
    assert "no Authorization" in checks_by_name(report)["headers"].summary
    assert checks_by_name(report)["storage"].status == "pass"


@pytest.mark.parametrize(("option", "broken", "words"), [
    ("no_head", "heartbeat", "not supported (answered 405)"),
    ("block_spooled", "gateway", "does not forward /v1/spooled/*"),
])
def test_gateway_set_ups(healthy, option, broken, words):
    gateway = Gateway(healthy.url, **{option: True}).start()
    try:
        report = diagnose(_config(gateway.url))
    finally:
        gateway.stop()
    assert failed_names(report) == [broken]
    assert words in checks_by_name(report)[broken].summary


def test_cli_exit_codes_and_json(healthy):
    from trino_tui.cli import main

    out, err = io.StringIO(), io.StringIO()
    from trino_tui.insight.cli import doctor_main

    assert doctor_main(["--server", healthy.url, "--json"], out, err) == 0
    data = json.loads(out.getvalue())
    assert data["ok"] is True and {c["name"] for c in data["checks"]} >= {"protocol", "expiry"}
    healthy.configure(retrieval_mode="COORDINATOR_PROXY")
    out = io.StringIO()
    assert doctor_main(["--server", healthy.url, "--quiet"], out, err) == 1
    assert "✗ retrieval" in out.getvalue() and "some checks FAILED" in out.getvalue()
    assert main(["doctor", "--server", "http://127.0.0.1:9", "--quiet"]) == 3
    assert main(["doctor", "--downloaders", "zero"]) == 2
    assert main(["doctor", "-e", "select 1"]) == 2  # statements belong to headless mode


def test_a_canary_over_a_missing_table_fails_canary_only(healthy):
    report = diagnose(_config(healthy.url), "select * from tpch.tiny.no_such_table")
    assert failed_names(report) == ["canary"]
    assert "no_such_table" in checks_by_name(report)["canary"].summary


@pytest.mark.parametrize(("mode", "words", "hops"), [
    ("COORDINATOR_STORAGE_REDIRECT", "coordinator redirect", "2 hop(s)"),
    ("WORKER_PROXY", "worker proxy", "2 hop(s)"),
])
def test_redirecting_modes_pass_with_their_hops(healthy, mode, words, hops):
    healthy.configure(retrieval_mode=mode)
    report = diagnose(_config(healthy.url))
    retrieval = checks_by_name(report)["retrieval"]
    assert failed_names(report) == [] and words in retrieval.summary
    assert any(hops in e for e in retrieval.evidence)
    assert "redirect(s) followed" in " ".join(checks_by_name(report)["headers"].evidence)
