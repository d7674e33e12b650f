"""trino_tui.sandbox — an embedded Trino-compatible server (statement protocol + spooling).

Public API: `Sandbox`, `SandboxConfig`, `RequestRecord`. The sandbox never imports the client,
export or TUI packages (the official `trino` client is its independent judge).
"""

from .config import RequestRecord, SandboxConfig
from .runtime import Sandbox

__all__ = ["Sandbox", "SandboxConfig", "RequestRecord"]
