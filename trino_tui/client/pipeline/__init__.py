"""The threaded spooling pipeline: one module per stage (see pipeline.py for the wiring)."""
