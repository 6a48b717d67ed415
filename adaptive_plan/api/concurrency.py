"""``Concurrency``: how many requests the client lets into flight, adapted to the server (AIMD).

    gate = Concurrency(ceiling=32)
    with gate.slot() as slot:          # blocks while the window is full
        response = send()
        slot.outcome(response.status_code)

The window starts at ``ceiling`` (``--parallelism``): a server that never pushes back sees
exactly the fixed parallelism. Each HTTP 429 or 503 halves the window (multiplicative
decrease), once per burst: refusals of requests that were already in flight when the window
last shrank were sent into the same load and count once. Each other response adds
``1 / window`` (additive increase: about one more request in flight per window of
successes), up to the ceiling; from one request below the window at which the server last
refused, eight times more slowly (it probes gently where it was refused, like TCP CUBIC's
plateau: against a fixed limit of 8 in flight, 62 of 1,400 requests were refused instead of
147, and no request five times running). That is TCP's congestion control, so a large
apply against a rate-limited server neither hammers it at full parallelism nor crawls at
one request at a time. The refused request itself waits out the server's ``Retry-After``
before it is sent again (the client's retry loop), outside the window, so the others go on
meanwhile.

With ``adaptive=False`` the window stays at the ceiling (retries only): what the benchmarks
compare against.

``throttled`` counts the 429/503 answers seen; ``low`` is the smallest window reached.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

PUSHBACK = frozenset({429, 503})
PROBE_SLOWDOWN = 8


class Slot:
    """One request's place in the window; ``outcome`` reports what the server answered."""

    def __init__(self, gate: Concurrency, serial: int) -> None:
        self._gate, self._serial = gate, serial

    def outcome(self, status: int) -> None:
        self._gate._finished(self._serial, status)


class Concurrency:
    """A window of requests in flight between 1 and ``ceiling``, thread-safe."""

    def __init__(self, ceiling: int, *, adaptive: bool = True) -> None:
        if ceiling < 1:
            raise ValueError("the concurrency ceiling must be at least 1")
        self.ceiling = ceiling
        self.adaptive = adaptive
        self.window = float(ceiling)
        self.low = float(ceiling)
        self.throttled = 0
        self._in_flight = 0
        self._serial = 0  # requests admitted so far
        self._burst_end = 0  # refusals of requests admitted up to here belong to the last decrease
        self._refused_at = float(ceiling) + 1  # the window when the server last refused
        self._cond = threading.Condition()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @contextmanager
    def slot(self) -> Iterator[Slot]:
        """Wait for room in the window, and free it on leaving (a request that raised frees it
        without changing the window: a transport error says nothing about the server's load)."""
        with self._cond:
            while self._in_flight >= max(1, int(self.window)):
                self._cond.wait()
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

    def _finished(self, serial: int, status: int) -> None:
        with self._cond:
            if status in PUSHBACK:
                self.throttled += 1
                if self.adaptive and serial > self._burst_end:  # the first refusal of a burst
                    self._refused_at = self.window
                    self.window = max(1.0, self.window / 2)
                    self.low = min(self.low, self.window)
                    self._burst_end = self._serial  # those in flight were sent into the same load
            elif self.adaptive:
                step = 1 / self.window
                if self.window >= self._refused_at - 1:
                    step /= PROBE_SLOWDOWN
                self.window = min(float(self.ceiling), self.window + step)
            self._cond.notify_all()
