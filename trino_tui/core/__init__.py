"""trino_tui.core: the Textual-free layer every front end runs statements through.

Modules (import them directly; this package imports nothing up front):
  ``run``        StatementRun — submit → columns → ordered batches → a Sink → a typed Outcome
  ``errors``     describe(exc) → ErrorReport (the one wording of every failure) and ExitCode
  ``settings``   KNOBS and resolve(flags, env, profile) → Settings (one typed shape → ClientConfig)
  ``args``       the `trino-tui` argument parser, generated from KNOBS
  ``rowstore``   the memory-bounded compact row store
  ``statements`` statement splitting, error locations, the ``LINE n:`` caret
  ``formatting`` human-readable counts, sizes, rates and durations
Front ends (tui, headless) use core and the names in ``trino_tui.client.__all__``; core imports no
Textual and nothing from a front end.
"""
