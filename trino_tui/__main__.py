"""`python -m trino_tui`: same as the `trino-tui` command."""

import sys

from trino_tui.cli import main

if __name__ == "__main__":
    sys.exit(main())
