"""Doctor checks on synthetic evidence: the failure paths a sandbox cannot easily produce."""

from __future__ import annotations

from dataclasses import replace

from tests.tui import fake_snapshots as fs
from trino_tui.insight import doctor_checks as dc

COORD = f"http://{fs.COORDINATOR}"


def _rec(kind, method, url, status=200, error=None, headers=(), response_headers=()):
    return {"kind": kind, "method": method, "url": url, "status": status, "error": error,
            "request_headers": list(headers), "response_headers": list(response_headers)}


def _canary(records, **kw):
    snap = fs.finished_snapshot()
    base = [_rec("coordinator", "POST", f"{COORD}/v1/statement")]
    return dc.Canary(server=COORD, sql="select 1", requested=("json",), encoding="json+lz4",
                     snapshot=snap, records=base + records, **kw)


def test_a_credential_on_a_storage_request_fails_headers():
    leak = _rec("storage", "GET", f"https://{fs.STORAGE}/seg/1",
                headers=[("Authorization", "***"), ("x-amz-server-side-encryption-customer-key", "***")])
    check = dc.check_headers(_canary([leak]))
    assert check.status == "fail" and "carried a credential" in check.summary
    assert any("carried Authorization" in e for e in check.evidence)
    trino = _rec("storage", "GET", f"https://{fs.STORAGE}/seg/2", headers=[("X-Trino-User", "u")])
    assert dc.check_headers(_canary([trino])).status == "fail"


def test_https_to_http_redirect_fails_headers():
    hop = _rec("storage", "GET", f"https://{fs.COORDINATOR}/v1/spooled/download/x", status=303,
               response_headers=[("Location", f"http://{fs.STORAGE}/seg/1")])
    check = dc.check_headers(_canary([hop]))
    assert check.status == "fail" and "downgraded https to http" in check.summary


def test_untrusted_storage_tls_is_told_apart_from_the_coordinator():
    bad = _rec("storage", "GET", f"https://{fs.STORAGE}/seg/1", status=None,
               error="TLS failure: certificate verify failed: self-signed certificate")
    check = dc.check_storage(_canary([bad]))
    assert check.status == "fail" and "TLS certificate not trusted" in check.summary
    assert "--cafile" in check.advice
    assert any("coordinator" in e and "reachable" in e for e in check.evidence)
    refused = _rec("storage", "GET", f"http://{fs.STORAGE}/seg/1", status=None,
                   error="connection refused")
    assert "not reachable" in dc.check_storage(_canary([refused])).summary


def test_ack_failures_fail_acks_unless_a_gateway_explains_them():
    ack = _rec("storage", "GET", f"{COORD}/v1/spooled/ack/abc", status=500)
    snap = replace(fs.finished_snapshot(), ack_failures=1)
    check = dc.check_acks(replace(_canary([ack]), snapshot=snap))
    assert check.status == "fail" and "ack(s) failed" in check.summary
    blocked = _rec("storage", "GET", f"{COORD}/v1/spooled/ack/abc", status=404)
    canary = replace(_canary([blocked]), snapshot=snap)
    assert dc.check_acks(canary).status == "skip"  # the gateway check names the cause
    assert dc.check_gateway(canary).status == "fail"


def test_expiry_compares_time_left_with_the_download_rate():
    snap = fs.finished_snapshot()
    seg0 = next(s for s in snap.segments if s.kind == "spooled")
    wall = dc.parse_expiry(seg0.expires_at) - 0.5  # issued 0.5 s before expiry
    canary = _canary([], wall_start=wall - (seg0.queued_at - fs.START), mono_start=fs.START)
    check = dc.check_expiry(canary)
    assert check.status == "fail" and "too soon" in check.summary
    roomy = _canary([], wall_start=wall - 3600, mono_start=fs.START)
    assert dc.check_expiry(roomy).status == "pass"
    assert dc.parse_expiry("not a time") is None


def test_head_and_encodings_and_skips():
    head = _rec("coordinator", "HEAD", f"{COORD}/v1/statement/executing/q/y/1", status=404)
    assert dc.check_heartbeat(_canary([head])).status == "fail"
    assert dc.check_heartbeat(_canary([])).status == "skip"
    offered = dc.check_encodings(_canary([], offered={"json+zstd": False, "json": True}))
    assert offered.summary == "offered: json (not: json+zstd)"
    assert dc.check_encodings(_canary([], probe_error="boom")).status == "fail"


def test_a_failing_canary_query_is_its_own_failure():
    failed = _canary([], error="Query x failed: TABLE_NOT_FOUND: line 1:15: Table 'tpch.tiny.lineitem' "
                     "does not exist", error_type="QueryFailed")
    check = dc.check_canary(failed)
    assert check.status == "fail" and "--sql" in check.advice
    assert dc.check_canary(_canary([], rows=5)).summary == "the canary query read 5 rows"
    assert dc.check_canary(_canary([], error_type="SegmentExpired")).status == "skip"
