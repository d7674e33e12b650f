"""Secrets for connection profiles without plain secrets in config files.

A profile (or the matching flag) may say how to get its password or token, never the secret:

* ``password_cmd = "pass show trino/prod"``: the command runs without a shell (use
  ``sh -c '...'`` for pipes), 30 s at most; the first line of its stdout is the secret. Failures
  raise ``ConfigError`` naming the command and exit status, never its output.
* ``password_keyring = "SERVICE"`` (user = the profile's user): the OS keyring through the
  optional ``keyring`` package (``keyring_secret`` also takes ``{service, username}``).
* ``access_token_cmd``: the same for a JWT bearer token.

``core.connect.resolve_secrets`` applies them. Pure functions apart from running the command;
thread-safe.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Callable, Mapping
from typing import Any

from trino_tui.client import ConfigError

COMMAND_TIMEOUT = 30.0

Runner = Callable[..., subprocess.CompletedProcess]


def run_secret_command(command: str | list[str], *, what: str = "password_cmd", run: Runner = subprocess.run) -> str:
    """First stdout line of *command* (no shell); ConfigError on any failure."""
    argv = shlex.split(command) if isinstance(command, str) else [str(a) for a in command]
    if not argv:
        raise ConfigError(f"{what} is empty")
    label = argv[0]
    try:
        done = run(argv, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise ConfigError(f"{what}: command {label!r} not found") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{what}: command {label!r} did not finish within {COMMAND_TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise ConfigError(f"{what}: cannot run {label!r}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        raise ConfigError(f"{what}: command {label!r} failed with exit status {done.returncode}")
    secret = (done.stdout or "").splitlines()[0].strip() if (done.stdout or "").strip() else ""
    if not secret:
        raise ConfigError(f"{what}: command {label!r} printed nothing")
    return secret


def keyring_secret(spec: str | Mapping[str, Any], user: str, *, what: str = "password_keyring",
                   keyring_module: Any = None) -> str:
    """Secret from the OS keyring for ``spec`` (service name, or {service, username})."""
    if isinstance(spec, Mapping):
        service, username = str(spec.get("service") or ""), str(spec.get("username") or user)
    else:
        service, username = str(spec), user
    if not service:
        raise ConfigError(f"{what} needs a service name")
    module = keyring_module
    if module is None:
        try:
            import keyring as module  # type: ignore[import-not-found,no-redef]
        except ImportError:
            raise ConfigError(f"{what} needs the optional keyring package: pip install 'trino-tui[keyring]'") from None
    try:
        secret = module.get_password(service, username)
    except Exception as exc:  # noqa: BLE001 - keyring backends raise their own types
        raise ConfigError(f"{what}: the keyring could not be read ({type(exc).__name__})") from None
    if not secret:
        raise ConfigError(f"{what}: no secret stored for service {service!r}, user {username!r}")
    return str(secret)

