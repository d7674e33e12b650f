"""`python -m trino_tui.sandbox [flags]`: run the sandbox server (see trino_tui.sandbox.cli)."""

import sys

from .cli import main

sys.exit(main())
