"""Headless mode (`trino-tui --execute` / `-f` / piped stdin); never imports Textual or Rich.

Modules: main (wiring of one run: statements, optional sandbox, settings, client), runner (each
statement through `core.run.StatementRun`, rows streamed to an export writer, exit codes from
`core.errors`), progress (Trino-CLI style status on stderr, retries included), interrupt
(SIGINT/SIGTERM/SIGHUP cancel the query first). The command line is `trino_tui.core.args`.
Entry point: `trino_tui.headless.main.run_headless(namespace) -> exit status`.
"""
