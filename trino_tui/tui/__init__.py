"""The Textual front end.

Importing the package caps Textual's frame rate at 120 per second instead of its default 60
(``TEXTUAL_FPS``, read once when Textual is first imported; a value the user set wins): a keypress
then waits at most ~8 ms for the next frame instead of ~17 ms, and a frame that lands just before a
key (a catalog level arriving, rows streaming) delays it less. Frames are still drawn only when
something changed.
"""

import os as _os

_os.environ.setdefault("TEXTUAL_FPS", "120")
