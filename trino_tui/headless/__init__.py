"""Headless mode (`trino-tui --execute` / `-f` / piped stdin); never imports Textual or Rich.

Modules: args (the argparse parser and mode selection), statements (split SQL on `;`),
runner (statement loop, streaming to export writers, exit codes), progress (Trino-CLI style
status on stderr), interrupt (Ctrl-C cancels the query first), main (wiring of one run).
Entry point: `trino_tui.headless.main.run_headless(namespace) -> exit status`.
"""
