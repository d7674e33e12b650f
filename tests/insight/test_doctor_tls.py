"""Doctor: storage TLS is judged apart from the coordinator's (storage with its own CA)."""

from __future__ import annotations

from pathlib import Path

import pytest
import trustme

from trino_tui.client import ClientConfig
from trino_tui.insight.doctor import checks_by_name, diagnose, failed_names
from trino_tui.sandbox import Sandbox, SandboxConfig


@pytest.fixture(scope="module")
def pems(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    out = {}
    for name in ("coordinator", "storage"):
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1")
        cert.cert_chain_pems[0].write_to_path(d / f"{name}.pem")
        cert.private_key_pem.write_to_path(d / f"{name}.key")
        ca.cert_pem.write_to_path(d / f"{name}-ca.pem")
        out[name] = (str(d / f"{name}.pem"), str(d / f"{name}.key"), str(d / f"{name}-ca.pem"))
    return out


def test_storage_with_an_untrusted_certificate_fails_storage_only(pems):
    cert, key, ca = pems["coordinator"]
    s_cert, s_key, s_ca = pems["storage"]
    config = SandboxConfig(host="127.0.0.1", port=0, tls_cert=cert, tls_key=key,
                           storage_tls_cert=s_cert, storage_tls_key=s_key)
    with Sandbox(config) as box:
        report = diagnose(ClientConfig(server=box.url, user="doctor", verify=ca))
        checks = checks_by_name(report)
        assert failed_names(report) == ["storage"]
        assert "TLS certificate not trusted" in checks["storage"].summary
        assert checks["coordinator"].summary.endswith("answered over trusted TLS")
        # storage_verify also verifies the coordinator-hosted /v1/spooled/ack: one bundle, both CAs
        both = str(Path(s_ca).with_name("both-ca.pem"))
        Path(both).write_text(Path(ca).read_text() + Path(s_ca).read_text())
        trusted = diagnose(ClientConfig(server=box.url, user="doctor", verify=ca, storage_verify=both))
        assert failed_names(trusted) == []
        assert "TLS-trusted" in checks_by_name(trusted)["storage"].summary
