"""``Concurrency``: how many requests the client lets into flight, adapted to the server (AIMD).

    gate = Concurrency(ceiling=32)
    with gate.slot() as slot:          # blocks while the window is full or the server said wait
        response = send()
        slot.outcome(response.status_code, retry_after)

The window starts at ``ceiling`` (``--parallelism``): a server that never pushes back sees
exactly the fixed parallelism. Each HTTP 429 or 503 halves the window (multiplicative
decrease, at most once per window's worth of requests, so one burst of refusals counts once)
and, with a ``Retry-After``, holds every new request until that time: the server asked the
client to wait, not only the one request. Each other response adds ``1 / window`` (additive
increase: about one more request in flight per window of successes), up to the ceiling.
That is TCP's congestion control, so a large apply against a rate-limited server neither
hammers it at full parallelism nor crawls at one request at a time.

``throttled`` counts the 429/503 answers seen; ``low`` is the smallest window reached.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

PUSHBACK = frozenset({429, 503})


class Slot:
    """One request's place in the window; ``outcome`` reports what the server answered."""

    def __init__(self, gate: Concurrency, serial: int) -> None:
        self._gate, self._serial = gate, serial

    def outcome(self, status: int, retry_after: float | None = None) -> None:
        self._gate._finished(self._serial, status, retry_after)


class Concurrency:
    """A window of requests in flight between 1 and ``ceiling``, thread-safe."""

    def __init__(self, ceiling: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if ceiling < 1:
            raise ValueError("the concurrency ceiling must be at least 1")
        self.ceiling = ceiling
        self.window = float(ceiling)
        self.low = float(ceiling)
        self.throttled = 0
        self._clock = clock
        self._in_flight = 0
        self._serial = 0  # requests admitted so far
        self._recovered_at = 0  # serial after which a new refusal may shrink the window again
        self._resume_at = 0.0  # no new request before this time (Retry-After)
        self._cond = threading.Condition()

    @contextmanager
    def slot(self) -> Iterator[Slot]:
        """Wait for room in the window, and free it on leaving (a request that raised frees it
        without changing the window: a transport error says nothing about the server's load)."""
        with self._cond:
            while True:
                pause = self._resume_at - self._clock()
                if pause <= 0 and self._in_flight < max(1, int(self.window)):
                    break
                self._cond.wait(timeout=pause if pause > 0 else None)
            self._in_flight += 1
            self._serial += 1
            serial = self._serial
        slot = Slot(self, serial)
        try:
            yield slot
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()

    def _finished(self, serial: int, status: int, retry_after: float | None) -> None:
        with self._cond:
            if status in PUSHBACK:
                self.throttled += 1
                if serial > self._recovered_at:  # the first refusal of this burst
                    self.window = max(1.0, self.window / 2)
                    self.low = min(self.low, self.window)
                    self._recovered_at = self._serial  # those in flight were sent into the same load
                if retry_after:
                    self._resume_at = max(self._resume_at, self._clock() + retry_after)
            else:
                self.window = min(float(self.ceiling), self.window + 1 / self.window)
            self._cond.notify_all()
