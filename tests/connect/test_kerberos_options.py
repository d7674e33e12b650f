"""Kerberos option handling against fake gssapi / httpx_gssapi modules (no KDC needed)."""

from __future__ import annotations

import types

import pytest

from trino_tui.client.errors import ConfigError
from trino_tui.client.kerberos import KerberosOptions, kerberos_auth, service_principal

SERVER = "https://trino.example.com:8443"


def fakes(fail: Exception | None = None):
    calls: dict = {}

    class Name:
        def __init__(self, value, kind):
            self.value, self.kind = value, kind

    class Credentials:
        def __init__(self, **kw):
            if fail:
                raise fail
            calls["creds"] = kw

    gssapi = types.SimpleNamespace(Name=Name, Credentials=Credentials,
                                   NameType=types.SimpleNamespace(hostbased_service="hbs", kerberos_principal="krb"))

    class Auth:
        def __init__(self, **kw):
            calls["auth"] = kw

    return (gssapi, types.SimpleNamespace(HTTPSPNEGOAuth=Auth, OPTIONAL=2)), calls


def test_service_principal_pattern_and_canonicalisation() -> None:
    opts = KerberosOptions("trino")
    assert service_principal(opts, SERVER, resolve=lambda h: "coord1.example.com") == "trino@coord1.example.com"
    raw = KerberosOptions("HTTP", canonicalize_hostname=False, service_principal_pattern="${SERVICE}/${HOST}@X")
    assert service_principal(raw, SERVER, resolve=lambda h: 1 / 0) == "HTTP/trino.example.com@X"


def test_keytab_principal_and_ccache_go_to_the_credential_store(tmp_path, monkeypatch) -> None:
    keytab, ccache, conf = tmp_path / "k.keytab", tmp_path / "cc", tmp_path / "krb5.conf"
    for p in (keytab, ccache, conf):
        p.write_text("x")
    monkeypatch.setenv("KRB5_CONFIG", "/nonexistent/before")  # restored after the test
    modules, calls = fakes()
    opts = KerberosOptions("trino", principal="alice@EXAMPLE.COM", keytab_path=str(keytab),
                           credential_cache_path=str(ccache), config_path=str(conf), delegation=True)
    kerberos_auth(opts, SERVER, modules=modules, resolve=lambda h: h)
    import os
    assert os.environ["KRB5_CONFIG"] == str(conf)
    creds = calls["creds"]
    assert creds["usage"] == "initiate" and creds["store"] == {"client_keytab": str(keytab), "ccache": str(ccache)}
    assert (creds["name"].value, creds["name"].kind) == ("alice@EXAMPLE.COM", "krb")
    auth = calls["auth"]
    assert (auth["target_name"].value, auth["target_name"].kind) == ("trino@trino.example.com", "hbs")
    assert auth["delegate"] is True and auth["mutual_authentication"] == 2


def test_default_credentials_when_nothing_given() -> None:
    modules, calls = fakes()
    kerberos_auth(KerberosOptions("HTTP"), SERVER, modules=modules, resolve=lambda h: h)
    assert "creds" not in calls and calls["auth"]["creds"] is None


def test_keytab_tickets_stay_in_memory(tmp_path) -> None:
    keytab = tmp_path / "k"
    keytab.write_text("x")
    modules, calls = fakes()
    kerberos_auth(KerberosOptions("HTTP", principal="a@B", keytab_path=str(keytab)), SERVER, modules=modules,
                  resolve=lambda h: h)
    assert calls["creds"]["store"] == {"client_keytab": str(keytab), "ccache": "MEMORY:trino-tui"}


@pytest.mark.parametrize("opts, server, message", [
    (KerberosOptions("HTTP"), "http://h:8080", "requires https"),
    (KerberosOptions(""), SERVER, "remote-service-name"),
    (KerberosOptions("HTTP", keytab_path="/nonexistent/k"), SERVER, "does not exist"),
])
def test_bad_options(opts, server, message) -> None:
    modules, _ = fakes()
    with pytest.raises(ConfigError, match=message):
        kerberos_auth(opts, server, modules=modules)


def test_keytab_without_principal(tmp_path) -> None:
    keytab = tmp_path / "k"
    keytab.write_text("x")
    with pytest.raises(ConfigError, match="needs --krb5-principal"):
        kerberos_auth(KerberosOptions("HTTP", keytab_path=str(keytab)), SERVER, modules=fakes()[0])


def test_gss_failure_is_one_line() -> None:
    class GSSError(Exception):
        def gen_message(self):
            return "No Kerberos credentials available\n(default cache: FILE:/tmp/krb5cc_0)"

    modules, _ = fakes(fail=GSSError())
    with pytest.raises(ConfigError, match="credentials unavailable: No Kerberos credentials available \\(default"):
        kerberos_auth(KerberosOptions("HTTP", principal="a@B"), SERVER, modules=modules, resolve=lambda h: h)


def test_missing_extra_names_the_package(monkeypatch) -> None:
    import sys
    monkeypatch.setitem(sys.modules, "httpx_gssapi", None)
    with pytest.raises(ConfigError, match="trino-tui\\[kerberos\\]"):
        kerberos_auth(KerberosOptions("HTTP"), SERVER, resolve=lambda h: h)
