"""What importing each layer really loads (a fresh interpreter per case, read from sys.modules).

Complements the static contracts of tests/test_layering.py: lazy imports are allowed by the AST
there, so this checks that they stay lazy — importing the client's types or the export writers
loads no httpx, the TUI's start-up loads no headless code, and so on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def loaded(code: str) -> set[str]:
    """Top modules + trino_tui submodules in sys.modules after running *code* in a new interpreter."""
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def has(mods: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in mods)


@pytest.mark.parametrize("code, absent", [
    ("import trino_tui.client", ("httpx", "textual", "trino_tui.client.pipeline", "trino_tui.client.transport")),
    ("from trino_tui.client import TrinoType, Column, parse_columns", ("httpx", "textual", "trino_tui.client.pipeline")),
    ("import trino_tui.export", ("httpx", "textual", "trino_tui.client.pipeline", "trino_tui.core")),
    ("import trino_tui.core.run, trino_tui.core.errors, trino_tui.core.settings, trino_tui.core.args, "
     "trino_tui.core.rowstore, trino_tui.core.statements, trino_tui.core.formatting",
     ("textual", "trino_tui.tui", "trino_tui.headless", "httpx")),
    ("import trino_tui.sandbox", ("textual", "trino_tui.client", "trino_tui.core", "trino_tui.export")),
    ("import trino_tui.headless.main", ("textual", "trino_tui.tui")),
    ("import trino_tui.tui.app", ("trino_tui.headless",)),
])
def test_importing_a_layer_loads_only_what_it_needs(code: str, absent: tuple[str, ...]) -> None:
    mods = loaded(code)
    assert has(mods, code.split()[1].rstrip(",").split(",")[0])  # the probe imported something real
    assert [name for name in absent if has(mods, name)] == []


def test_the_client_loads_its_pipeline_when_a_client_is_used() -> None:
    mods = loaded("from trino_tui.client import TrinoClient")
    assert has(mods, "httpx")  # the probe above can fail: laziness is not an accident


def test_starting_the_tui_parses_flags_without_headless_code() -> None:
    code = (
        "import trino_tui.cli as cli, trino_tui.core.args as a, trino_tui.tui.app as app\n"
        "a.run_mode = lambda ns, stdin_is_tty=None: a.Mode.TUI\n"
        "seen = {}\n"
        "app.run_tui = lambda settings, **kw: seen.setdefault('server', settings.server) and 0\n"
        "assert cli.main(['--server', 'http://127.0.0.1:9', '--catalog', 'tpch']) == 0, seen\n"
        "assert seen['server'] == 'http://127.0.0.1:9'\n"
    )
    mods = loaded(code)
    assert has(mods, "trino_tui.tui.app") and not has(mods, "trino_tui.headless")


TUI_START = '''
import asyncio, pathlib, tempfile
from trino_tui.core.settings import TUI_DEFAULTS, resolve
from trino_tui.explore.workspace import Workspace
from trino_tui.tui.app import TrinoTuiApp
from trino_tui.tui.explore_actions import default_metadata_runner

settings = resolve({"server": "http://127.0.0.1:9", "user": "u"}, env={}, defaults=TUI_DEFAULTS)

async def start() -> None:
    app = TrinoTuiApp(settings, initial_sql="SELECT 1;\\nSELECT 2",
                      workspace=Workspace(default_metadata_runner, state_dir=pathlib.Path(tempfile.mkdtemp())))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        editor = app.query_one("#editor")
        # highlighting is switched on after the first frame, the cursor (below the sample) kept
        assert editor.language == "sql" and editor.is_syntax_aware, editor.language
        assert editor.cursor_location == editor.document.end, editor.cursor_location

asyncio.run(start())
'''


def test_the_tui_start_loads_no_network_stack_headless_code_or_unopened_screens() -> None:
    """Composing and mounting the app (catalog browser, completion, history included) loads no
    httpx (the first client does), no headless code, no DuckDB, no OAuth2 and no screen but the
    login dialog's installer."""
    mods = loaded(TUI_START)
    assert has(mods, "trino_tui.tui.app") and has(mods, "textual")
    absent = ("httpx", "trino_tui.client.query", "trino_tui.client.transport", "trino_tui.client.oauth2",
              "trino_tui.client.kerberos", "webbrowser", "keyring", "trino_tui.headless", "duckdb",
              "trino_tui.sandbox", "trino_tui.core.secrets")
    screens = ("cell_viewer", "export_dialog", "help", "history", "path_prompt", "plan", "prompt",
               "query_details", "replay")
    assert [m for m in absent + tuple(f"trino_tui.tui.screens.{s}" for s in screens) if has(mods, m)] == []


FREEZE_PROBE = '''
import gc, sys
import trino_tui.cli as cli
{setup}
sys.argv = ["trino-tui", "--version"]
frozen = gc.get_freeze_count()
code = cli.main({argv})
print(code, gc.get_freeze_count() > frozen)
'''


@pytest.mark.parametrize("setup, argv, frozen", [
    ("", "", "True"),             # the program entry: what is left is frozen out of the exit-time GC
    ("", "['--version']", "False"),  # called with argv (tests, embedding): the process goes on
    ("import duckdb", "", "False"),  # after DuckDB ran: its bindings would report the uncollected as leaks
])
def test_the_program_entry_freezes_the_gc_before_exit(setup: str, argv: str, frozen: str) -> None:
    out = subprocess.run([sys.executable, "-c", FREEZE_PROBE.format(setup=setup, argv=argv)], cwd=PROJECT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == ["0", frozen]
