"""ProfileActions: choosing the connection profile in the TUI (a mixin of ``TrinoTuiApp``).

Owns ``profile_names()`` (the ``[profiles.*]`` of ``$TRINO_TUI_CONFIG`` or the default config file,
read once and cached) and ``switch_profile(name)``: the next statement runs with the profile's
settings (a new client; the old one is closed — refused while a query runs, so closing never
waits on the network). The palette lists one entry per profile (``tui/commands.py``); the active
profile shows in the context line, the app's sub-title and a notification; the pipeline panel
and the catalog browser follow the new connection. UI thread only. Relies on the app's ``settings``, ``_client`` and ``_runner``.
"""

from __future__ import annotations

import os

from trino_tui.client import ConfigError
from trino_tui.core.connect import profile_names
from trino_tui.core.errors import describe
from trino_tui.core.settings import TUI_DEFAULTS, default_config_path, resolve
from trino_tui.tui.screens.external_login import install_login_dialog


def _no_prompt(text: str) -> str:
    raise EOFError  # the TUI owns the terminal: a profile must not need a typed password


class ProfileActions:
    """Profile listing and switching; see the module docstring."""

    _profile_names: tuple[str, ...] | None = None

    def profile_names(self) -> tuple[str, ...]:
        if self._profile_names is None:
            self._profile_names = profile_names(default_config_path(os.environ))
        return self._profile_names

    def switch_profile(self, name: str) -> None:
        """Connect with ``[profiles.NAME]`` from the next statement on."""
        if self._runner is not None and self._runner.running:
            self.notify("A query is running: cancel it (ctrl+c) before switching profiles", severity="warning")
            return
        try:
            settings = resolve({"profile": name}, defaults=TUI_DEFAULTS, prompt_password=_no_prompt)
        except ConfigError as exc:
            self.notify(describe(exc).message, severity="error", title=f"Profile {name}")
            return
        old, self._client = self._client, None
        if old is not None:
            try:
                old.close()  # no query is running: this only closes its connections
            except Exception:  # noqa: BLE001 - a broken old client must not block the switch
                pass
        self.settings = settings
        install_login_dialog(self, settings.client)
        self.sub_title = f"profile {name}"
        self.profile_changed()
        self.notify(f"{settings.server} as {settings.client.user}", title=f"Profile {name}", timeout=4)

    def profile_changed(self) -> None:
        """Refresh what names the connection (the pipeline panel's coordinator host)."""
        from trino_tui.tui.app import _host_port
        from trino_tui.tui.widgets.pipeline_panel import PipelinePanel

        self.query_one("#pipeline", PipelinePanel).coordinator_host = _host_port(self.settings.server)
        connected = getattr(self, "explore_connected", None)
        if connected is not None:  # the catalog browser and the context line follow the new connection
            connected()
