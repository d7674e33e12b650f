"""Redaction of secrets in network log lines.

Pure functions, thread-safe. ``redact`` is the catch-all for free text. Redacted: Authorization/Proxy-Authorization/Cookie headers,
X-Trino-Extra-Credential, SSE-C keys (S3/GCS/Azure), anything whose name mentions a
password, token, secret or credential; the same names inside JSON bodies; URL userinfo
passwords and pre-signed URL signatures/credentials.
"""

from __future__ import annotations

import re
from typing import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"

_SENSITIVE_EXACT = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-trino-extra-credential",
        "x-presto-extra-credential",
        "x-amz-security-token",
    }
)
_SENSITIVE_PARTS = ("password", "passwd", "token", "secret", "credential", "signature", "encryption-key",
                    "encryption-customer-key", "api-key", "apikey")


def is_sensitive(name: str) -> bool:
    """True if a header / query-parameter / JSON key name carries a secret."""
    lowered = name.lower()
    if lowered in _SENSITIVE_EXACT:
        return True
    return any(part in lowered for part in _SENSITIVE_PARTS)


_NAME_VALUE_HEADERS = frozenset({"x-trino-session", "x-trino-set-session", "x-trino-client-info"})


def _redact_header(name: str, value: str) -> str:
    if is_sensitive(name):
        return MASK
    if name.lower() in _NAME_VALUE_HEADERS and "=" in value:
        key, _, _ = value.partition("=")
        if is_sensitive(key):
            return f"{key}={MASK}"
    return value


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Copy of *headers* with sensitive values replaced by ``***`` (also ``name=value`` session
    properties whose name mentions a password, token or secret)."""
    return [(k, _redact_header(k, v)) for k, v in headers]


def redact_url(url: str) -> str:
    """URL with userinfo password and sensitive query parameters masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{MASK}@{host}" if ":" in userinfo else f"{user}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_sensitive(k) for k, _ in pairs):
            query = urlencode([(k, MASK if is_sensitive(k) else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


# The patterns are compiled on first use (re caches them): start-up compiles none of them.
# "key": "value"  or  "key": ["value", ...]  where key is sensitive
_JSON_PAIR = r'"([^"\\]{1,200})"(\s*:\s*)(\[\s*"(?:[^"\\]|\\.)*"(?:\s*,\s*"(?:[^"\\]|\\.)*")*\s*\]|"(?:[^"\\]|\\.)*")'
_URL_PARAM = r"([?&])([A-Za-z0-9_.\-]+)=([^&\"'\s]*)"


_USERINFO = r"(\b[A-Za-z][A-Za-z0-9+.\-]*://)([^/@\s:]*):([^/@\s]*)@"
_AUTH_SCHEME = r"(?i)\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=\-]{4,}"
_SESSION_PAIR = r"(?i)\b([A-Za-z0-9_.$\-]*(?:password|passwd|token|secret|credential)[A-Za-z0-9_.$\-]*)=([^\s,;&\"']+)"


def redact(text: str) -> str:
    """Mask every secret this module knows inside free text (error messages, log lines):
    URL passwords, Basic/Bearer credentials, ``name=value`` pairs with secret names, sensitive
    JSON values and URL query parameters."""
    text = re.sub(_USERINFO, lambda m: f"{m.group(1)}{m.group(2)}:{MASK}@", text)
    text = re.sub(_AUTH_SCHEME, lambda m: f"{m.group(1)} {MASK}", text)
    text = redact_text(text)
    return re.sub(_SESSION_PAIR, lambda m: f"{m.group(1)}={MASK}", text)


redact_secrets = redact  # the public name (``trino_tui.client.redact`` is this module, so not that)


def redact_text(text: str) -> str:
    """Mask sensitive JSON values and URL query parameters inside free text (bodies)."""

    def _pair(m: re.Match[str]) -> str:
        if not is_sensitive(m.group(1)):
            return m.group(0)
        value = m.group(3)
        masked = f'["{MASK}"]' if value.startswith("[") else f'"{MASK}"'
        return f'"{m.group(1)}"{m.group(2)}{masked}'

    def _param(m: re.Match[str]) -> str:
        if not is_sensitive(m.group(2)):
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}={MASK}"

    return re.sub(_URL_PARAM, _param, re.sub(_JSON_PAIR, _pair, text))
