"""Request counters for tests and benchmarks (no GraphQL import, so /health can answer early)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Stats:
    """Counters for tests and benchmarks: every HTTP request, and GraphQL operation names in order."""

    http_requests: int = 0
    operations: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, operation: str | None = None) -> None:
        with self._lock:
            if operation is None:
                self.http_requests += 1
            else:
                self.operations.append(operation)

    def reset(self) -> None:
        with self._lock:
            self.http_requests = 0
            self.operations.clear()
