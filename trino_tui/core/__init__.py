"""trino_tui.core: the Textual-free layer every front end runs statements through."""
