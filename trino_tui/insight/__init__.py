"""trino_tui.insight: spooling diagnostics (doctor, bench, traces, bottleneck verdict); no Textual."""
