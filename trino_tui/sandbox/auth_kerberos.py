"""Kerberos / SPNEGO acceptor for the sandbox (needs the optional ``gssapi`` package).

`KerberosAuth(keytab)` answers a request without credentials with ``WWW-Authenticate:
Negotiate``; an ``Authorization: Negotiate <base64>`` token is accepted with the service key from
*keytab* (the GSSAPI credential store, so the process-wide default keytab is not touched). The
principal is the client principal's primary (``alice`` of ``alice@REALM`` / ``alice/admin@REALM``).
Single-round SPNEGO only (Kerberos always completes in one round; the mutual-authentication reply
token is not sent back, so clients must not *require* mutual authentication).
Each request builds its own security context: thread-safe.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from .server import Request


class KerberosUnavailable(RuntimeError):
    """gssapi is not installed."""


class KerberosAuth:
    """Authentication method: SPNEGO with the service key from a keytab."""

    challenge = "Negotiate"

    def __init__(self, keytab: str, *, gssapi_module: Any = None) -> None:
        if gssapi_module is None:
            try:
                import gssapi as gssapi_module  # type: ignore[import-not-found,no-redef]
            except ImportError:
                raise KerberosUnavailable("--krb5-keytab needs the gssapi package "
                                          "(pip install 'trino-tui[kerberos]')") from None
        self._gssapi = gssapi_module
        self._creds = gssapi_module.Credentials(usage="accept", store={"keytab": keytab})

    def route(self, request: Request) -> None:
        return None

    def identify(self, request: Request) -> str | None:
        value = request.header("Authorization") or ""
        scheme, _, encoded = value.partition(" ")
        if scheme.lower() != "negotiate" or not encoded.strip():
            return None
        try:
            token = base64.b64decode(encoded.strip(), validate=True)
            ctx = self._gssapi.SecurityContext(usage="accept", creds=self._creds)
            ctx.step(token)
            if not ctx.complete:
                return None
            principal = str(ctx.initiator_name)
        except (binascii.Error, ValueError):
            return None
        except Exception:  # noqa: BLE001 - gssapi.exceptions.GSSError: a bad or foreign ticket
            return None
        return principal.split("@", 1)[0].split("/", 1)[0] or None
