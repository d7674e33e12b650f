"""TLS material for the sandbox: a throw-away CA generated at start, and client-certificate auth.

`SandboxPki` makes a CA plus a server certificate for 127.0.0.1/localhost (and client
certificates on request) with the ``trustme`` package and writes them as PEM files into a private
0700 temporary directory (keys 0600) that `close()` removes. ``trustme`` is a test dependency: when
it is missing, `SandboxPki()` raises `TlsUnavailable` with a one-line hint (the sandbox's
``--tls-cert/--tls-key`` flags still take certificates made elsewhere).
`CertificateAuth` names the principal after the verified client certificate's common name.
Not thread-safe while issuing; the files are immutable once written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .server import Request


class TlsUnavailable(RuntimeError):
    """The sandbox cannot generate certificates here."""


class SandboxPki:
    """CA + server certificate (+ client certificates) as PEM files (see the module docstring)."""

    def __init__(self, hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1"), directory: str | None = None) -> None:
        try:
            import trustme  # type: ignore[import-not-found]
        except ImportError:
            raise TlsUnavailable("--tls needs the trustme package to generate a certificate authority "
                                 "(pip install trustme), or pass --tls-cert/--tls-key") from None
        self._own_dir = directory is None
        self.directory = Path(directory or tempfile.mkdtemp(prefix="trino-tui-sandbox-tls-"))
        os.chmod(self.directory, 0o700)
        self._ca = trustme.CA(organization_name="trino-tui sandbox")
        server = self._ca.issue_cert(*hosts)
        self.ca_path = self._write("ca.pem", self._ca.cert_pem.bytes())
        self.cert_path = self._write("server.pem", b"".join(p.bytes() for p in server.cert_chain_pems))
        self.key_path = self._write("server.key", server.private_key_pem.bytes())

    def _write(self, name: str, data: bytes) -> str:
        path = self.directory / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return str(path)

    def issue_client(self, name: str) -> tuple[str, str]:
        """(certificate path, key path) of a client certificate with common name *name*."""
        cert = self._ca.issue_cert(f"{name}@clients.sandbox", common_name=name)
        safe = "".join(c if c.isalnum() else "_" for c in name)
        cert_path = self._write(f"client-{safe}.pem", b"".join(p.bytes() for p in cert.cert_chain_pems))
        key_path = self._write(f"client-{safe}.key", cert.private_key_pem.bytes())
        return cert_path, key_path

    def config_kwargs(self, *, mutual: bool = False) -> dict[str, str]:
        """SandboxConfig knobs serving the coordinator/workers with this CA (client certs if *mutual*)."""
        out = {"tls_cert": self.cert_path, "tls_key": self.key_path}
        if mutual:
            out["tls_client_ca"] = self.ca_path
        return out

    def storage_kwargs(self) -> dict[str, str]:
        """SandboxConfig knobs serving segment storage with this CA."""
        return {"storage_tls_cert": self.cert_path, "storage_tls_key": self.key_path}

    def close(self) -> None:
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "SandboxPki":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def certificate_common_name(peer_cert: dict | None) -> str | None:
    """commonName of an ssl.getpeercert() dict."""
    if not peer_cert:
        return None
    for rdn in peer_cert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName" and value:
                return str(value)
    return None


class CertificateAuth:
    """Authentication method: a verified client certificate (mutual TLS) names the principal."""

    challenge = None  # TLS decides; nothing to ask for in a 401

    def route(self, request: Request) -> None:
        return None

    def identify(self, request: Request) -> str | None:
        return certificate_common_name(request.peer_cert)
