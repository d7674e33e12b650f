"""trino-tui: a terminal client for Trino with a parallel spooling pipeline."""

__version__ = "0.1.0"
