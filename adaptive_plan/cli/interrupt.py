"""Ctrl-C during ``apply``: the first stops the apply cleanly, the second exits at once.

The first SIGINT sets ``cancel``: the executor starts nothing more, waits for ONLINE stop,
the requests in flight end, and ``apply`` prints the report (done / failed / in flight /
not started) and exits 130. A second SIGINT while that happens exits 130 at once, saying
that steps in flight may still complete on the server. Only the main thread can install a
signal handler; elsewhere (a library caller) Python's default handling stays.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


@contextmanager
def interruptible(cancel: threading.Event, stream: IO[str]) -> Iterator[None]:
    """SIGINT sets ``cancel`` for the block; a second one ends the process with exit 130."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_interrupt(signum: int, frame: Any) -> None:
        if cancel.is_set():
            stream.write("\nInterrupted again: exiting now. Steps in flight may still complete; run plan.\n")
            stream.flush()
            os._exit(EXIT_INTERRUPTED)
        cancel.set()
        stream.write(
            "\nInterrupted: starting nothing more, letting the steps in flight end "
            "(press Ctrl-C again to exit at once).\n"
        )
        stream.flush()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
