"""How the connection-method knobs become ClientConfig settings (used by ``core.settings.resolve``).

Three steps, each a pure function of the knob values (plus the environment / a prompt for the
secrets step), so ``resolve`` stays one table plus three calls:

* `merge_url(flags)` — the Trino CLI's positional URL (``trino-tui https://host:443/tpch/tiny``)
  into ``server``/``catalog``/``schema``/``user`` (see ``core.cli_url``).
* `resolve_secrets(values, password, env, prompt)` — ``password_cmd`` / ``password_keyring`` and
  ``access_token_cmd`` (see ``core.secrets``), and the ``--client-key-password`` prompt. Run once
  per resolve; the results live in the knob values, so ``Settings.replace`` never re-prompts.
* `client_kwargs(values, server)` — ClientConfig keyword arguments: the OAuth2 external
  authentication flow (token cache per server: keyring or 0600 file), Kerberos/SPNEGO, the SOCKS
  proxy, the storage CA, ``--role catalog=role`` as Trino selected roles.

`profile_names(path)` lists the profiles of a config file (for choosing one in the TUI).

Thread-safety: no shared state; the auth objects it creates are owned by the ClientConfig.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from trino_tui.client import ConfigError

# Imported where used, so a run imports only what its flags need (start-up): ``.cli_url`` (a
# positional URL), ``.secrets`` (password_cmd / password_keyring / access_token_cmd: subprocess,
# shlex, keyring), ``tomllib`` (a config file), ``importlib.util`` (--socks-proxy).

KEY_PASSWORD_ENV = "TRINO_CLIENT_KEY_PASSWORD"


def merge_url(flags: dict[str, Any]) -> dict[str, Any]:
    """*flags* with the positional ``url`` merged into server/catalog/schema/user (ConfigError on conflicts)."""
    url = flags.get("url")
    if not url:
        return flags
    from .cli_url import merge_cli_url

    merged = merge_cli_url(url, server=flags.get("server"), catalog=flags.get("catalog"),
                           schema=flags.get("schema"), user=flags.get("user"))
    return {**flags, **{k: v for k, v in merged.items() if v is not None}}


def resolve_secrets(values: dict[str, Any], password: str | None, env: Mapping[str, str],
                    prompt: Callable[[str], str]) -> str | None:
    """The password (from --password, else password_cmd / password_keyring); fills
    ``values["access_token"]`` from access_token_cmd and ``values["client_key_password"]``."""
    user = str(values.get("user") or "")
    if values.get("password_cmd") and values.get("password_keyring"):
        raise ConfigError("Use either password_cmd or password_keyring, not both")
    if password is None and values.get("password_cmd"):
        from .secrets import run_secret_command

        password = run_secret_command(values["password_cmd"], what="password_cmd")
    elif password is None and values.get("password_keyring"):
        from .secrets import keyring_secret

        password = keyring_secret(values["password_keyring"], user, what="password_keyring")
    if values.get("access_token_cmd") and not values.get("access_token"):
        from .secrets import run_secret_command

        values["access_token"] = run_secret_command(values["access_token_cmd"], what="access_token_cmd")
    if values.get("client_key_password") is True:
        secret = env.get(KEY_PASSWORD_ENV)
        if secret is None:
            try:
                secret = prompt("Password for the client key: ")
            except (EOFError, OSError):
                raise ConfigError(f"--client-key-password needs a terminal to prompt, or {KEY_PASSWORD_ENV}") from None
        values["client_key_password"] = secret
    return password


def selected_role(value: str) -> str:
    """``--role catalog=NAME`` value as Trino's selected-role text: ALL, NONE or ROLE{name}."""
    text = value.strip()
    return text.upper() if text.upper() in ("ALL", "NONE") else f"ROLE{{{text}}}"


def _proxy_url(value: str, scheme: str) -> str:
    return value if "://" in value else f"{scheme}://{value}"


def _kerberos(values: Mapping[str, Any], server: str) -> Any:
    from trino_tui.client import KerberosOptions, kerberos_auth

    pattern = values.get("krb5_service_principal_pattern")
    options = KerberosOptions(
        remote_service_name=values["krb5_remote_service_name"], principal=values.get("krb5_principal"),
        keytab_path=values.get("krb5_keytab_path"), credential_cache_path=values.get("krb5_credential_cache_path"),
        config_path=values.get("krb5_config_path"), **({"service_principal_pattern": pattern} if pattern else {}),
        canonicalize_hostname=not values.get("krb5_disable_remote_service_hostname_canonicalization"),
        delegation=bool(values.get("krb5_delegation")))
    return kerberos_auth(options, server)


def _redirect_handler(kind: str, auth: Any) -> Callable[[str], None]:
    """The Trino CLI's redirect handlers: ALL (print + browser), PRINT, OPEN (print only as a fallback)."""
    default = auth.on_redirect  # prints the URL and opens a browser when there is one

    def open_only(url: str) -> None:
        if not auth.open_browser(url):
            auth.print_url(url)

    return {"ALL": default, "PRINT": auth.print_url, "OPEN": open_only}[kind]


def client_kwargs(values: Mapping[str, Any], server: str) -> dict[str, Any]:
    """ClientConfig keyword arguments of the connection-method knobs present in *values*."""
    out: dict[str, Any] = {}
    if values.get("external_authentication") and values.get("krb5_remote_service_name"):
        raise ConfigError("Use either --external-authentication or Kerberos (--krb5-*), not both")
    if values.get("external_authentication"):
        from trino_tui.client import ExternalAuthentication, default_token_store

        auth = ExternalAuthentication(server, store=default_token_store())
        auth.on_redirect = _redirect_handler(values.get("external_authentication_redirect_handler") or "ALL", auth)
        out["auth"] = auth
    elif values.get("krb5_remote_service_name"):
        out["auth"] = _kerberos(values, server)
    elif any(k.startswith("krb5_") and values.get(k) for k in values):
        raise ConfigError("Kerberos needs --krb5-remote-service-name")
    if isinstance(values.get("client_key_password"), str):
        out["client_key_password"] = values["client_key_password"]
    if values.get("http_proxy") and values.get("socks_proxy"):
        raise ConfigError("Use either --http-proxy or --socks-proxy, not both")
    if values.get("http_proxy"):
        out["http_proxy"] = _proxy_url(values["http_proxy"], "http")
    elif values.get("socks_proxy"):
        import importlib.util

        if importlib.util.find_spec("socksio") is None:
            raise ConfigError("--socks-proxy needs the socksio package (pip install 'httpx[socks]')")
        out["http_proxy"] = _proxy_url(values["socks_proxy"], "socks5")
    if values.get("storage_proxy"):
        out["storage_proxy"] = _proxy_url(values["storage_proxy"], "http")
    if values.get("storage_cafile"):
        if not os.path.isfile(values["storage_cafile"]):
            raise ConfigError(f"Storage CA file not found: {values['storage_cafile']}")
        out["storage_verify"] = values["storage_cafile"]
    if values.get("role"):
        out["roles"] = {catalog: selected_role(role) for catalog, role in values["role"].items()}
    return out


def profile_names(path: str) -> tuple[str, ...]:
    """Names of the ``[profiles.*]`` tables in the TOML file at *path* (() if missing or unreadable)."""
    if not os.path.exists(path):
        return ()
    import tomllib

    try:
        with open(path, "rb") as fh:
            profiles = tomllib.load(fh).get("profiles")
    except (OSError, tomllib.TOMLDecodeError):
        return ()
    return tuple(sorted(k for k, v in profiles.items() if isinstance(v, dict))) if isinstance(profiles, dict) else ()

