"""Progress of long work, shown by whoever runs the job (stdlib only).

A job reports through `Session.progress` (or `report` here); the front end decides where it
shows: the CLI draws a progress bar on stderr, the ribbon writes Excel's status bar. Without a
front end (tests, scripts) progress goes nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

Sink = Callable[[int, int, str], None]
_sinks: list[Sink] = []


def report(done: int, total: int, text: str) -> None:
    """`done` of `total` steps, and what is happening now (Japanese, for the clerk)."""
    for sink in _sinks[-1:]:
        sink(done, total, text)


@contextmanager
def showing(sink: Sink) -> Iterator[None]:
    """Send progress to `sink` while the block runs (the innermost sink wins)."""
    _sinks.append(sink)
    try:
        yield
    finally:
        _sinks.remove(sink)
