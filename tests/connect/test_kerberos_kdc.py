"""SPNEGO end to end against a real MIT KDC started by the test (skipped without krb5-kdc/gssapi).

Client side: trino_tui.client.kerberos.kerberos_auth with a keytab; server side: the sandbox's
KerberosAuth acceptor behind https."""

from __future__ import annotations

import ssl

import httpx
import pytest

from tests.connect import minikdc
from tests.sandbox.helpers_server import fake_sandbox

gssapi = pytest.importorskip("gssapi")
pytest.importorskip("httpx_gssapi")
if not minikdc.available():
    pytest.skip("MIT krb5-kdc is not installed", allow_module_level=True)

from trino_tui.client.errors import ConfigError  # noqa: E402
from trino_tui.client.kerberos import KerberosOptions, kerberos_auth  # noqa: E402
from trino_tui.sandbox.auth_chain import ChainAuthenticator  # noqa: E402
from trino_tui.sandbox.auth_kerberos import KerberosAuth  # noqa: E402
from trino_tui.sandbox.auth_tls import SandboxPki  # noqa: E402


@pytest.fixture(scope="module")
def kdc(tmp_path_factory):
    directory = tmp_path_factory.mktemp("kdc")
    mp = pytest.MonkeyPatch()
    server = minikdc.MiniKdc(directory)
    try:
        mp.setenv("KRB5_CONFIG", str(server.krb5_conf))
        mp.setenv("KRB5CCNAME", f"FILE:{directory}/ccache")  # never the user's own cache
        server.alice = server.add_principal("alice", directory / "alice.keytab")
        server.service = server.add_principal("HTTP/127.0.0.1", directory / "http.keytab")
        server.stranger = directory / "stranger.keytab"
        yield server
    finally:
        server.close()
        mp.undo()


@pytest.fixture(scope="module")
def kerberized(kdc):
    with SandboxPki() as pki, fake_sandbox(**pki.config_kwargs(),
                                           auth=ChainAuthenticator([KerberosAuth(str(kdc.service))])) as sb:
        yield sb, pki


def test_spnego_with_keytab_is_accepted(kdc, kerberized) -> None:
    sb, pki = kerberized
    opts = KerberosOptions("HTTP", principal=f"alice@{minikdc.REALM}", keytab_path=str(kdc.alice),
                           config_path=str(kdc.krb5_conf), canonicalize_hostname=False)
    auth = kerberos_auth(opts, sb.url)
    with httpx.Client(verify=ssl.create_default_context(cafile=pki.ca_path), timeout=20) as http:
        unauth = http.post(f"{sb.url}/v1/statement", content=b"SELECT * FROM numbers_3")
        assert unauth.status_code == 401 and unauth.headers["WWW-Authenticate"] == "Negotiate"
        r = http.post(f"{sb.url}/v1/statement", content=b"SELECT * FROM numbers_3", auth=auth)
        assert r.status_code == 200, r.text
        assert r.request.headers["Authorization"].startswith("Negotiate ")
        http.get(r.json()["nextUri"]).raise_for_status()
    assert "alice" in [ctx.user for _, ctx in sb.engine.executed]


def test_wrong_service_name_is_rejected(kdc, kerberized) -> None:
    sb, pki = kerberized
    opts = KerberosOptions("trino", principal=f"alice@{minikdc.REALM}", keytab_path=str(kdc.alice),
                           canonicalize_hostname=False)  # trino/127.0.0.1 is not in the KDC
    with httpx.Client(verify=ssl.create_default_context(cafile=pki.ca_path), timeout=20) as http:
        r = http.post(f"{sb.url}/v1/statement", content=b"SELECT 1", auth=kerberos_auth(opts, sb.url))
    assert r.status_code == 401


def test_unknown_principal_is_a_one_line_config_error(kdc, kerberized) -> None:
    sb, _ = kerberized
    opts = KerberosOptions("HTTP", principal=f"mallory@{minikdc.REALM}", keytab_path=str(kdc.alice),
                           canonicalize_hostname=False)
    with pytest.raises(ConfigError, match="Kerberos credentials unavailable") as info:
        kerberos_auth(opts, sb.url)
    assert "\n" not in str(info.value)


def test_sandbox_flag_builds_the_acceptor(kdc) -> None:
    import argparse
    import contextlib

    from trino_tui.sandbox.auth_chain import add_auth_arguments, auth_from_args
    p = argparse.ArgumentParser()
    add_auth_arguments(p)
    with contextlib.ExitStack() as stack:
        knobs, _ = auth_from_args(p.parse_args(["--tls", "--kerberos-keytab", str(kdc.service)]), stack)
        assert [type(m).__name__ for m in knobs["auth"].methods] == ["KerberosAuth"]


def test_command_line_krb5_flags_end_to_end(kdc, kerberized, capsys, monkeypatch) -> None:
    from trino_tui import cli
    sb, pki = kerberized
    for name in ("TRINO_PASSWORD", "TRINO_SERVER", "TRINO_USER", "TRINO_TUI_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    code = cli.main([sb.url, "--user", "alice", "--cafile", pki.ca_path, "--krb5-remote-service-name", "HTTP",
                     "--krb5-principal", f"alice@{minikdc.REALM}", "--krb5-keytab-path", str(kdc.alice),
                     "--krb5-config-path", str(kdc.krb5_conf),
                     "--krb5-disable-remote-service-hostname-canonicalization", "-e", "SELECT * FROM numbers_50"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert len(out.splitlines()) == 50 and sb.engine.executed[-1][1].user == "alice"


def test_credential_cache_from_kinit(kdc, kerberized, tmp_path) -> None:
    import shutil
    import subprocess
    if shutil.which("kinit") is None:
        pytest.skip("kinit (krb5-user) is not installed")
    sb, pki = kerberized
    ccache = tmp_path / "ccache"
    subprocess.run(["kinit", "-k", "-t", str(kdc.alice), "-c", f"FILE:{ccache}", f"alice@{minikdc.REALM}"],
                   env={**kdc.env}, check=True, capture_output=True, timeout=60)
    opts = KerberosOptions("HTTP", credential_cache_path=str(ccache), canonicalize_hostname=False)
    with httpx.Client(verify=ssl.create_default_context(cafile=pki.ca_path), timeout=20) as http:
        r = http.post(f"{sb.url}/v1/statement", content=b"SELECT * FROM numbers_3", auth=kerberos_auth(opts, sb.url))
    assert r.status_code == 200, r.text
