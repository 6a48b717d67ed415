"""Fault injection for reliability tests and benchmarks.

``Faults`` holds rates (applied at random with ``random.Random(seed)``), targeted,
deterministic faults keyed by GraphQL operation name, and ``max_in_flight``: a server's
concurrency limit (a request arriving while that many are being served is answered 429 with
``Retry-After: retry_after_s``, as a rate-limited server would). Settings can change while the server
runs; ``decide`` is thread-safe. Faults never apply to ``/health``.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Decision:
    """What to do with one request: ``kind`` is none, fail, throttle or drop."""

    kind: str = "none"
    status: int = 200
    message: str = ""
    retry_after_s: float = 0.0


NONE = Decision()


@dataclass
class Faults:
    latency_ms: float = 0.0
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    retry_after_s: float = 1.0
    drop_after_commit_rate: float = 0.0
    max_in_flight: int = 0
    seed: int | None = None
    throttled: int = field(default=0, repr=False)  # requests answered 429 so far
    _in_flight: int = field(default=0, repr=False)
    _failures: dict[str, list[tuple[int, str]]] = field(default_factory=dict, repr=False)
    _drops: dict[str, int] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _rng: random.Random | None = field(default=None, repr=False)

    def fail_operation(
        self, operation_name: str, times: int = 1, status: int = 500, message: str = "Injected failure"
    ) -> None:
        """Answer the next ``times`` requests of that operation with ``status`` without executing
        them (status 200 means a GraphQL error with ``message``)."""
        with self._lock:
            self._failures.setdefault(operation_name, []).extend([(status, message)] * times)

    def drop_after_commit(self, operation_name: str, times: int = 1) -> None:
        """Execute and commit the next ``times`` requests of that operation, then close the
        connection without a response."""
        with self._lock:
            self._drops[operation_name] = self._drops.get(operation_name, 0) + times

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()
            self._drops.clear()

    def enter(self) -> Decision:
        """Count a request in (pair with ``leave``); a throttle when it exceeds ``max_in_flight``."""
        with self._lock:
            self._in_flight += 1
            if self.max_in_flight and self._in_flight > self.max_in_flight:
                self.throttled += 1
                return Decision("throttle", 429, "Too many concurrent requests", self.retry_after_s)
        return NONE

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _random(self) -> float:
        if self._rng is None:
            self._rng = random.Random(self.seed)
        return self._rng.random()

    def before(self, operation_name: str | None) -> Decision:
        """The fault (if any) to apply before executing a request."""
        with self._lock:
            queued = self._failures.get(operation_name or "")
            if queued:
                status, message = queued.pop(0)
                return Decision("fail", status, message)
            if self.throttle_rate and self._random() < self.throttle_rate:
                self.throttled += 1
                return Decision("throttle", 429, "Too many requests", self.retry_after_s)
            if self.error_rate and self._random() < self.error_rate:
                return Decision("fail", 503, "Injected server error")
        return NONE

    def after_commit(self, operation_name: str | None, is_mutation: bool) -> bool:
        """True when the connection must be dropped after the request committed."""
        with self._lock:
            if self._drops.get(operation_name or "", 0) > 0:
                self._drops[operation_name or ""] -= 1
                return True
            return bool(
                is_mutation and self.drop_after_commit_rate and self._random() < self.drop_after_commit_rate
            )
