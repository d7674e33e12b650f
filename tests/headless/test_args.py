"""Command-line flags: parsing, validation (exit 2, one line), help, version, mode selection."""

from __future__ import annotations

import pytest

from trino_tui import __version__
from trino_tui.cli import main
from trino_tui.core.args import Mode, parse_args, run_mode
from trino_tui.core.settings import resolve


def test_defaults() -> None:
    ns = parse_args([])
    assert (ns.output_format, ns.progress, ns.execute, ns.file) == ("CSV", None, None, None)
    assert run_mode(ns, stdin_is_tty=True) is Mode.TUI
    assert run_mode(ns, stdin_is_tty=False) is Mode.HEADLESS  # SQL piped on stdin


def test_trino_cli_flags_reach_the_client_config() -> None:
    ns = parse_args([
        "--server", "https://c:8443", "--user", "u", "--catalog", "tpch", "--schema", "tiny",
        "--session", "a=1", "--session", "b=2", "--client-tags", "x,y", "--source", "s", "--timezone", "UTC",
        "--extra-header", "X-A: 1", "--extra-header", "X-B: 2", "--insecure", "--encoding", "json+lz4,json",
        "--downloaders", "7", "--decoders", "2", "--max-out-of-order", "3", "--request-timeout", "1m", "--client-request-timeout", "5s",
        "--network-logging", "headers", "--execute", "SELECT 1", "--output-format", "csv_header",
        "--output-file", "o.csv", "--no-progress", "--theme", "trino-dark",
    ])
    assert run_mode(ns, stdin_is_tty=True) is Mode.HEADLESS
    assert (ns.output_format, ns.output_file, ns.progress, ns.theme) == ("CSV_HEADER", "o.csv", False, "trino-dark")
    c = resolve(ns, env={}).client
    assert (c.server, c.user, c.catalog, c.schema, c.verify) == ("https://c:8443", "u", "tpch", "tiny", False)
    assert dict(c.session_properties) == {"a": "1", "b": "2"} and dict(c.extra_headers) == {"X-A": "1", "X-B": "2"}
    assert (c.client_tags, c.source, c.timezone) == (("x", "y"), "s", "UTC")
    assert (c.encoding, c.downloaders, c.decoders, c.max_out_of_order) == (("json+lz4", "json"), 7, 2, 3)
    assert (c.request_timeout, c.retry_budget, c.network_logging) == (60.0, 5.0, "HEADERS")


@pytest.mark.parametrize("fmt", ["csv", "CSV_UNQUOTED", "tsv_header", "Json", "markdown", "ALIGNED", "vertical", "null"])
def test_output_formats_are_case_insensitive(fmt: str) -> None:
    assert parse_args(["-e", "x", "--output-format", fmt]).output_format == fmt.upper()


@pytest.mark.parametrize("argv, fragment", [
    (["--output-format", "XML"], "invalid output format 'XML'"),
    (["--execute", "x", "-f", "y"], "not allowed with argument"),
    (["--direct", "--encoding", "json"], "--direct and --encoding are mutually exclusive"),
    (["--insecure", "--cafile", "x"], "--insecure and --cafile are mutually exclusive"),
    (["--sandbox", "--server", "http://x"], "--sandbox and --server (or a URL) are mutually exclusive"),
    (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
])
def test_bad_flags_exit_2_with_one_line(capsys, argv, fragment) -> None:
    assert main([*argv, "-e", "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("trino-tui: error: ") and fragment in err


@pytest.mark.parametrize("argv, fragment", [
    (["--network-logging", "LOUD"], "Invalid network logging level 'LOUD'"),
    (["--downloaders", "0"], "must be at least 1"),
    (["--decoders", "two"], "invalid integer 'two'"),
    (["--encoding", "gzip"], "Unknown encoding 'gzip'"),
    (["--session", "novalue"], "novalue"),
])
def test_invalid_values_found_after_parsing_exit_2(capsys, argv, fragment) -> None:
    assert main([*argv, "--server", "http://127.0.0.1:9", "-e", "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Invalid configuration: ") and fragment in err, err


def test_help_is_grouped_and_version_prints(capsys) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for group in ("connection:", "session:", "protocol and pipeline:", "headless statements and output:", "TUI:"):
        assert group in out
    for flag in ("--execute", "--output-format", "--network-logging", "--sandbox", "--encoding", "--progress"):
        assert flag in out
    assert "130 interrupted, 143 terminated, 129 hangup" in out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"trino-tui {__version__}"


def test_missing_statement_file_exits_2(capsys, tmp_path) -> None:
    assert main(["-f", str(tmp_path / "nope.sql")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"Cannot read {tmp_path / 'nope.sql'}")


def test_empty_script_does_nothing(capsys) -> None:
    assert main(["--execute", " ; -- nothing\n", "--server", "http://127.0.0.1:9"]) == 0
    assert capsys.readouterr() == ("", "")


def test_sandbox_subcommand_is_dispatched_to_the_sandbox_cli(capsys) -> None:
    assert main(["sandbox", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: trino-tui sandbox") and "--storage-latency" in out and "--fault-expire-after" in out
    assert main(["sandbox", "--bogus"]) == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err
