"""Secrets for connection profiles without plain secrets in config files.

A profile may say how to get its password (or access token), never the secret itself:

* ``password_cmd = "pass show trino/prod"`` (or a list of arguments): the command runs without a
  shell (use ``["sh", "-c", "..."]`` for pipes), 30 s at most; the first line of its stdout is
  the secret. Failures raise ``ConfigError`` naming the command and exit status, never its output.
* ``password_keyring = "SERVICE"`` (user = the profile's user) or
  ``password_keyring = {service = "...", username = "..."}``: the OS keyring through the optional
  ``keyring`` package.
* ``access_token_cmd`` / ``access_token_keyring``: the same for a JWT bearer token.

Plain ``password`` / ``access_token`` keys in a profile are refused with a one-line hint.
Pure functions apart from running the command; thread-safe.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Callable, Mapping
from typing import Any

from trino_tui.client import ConfigError

COMMAND_TIMEOUT = 30.0
PLAIN_SECRET_KEYS = ("password", "access_token")

Runner = Callable[..., subprocess.CompletedProcess]


def check_no_plain_secrets(profile: Mapping[str, Any], name: str = "") -> None:
    """Refuse ``password = "..."`` / ``access_token = "..."`` in a profile."""
    where = f"profile {name!r}" if name else "the profile"
    for key in PLAIN_SECRET_KEYS:
        if isinstance(profile.get(key), str):
            raise ConfigError(f"{where} stores a plain {key}: use {key}_cmd or {key}_keyring instead")


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


def profile_secret(profile: Mapping[str, Any], kind: str, user: str, *, run: Runner = subprocess.run,
                   keyring_module: Any = None) -> str | None:
    """The *kind* ("password" or "access_token") a profile points to, or None if it names none."""
    cmd, ring = profile.get(f"{kind}_cmd"), profile.get(f"{kind}_keyring")
    if cmd is not None and ring is not None:
        raise ConfigError(f"Use either {kind}_cmd or {kind}_keyring, not both")
    if cmd is not None:
        return run_secret_command(cmd, what=f"{kind}_cmd", run=run)
    if ring is not None:
        return keyring_secret(ring, user, what=f"{kind}_keyring", keyring_module=keyring_module)
    return None
