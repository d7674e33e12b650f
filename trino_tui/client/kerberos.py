"""Kerberos / SPNEGO authentication for the coordinator client (optional extra ``kerberos``).

Built on ``httpx-gssapi`` (extra ``trino-tui[kerberos]``): it is the maintained httpx port of
requests-gssapi from the python-gssapi project, speaks SPNEGO (``Negotiate``) as an
``httpx.Auth`` flow, and binds the system's MIT/Heimdal GSSAPI library through ``gssapi`` — so
keytabs, credential caches and krb5.conf behave exactly as with kinit. Nothing is imported until
Kerberos is asked for; a missing package is a one-line ``ConfigError``.

Options mirror the Trino CLI flags: ``--krb5-remote-service-name`` (required), ``--krb5-principal``,
``--krb5-keytab-path``, ``--krb5-credential-cache-path``, ``--krb5-config-path``,
``--krb5-service-principal-pattern`` (default ``${SERVICE}@${HOST}``),
``--krb5-disable-remote-service-hostname-canonicalization`` and ``--krb5-delegation``. https only,
as in the CLI. ``--krb5-config-path`` sets ``KRB5_CONFIG`` for the whole process (the GSSAPI
library reads it from the environment). Tickets obtained from a keytab go to a process-memory
credential cache unless ``--krb5-credential-cache-path`` names one. The returned auth object is
used from the query thread.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from .errors import ConfigError

DEFAULT_PATTERN = "${SERVICE}@${HOST}"


@dataclass(frozen=True)
class KerberosOptions:
    """The ``--krb5-*`` flags (None = not given)."""

    remote_service_name: str
    principal: str | None = None
    keytab_path: str | None = None
    credential_cache_path: str | None = None
    config_path: str | None = None
    service_principal_pattern: str = DEFAULT_PATTERN
    canonicalize_hostname: bool = True
    delegation: bool = False


def canonical_host(host: str) -> str:
    """The DNS canonical name of *host* (as the Trino CLI does), or *host* when it cannot resolve."""
    try:
        infos = socket.getaddrinfo(host, None, flags=socket.AI_CANONNAME)
    except OSError:
        return host
    for info in infos:
        if info[3]:
            return info[3].lower()
    return host


def service_principal(options: KerberosOptions, server: str, *,
                      resolve: Callable[[str], str] = canonical_host) -> str:
    """``SERVICE@HOST`` (GSSAPI host-based service name) for *server* per the pattern."""
    host = urlsplit(server).hostname or ""
    if options.canonicalize_hostname:
        host = resolve(host)
    return options.service_principal_pattern.replace("${SERVICE}", options.remote_service_name).replace("${HOST}", host)


def _check(options: KerberosOptions, server: str) -> None:
    if urlsplit(server).scheme != "https":
        raise ConfigError("Authentication using Kerberos requires https")
    if not options.remote_service_name:
        raise ConfigError("Kerberos needs --krb5-remote-service-name (the coordinator's service, e.g. HTTP or trino)")
    for label, path in (("--krb5-keytab-path", options.keytab_path), ("--krb5-config-path", options.config_path),
                        ("--krb5-credential-cache-path", options.credential_cache_path)):
        if path and not os.path.exists(path):
            raise ConfigError(f"{label} {path!r} does not exist")
    if options.keytab_path and not options.principal:
        raise ConfigError("--krb5-keytab-path needs --krb5-principal")


def _import_gssapi() -> tuple[Any, Any]:
    try:
        import gssapi  # type: ignore[import-not-found]
        import httpx_gssapi  # type: ignore[import-not-found]
    except ImportError:
        raise ConfigError("Kerberos needs the optional extra: pip install 'trino-tui[kerberos]' "
                          "(httpx-gssapi; it needs the system Kerberos/GSSAPI library)") from None
    return gssapi, httpx_gssapi


def kerberos_auth(options: KerberosOptions, server: str, *, modules: tuple[Any, Any] | None = None,
                  resolve: Callable[[str], str] = canonical_host) -> Any:
    """An ``httpx.Auth`` doing SPNEGO for *server* (ConfigError on bad options or missing extra)."""
    _check(options, server)
    gssapi, httpx_gssapi = modules if modules is not None else _import_gssapi()
    if options.config_path:
        os.environ["KRB5_CONFIG"] = options.config_path
    target = gssapi.Name(service_principal(options, server, resolve=resolve), gssapi.NameType.hostbased_service)
    creds = None
    store: dict[str, str] = {}
    if options.keytab_path:
        store["client_keytab"] = options.keytab_path
    if options.credential_cache_path:
        store["ccache"] = options.credential_cache_path
    elif options.keytab_path:
        store["ccache"] = "MEMORY:trino-tui"  # tickets from a keytab never land in the user's cache
    if options.principal or store:
        name = gssapi.Name(options.principal, gssapi.NameType.kerberos_principal) if options.principal else None
        try:
            creds = gssapi.Credentials(name=name, usage="initiate", store=store or None)
        except Exception as exc:  # noqa: BLE001 - gssapi.exceptions.GSSError and friends
            message = exc.gen_message() if hasattr(exc, "gen_message") else str(exc)
            raise ConfigError(f"Kerberos credentials unavailable: {' '.join(str(message).split())}") from None
    return httpx_gssapi.HTTPSPNEGOAuth(
        target_name=target, creds=creds, delegate=options.delegation,
        mutual_authentication=httpx_gssapi.OPTIONAL,
    )
