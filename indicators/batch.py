"""Pausing Python's cyclic garbage collector while one batch of values is checked and written.

Why: a 10 000-row import creates about a million small objects (cells, entries, outcomes,
audit rows) that all stay alive until the batch ends. Each time enough of them have been
allocated, the cyclic collector walks the young objects and, every so often, the whole heap
(Streamlit, pandas, SQLAlchemy) and finds nothing to free: a third of the import's time
(``python cli.py bench``, "import av 10 000 rader"). Reference counting still frees every
object as usual; only the search for reference cycles waits until the batch is done.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_depth = 0  # batches running now, in any thread: the collector is one per process
_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Within the block the cyclic collector does not run (nested and concurrent batches
    share one pause); afterwards it is as it was before the first batch began."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
