"""Per-server cache of OAuth2 access tokens (external authentication).

A token is stored under the server's origin (``https://host:port``) and reused until the server
answers 401 (then the caller deletes it and logs in again). Two backends:

* ``KeyringTokenStore``: the OS keyring through the optional ``keyring`` package (extra
  ``trino-tui[keyring]``); service name ``trino-tui``.
* ``FileTokenStore``: one JSON file ``tokens.json`` under ``$XDG_STATE_HOME/trino-tui`` (default
  ``~/.local/state/trino-tui``), directory 0700, file 0600, replaced atomically.

``default_token_store()`` picks the keyring when it is installed and has a usable backend, else the
file. ``MemoryTokenStore`` keeps tokens for one process only. Every store is thread-safe (one lock
per store); concurrent processes may overwrite each other's file write (last writer wins). A
backend failure never raises: a token that cannot be read is a missing token.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

KEYRING_SERVICE = "trino-tui"
TOKEN_FILE = "tokens.json"


def token_key(server: str) -> str:
    """Cache key of a server: ``scheme://host:port`` in lower case (default ports made explicit)."""
    parts = urlsplit(server.strip())
    scheme = (parts.scheme or "https").lower()
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if scheme == "https" else 80)
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


class TokenStore(Protocol):
    """Where tokens live. Methods never raise for backend failures."""

    def get(self, server: str) -> str | None: ...

    def put(self, server: str, token: str) -> None: ...

    def delete(self, server: str) -> None: ...


class MemoryTokenStore:
    """Tokens for the life of this object only (``--no-token-cache`` and tests)."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, server: str) -> str | None:
        with self._lock:
            return self._tokens.get(token_key(server))

    def put(self, server: str, token: str) -> None:
        with self._lock:
            self._tokens[token_key(server)] = token

    def delete(self, server: str) -> None:
        with self._lock:
            self._tokens.pop(token_key(server), None)


def default_state_dir() -> Path:
    """``$XDG_STATE_HOME/trino-tui`` or ``~/.local/state/trino-tui``."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "trino-tui"


class FileTokenStore:
    """Tokens in a 0600 JSON file (``{"https://host:443": "token", ...}``), written atomically."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path is not None else default_state_dir() / TOKEN_FILE
        self._lock = threading.Lock()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write(self, data: dict[str, str]) -> None:
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tokens-", dir=self.path.parent)  # mkstemp creates 0600
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(data, out)
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass  # an unwritable cache only costs a new login next time

    def get(self, server: str) -> str | None:
        with self._lock:
            return self._read().get(token_key(server))

    def put(self, server: str, token: str) -> None:
        with self._lock:
            data = self._read()
            data[token_key(server)] = token
            self._write(data)

    def delete(self, server: str) -> None:
        with self._lock:
            data = self._read()
            if data.pop(token_key(server), None) is not None:
                self._write(data)


class KeyringTokenStore:
    """Tokens in the OS keyring (``keyring`` module passed in, so tests can use a fake one)."""

    def __init__(self, keyring_module) -> None:  # noqa: ANN001 - the optional keyring module
        self._keyring = keyring_module
        self._lock = threading.Lock()

    def get(self, server: str) -> str | None:
        with self._lock:
            try:
                return self._keyring.get_password(KEYRING_SERVICE, token_key(server))
            except Exception:  # noqa: BLE001 - any backend failure = no token
                return None

    def put(self, server: str, token: str) -> None:
        with self._lock:
            try:
                self._keyring.set_password(KEYRING_SERVICE, token_key(server), token)
            except Exception:  # noqa: BLE001
                pass

    def delete(self, server: str) -> None:
        with self._lock:
            try:
                self._keyring.delete_password(KEYRING_SERVICE, token_key(server))
            except Exception:  # noqa: BLE001 - also PasswordDeleteError when absent
                pass


def usable_keyring():  # noqa: ANN201 - returns the keyring module or None
    """The ``keyring`` module when installed with a real backend (priority > 0), else None."""
    try:
        import keyring  # type: ignore[import-not-found]
        backend = keyring.get_keyring()
        priority = getattr(backend, "priority", 0)
        if callable(priority):
            priority = priority()
        return keyring if float(priority) > 0 else None
    except Exception:  # noqa: BLE001 - not installed, or no backend (keyring.errors.*)
        return None


def default_token_store() -> TokenStore:
    """The keyring when usable, else the 0600 file under the XDG state directory."""
    module = usable_keyring()
    return KeyringTokenStore(module) if module is not None else FileTokenStore()
