"""trino_tui.explore: catalog metadata cache, completion, history and buffers; no Textual."""
