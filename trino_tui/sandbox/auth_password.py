"""Password authentication from a file, in the format of Trino's file password authenticator.

Each non-empty, non-comment line is ``user:ITERATIONS:SALT_HEX:HASH_HEX`` (PBKDF2-HMAC-SHA256, the
hash length sets the key length) — the PBKDF2 form of Trino's ``password.db``. bcrypt lines
(``user:$2y$...``) need a bcrypt library the sandbox does not have and are refused with a clear
message. `hash_password_line` writes lines (``python -m trino_tui.sandbox.auth_password USER``
prompts for the password and prints one). `PasswordAuth` checks ``Authorization: Basic``; a
password is never logged or echoed. The file is read once; the object is immutable, thread-safe.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import hashlib
import hmac
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .server import Request

MIN_ITERATIONS = 1000


@dataclass(frozen=True)
class _Entry:
    iterations: int
    salt: bytes
    digest: bytes


def hash_password_line(user: str, password: str, *, iterations: int = 10000, salt: bytes | None = None) -> str:
    """One password-file line for *user* (PBKDF2-HMAC-SHA256, 32-byte hash, random 16-byte salt)."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations, 32)
    return f"{user}:{iterations}:{salt.hex()}:{digest.hex()}"


def _parse_line(number: int, line: str) -> tuple[str, _Entry]:
    user, sep, rest = line.partition(":")
    if not sep or not user:
        raise ValueError(f"password file line {number}: expected user:iterations:salt:hash")
    if rest.startswith("$2"):
        raise ValueError(f"password file line {number}: bcrypt hashes are not supported by the sandbox; use PBKDF2 "
                         "(python -m trino_tui.sandbox.auth_password USER)")
    fields = rest.split(":")
    try:
        iterations, salt, digest = int(fields[0]), bytes.fromhex(fields[1]), bytes.fromhex(fields[2])
    except (ValueError, IndexError):
        raise ValueError(f"password file line {number}: expected user:iterations:salt_hex:hash_hex") from None
    if len(fields) != 3 or iterations < MIN_ITERATIONS or not digest:
        raise ValueError(f"password file line {number}: expected user:iterations(>= {MIN_ITERATIONS}):salt_hex:hash_hex")
    return user, _Entry(iterations, salt, digest)


class PasswordFile:
    """The users of one password file (ValueError naming the line on a bad file)."""

    def __init__(self, path: str | os.PathLike) -> None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"cannot read password file {os.fspath(path)!r}: {exc.strerror or exc}") from None
        self._users: dict[str, _Entry] = {}
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if line and not line.startswith("#"):
                user, entry = _parse_line(number, line)
                self._users[user] = entry

    def __len__(self) -> int:
        return len(self._users)

    def check(self, user: str, password: str) -> bool:
        entry = self._users.get(user)
        if entry is None:
            hashlib.pbkdf2_hmac("sha256", password.encode(), b"x" * 16, MIN_ITERATIONS, 32)  # similar timing
            return False
        got = hashlib.pbkdf2_hmac("sha256", password.encode(), entry.salt, entry.iterations, len(entry.digest))
        return hmac.compare_digest(got, entry.digest)


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """(user, password) of ``Authorization: Basic``, or None."""
    value = request.header("Authorization") or ""
    scheme, _, encoded = value.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep and user else None


class PasswordAuth:
    """Authentication method: HTTP Basic checked against a PasswordFile."""

    challenge = 'Basic realm="Trino"'

    def __init__(self, users: PasswordFile) -> None:
        self.users = users

    def route(self, request: Request) -> None:
        return None

    def identify(self, request: Request) -> str | None:
        creds = basic_credentials(request)
        if creds is None or not self.users.check(*creds):
            return None
        return creds[0]


def main(argv: list[str] | None = None) -> int:
    """Print a password-file line for USER (password read without echo, twice)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m trino_tui.sandbox.auth_password USER", file=sys.stderr)
        return 2
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        print("passwords differ", file=sys.stderr)
        return 1
    print(hash_password_line(args[0], first))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
