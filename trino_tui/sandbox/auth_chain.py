"""The sandbox's authenticator: several methods tried in order, as Trino's
``http-server.authentication.type=CERTIFICATE,KERBEROS,PASSWORD,JWT,OAUTH2``; plus the CLI flags.

`ChainAuthenticator(methods)` implements `auth_hook.Authenticator`: public paths pass without a
principal (``/v1/info``; the statement polling, cancel and segment URLs, which Trino marks public);
a method's own endpoints (the OAuth2 pages) are answered by it; otherwise the first method that
names a principal wins, and when none does the answer is 401 with every method's
``WWW-Authenticate`` challenge. Password, JWT and OAuth2 need https (Trino refuses them over
plain http). Thread-safe when its methods are.

`add_auth_arguments` / `auth_from_args` give ``trino-tui sandbox`` the flags ``--tls`` (generate a
CA, serve https), ``--mtls`` (also accept client certificates), ``--password-file``,
``--jwt-secret-file``, ``--oauth2`` and ``--kerberos-keytab``.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Any, Protocol

from .auth_hook import AuthOutcome
from .server import Request, Response

_PUBLIC_PREFIXES = ("/v1/statement/queued/", "/v1/statement/executing/", "/v1/spooled/")
_PUBLIC_EXACT = ("/v1/info", "/v1/info/state")


class AuthMethod(Protocol):
    """One way to authenticate (certificate, password, JWT, OAuth2)."""

    def route(self, request: Request) -> Response | None: ...

    def identify(self, request: Request) -> str | None: ...


def is_public(request: Request) -> bool:
    """Paths Trino serves without authentication."""
    return request.path in _PUBLIC_EXACT or request.path.startswith(_PUBLIC_PREFIXES)


class ChainAuthenticator:
    """Tries its methods in order (see the module docstring)."""

    def __init__(self, methods: list[Any]) -> None:
        if not methods:
            raise ValueError("at least one authentication method is needed")
        self.methods = list(methods)
        self.rejected = 0  # 401s answered

    def authenticate(self, request: Request) -> AuthOutcome:
        for method in self.methods:
            own = method.route(request)
            if own is not None:
                return own
        if is_public(request):
            return None
        if request.scheme != "https":
            return Response(403, b"Authentication over HTTP is not enabled: use https", "text/plain; charset=utf-8")
        for method in self.methods:
            principal = method.identify(request)
            if principal:
                return principal
        self.rejected += 1
        headers = []
        for method in self.methods:
            challenge = method.challenge_for(request) if hasattr(method, "challenge_for") else method.challenge
            if challenge:
                headers.append(("WWW-Authenticate", challenge))
        return Response(401, b"Unauthorized", "text/plain; charset=utf-8", headers)


def add_auth_arguments(parser: argparse.ArgumentParser) -> None:
    """The sandbox's authentication flags (all off by default)."""
    a = parser.add_argument
    a("--tls", action="store_true", help="generate a throw-away CA (needs trustme) and serve https; prints the CA path")
    a("--mtls", action="store_true", help="with --tls: accept client certificates (principal = certificate CN)")
    a("--password-file", metavar="PATH", help="require passwords from PATH (user:iterations:salt:hash, PBKDF2)")
    a("--jwt-secret-file", metavar="PATH", help="accept HS256 bearer tokens signed with the secret in PATH")
    a("--oauth2", action="store_true", help="OAuth2 external authentication with a fake login page")
    a("--kerberos-keytab", metavar="PATH", help="accept Kerberos/SPNEGO with the HTTP/host service key in PATH (needs gssapi)")


def auth_from_args(args: argparse.Namespace, stack: contextlib.ExitStack) -> tuple[dict[str, Any], list[str]]:
    """(SandboxConfig knobs, lines to print) for the parsed flags; ValueError on bad combinations.

    Generated TLS material is removed when *stack* closes."""
    knobs: dict[str, Any] = {}
    notes: list[str] = []
    wants_auth = bool(args.password_file or args.jwt_secret_file or args.oauth2 or args.mtls or args.kerberos_keytab)
    if args.mtls and not args.tls:
        raise ValueError("--mtls needs --tls")
    if args.tls:
        if getattr(args, "tls_cert", None):
            raise ValueError("use either --tls (generated CA) or --tls-cert/--tls-key")
        from .auth_tls import SandboxPki, TlsUnavailable

        try:
            pki = stack.enter_context(SandboxPki())
        except TlsUnavailable as exc:
            raise ValueError(str(exc)) from None
        knobs.update(pki.config_kwargs(mutual=args.mtls))
        notes.append(f"CA certificate: {pki.ca_path}  (trino-tui --cafile {pki.ca_path} ...)")
        if args.mtls:
            cert, key = pki.issue_client("sandbox-user")
            notes.append(f"Client certificate: --client-cert {cert} --client-key {key}")
    elif wants_auth and not getattr(args, "tls_cert", None):
        raise ValueError("--password-file, --jwt-secret-file, --oauth2 and --kerberos-keytab need https: add --tls")
    if wants_auth:
        knobs["auth"] = build_chain(args)
    return knobs, notes


def build_chain(args: argparse.Namespace) -> ChainAuthenticator:
    """The methods the flags ask for, in Trino's usual order."""
    methods: list[Any] = []
    if args.mtls:
        from .auth_tls import CertificateAuth
        methods.append(CertificateAuth())
    if args.kerberos_keytab:
        from .auth_kerberos import KerberosAuth, KerberosUnavailable
        try:
            methods.append(KerberosAuth(args.kerberos_keytab))
        except KerberosUnavailable as exc:
            raise ValueError(str(exc)) from None
    if args.password_file:
        from .auth_password import PasswordAuth, PasswordFile
        methods.append(PasswordAuth(PasswordFile(args.password_file)))
    if args.jwt_secret_file or args.oauth2:
        from .auth_jwt import JwtAuth, JwtCodec
        import secrets as _secrets
        secret = _read_secret(args.jwt_secret_file) if args.jwt_secret_file else _secrets.token_bytes(32)
        codec = JwtCodec(secret)
        if args.jwt_secret_file:
            methods.append(JwtAuth(codec))
        if args.oauth2:
            from .auth_oauth2 import OAuth2Auth
            methods.append(OAuth2Auth(codec))
    return ChainAuthenticator(methods)


def _read_secret(path: str) -> bytes:
    try:
        secret = Path(path).read_bytes().strip()
    except OSError as exc:
        raise ValueError(f"cannot read JWT secret file {path!r}: {exc.strerror or exc}") from None
    if not secret:
        raise ValueError(f"JWT secret file {path!r} is empty")
    return secret
