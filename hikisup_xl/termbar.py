"""A one-line progress bar on a terminal (stdlib only): `label  [#####-----]   42%`.

Redrawn in place with a carriage return; a shorter label is padded with spaces over the longer
one before it. Widths count a full-width (Japanese) character as two columns.
"""

from __future__ import annotations

import unicodedata
from typing import TextIO

WIDTH = 36  # characters of the bar itself


def columns(text: str) -> int:
    """How many terminal columns `text` takes (full-width and wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Bar:
    """Draws progress reports (done, total, text) on `stream`; `close` ends the line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.drawn = 0  # columns of the widest line drawn so far (0: nothing drawn yet)

    def show(self, done: int, total: int, text: str) -> None:
        share = min(max(done / total, 0.0), 1.0) if total > 0 else 0.0
        filled = int(WIDTH * share)
        line = f"{text}  [{'#' * filled}{'-' * (WIDTH - filled)}]  {int(share * 100):3d}%"
        width = columns(line)
        self.stream.write("\r" + line + " " * max(0, self.drawn - width))
        self.stream.flush()
        self.drawn = max(self.drawn, width)

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
