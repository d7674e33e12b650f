"""Harness facts checked on the real server: segment encryption (SSE-C) end to end through moto,
and Trino refusing to start on an unknown property (reported as one line by the harness)."""

from __future__ import annotations

import pytest

from tests.real_trino.harness import Cluster, ClusterSpec, Missing, wire
from tests.real_trino.helpers import StorageLog, official_rows, first_mismatch, tui_query_rows

pytestmark = pytest.mark.real_trino
SSE = "x-amz-server-side-encryption-customer-key"
LINEITEM = "SELECT * FROM tpch.tiny.lineitem ORDER BY orderkey, linenumber"


@pytest.mark.cluster("storage", encryption=True)
def test_encrypted_segments_carry_sse_c_headers_to_storage(trino):
    ex = wire.run(trino.url, LINEITEM, {"X-Trino-Query-Data-Encoding": "json+zstd"})
    spooled = [s for r in ex.responses if isinstance(r.body, dict) and isinstance(r.body.get("data"), dict)
               for s in r.body["data"]["segments"] if s["type"] == "spooled"]
    assert spooled and all(SSE in s["headers"] for s in spooled)
    log = StorageLog(trino)
    ours, query = tui_query_rows(trino, LINEITEM, "json+zstd")
    assert first_mismatch(ours, official_rows(trino, LINEITEM, "json+zstd")) is None
    # trino-tui's storage client sends no User-Agent; Trino's SDK and the official client do
    gets = [r for r in log.records()
            if r["method"] == "GET" and not r["user_agent"].startswith(("aws-sdk", "Trino Python Client"))]
    assert gets and all(SSE in r["headers"] and r["status"] == 200 for r in gets)
    assert not [h for r in gets for h in r["headers"] if h == "authorization" or h.startswith("x-trino-")]


def test_unknown_property_refuses_to_start(install, tmp_path):
    spec = ClusterSpec(extra=(("no-such.property", "1"),))
    with pytest.raises(Missing, match=r"process exited .*no-such\.property"):
        Cluster(install, spec, tmp_path / "bad").start(timeout=120)
