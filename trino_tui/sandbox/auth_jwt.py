"""HS256 JSON Web Tokens for the sandbox: issuing (OAuth2 logins, tests) and validating (JWT auth).

`JwtCodec(secret, clock)` signs and verifies compact JWS tokens with HMAC-SHA256 (stdlib only);
`verify` checks the header algorithm, the signature (constant-time compare), ``exp`` / ``nbf``
against the injected wall clock and returns the ``sub`` claim (Trino's default principal field).
`JwtAuth` is the sandbox authentication method: ``Authorization: Bearer <jwt>`` -> principal.
Immutable after construction; thread-safe.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Callable

from .server import Request


class JwtInvalid(ValueError):
    """A token that does not verify (the reason is safe to show: it never contains the token)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise JwtInvalid("malformed token") from None


class JwtCodec:
    """Sign / verify HS256 tokens with one shared secret (``clock`` = wall-clock seconds)."""

    def __init__(self, secret: str | bytes, *, clock: Callable[[], float] = time.time) -> None:
        if not secret:
            raise ValueError("a JWT secret must not be empty")
        self._key = secret.encode() if isinstance(secret, str) else bytes(secret)
        self._clock = clock

    def _sign(self, signing_input: str) -> str:
        return _b64(hmac.new(self._key, signing_input.encode("ascii"), hashlib.sha256).digest())

    def issue(self, subject: str, ttl: float = 3600.0, **claims: object) -> str:
        """A token for *subject* valid for *ttl* seconds from now (negative ttl = already expired)."""
        now = int(self._clock())
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        body = {"sub": subject, "iat": now, "exp": now + int(ttl), **claims}
        payload = _b64(json.dumps(body, separators=(",", ":")).encode())
        return f"{header}.{payload}.{self._sign(header + '.' + payload)}"

    def verify(self, token: str) -> str:
        """The token's subject; JwtInvalid when malformed, badly signed, expired or subject-less."""
        parts = token.split(".")
        if len(parts) != 3:
            raise JwtInvalid("malformed token")
        try:
            header = json.loads(_unb64(parts[0]))
            claims = json.loads(_unb64(parts[1]))
        except ValueError:
            raise JwtInvalid("malformed token") from None
        if not isinstance(header, dict) or header.get("alg") != "HS256":
            raise JwtInvalid("unsupported algorithm (HS256 only)")
        if not hmac.compare_digest(self._sign(parts[0] + "." + parts[1]), parts[2]):
            raise JwtInvalid("bad signature")
        if not isinstance(claims, dict):
            raise JwtInvalid("malformed claims")
        now = self._clock()
        if isinstance(claims.get("exp"), (int, float)) and now >= claims["exp"]:
            raise JwtInvalid("token expired")
        if isinstance(claims.get("nbf"), (int, float)) and now < claims["nbf"]:
            raise JwtInvalid("token not yet valid")
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise JwtInvalid("token has no subject")
        return subject


def bearer_token(request: Request) -> str | None:
    """The token of ``Authorization: Bearer <token>``, or None."""
    value = request.header("Authorization") or ""
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class JwtAuth:
    """Authentication method: a valid HS256 bearer token names the principal."""

    challenge = 'Bearer realm="Trino", token_type="JWT"'

    def __init__(self, codec: JwtCodec) -> None:
        self.codec = codec

    def route(self, request: Request) -> None:
        return None

    def identify(self, request: Request) -> str | None:
        token = bearer_token(request)
        if token is None:
            return None
        try:
            return self.codec.verify(token)
        except JwtInvalid:
            return None
