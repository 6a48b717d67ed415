"""Request counters for tests and benchmarks (no GraphQL import, so /health can answer early)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Stats:
    """Counters for tests and benchmarks: every HTTP request and connection, GraphQL operation names in order
    and, at the same positions, the size in bytes of each GraphQL request body (``body_sizes``)
    and of its answer (``answer_sizes``, 0 for a request not answered) and the number of root
    fields it asked for (``root_fields``: more than one for a batch of calls, 0 until the document
    parsed), and REST calls (``METHOD /api/v1/path``, no query) in order (``rest``)."""

    http_requests: int = 0
    connections: int = 0
    operations: list[str] = field(default_factory=list)
    body_sizes: list[int] = field(default_factory=list)
    answer_sizes: list[int] = field(default_factory=list)
    root_fields: list[int] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, operation: str | None = None, body_size: int = 0) -> int:
        """Count an HTTP request (no ``operation``) or a GraphQL one; returns the latter's
        position, for ``answered``."""
        with self._lock:
            if operation is None:
                self.http_requests += 1
                return -1
            self.operations.append(operation)
            self.body_sizes.append(body_size)
            self.answer_sizes.append(0)
            self.root_fields.append(0)
            return len(self.operations) - 1

    def connected(self) -> None:
        """Count a new client connection (a client that keeps its connections alive opens few)."""
        with self._lock:
            self.connections += 1

    def answered(self, position: int, size: int) -> None:
        with self._lock:
            if 0 <= position < len(self.answer_sizes):
                self.answer_sizes[position] = size

    def parsed(self, position: int, root_fields: int) -> None:
        with self._lock:
            if 0 <= position < len(self.root_fields):
                self.root_fields[position] = root_fields

    def fields_per_request(self, operation: str, since: int = 0) -> list[int]:
        """Root fields each request of ``operation`` from position ``since`` asked for (more
        than one: a batch of calls), in order."""
        with self._lock:
            rows = zip(self.operations[since:], self.root_fields[since:], strict=True)
            return [fields for name, fields in rows if name == operation]

    def calls(self, operation: str, since: int = 0) -> int:
        """Calls of ``operation`` from position ``since``: each call of a batch counts once."""
        return sum(self.fields_per_request(operation, since))

    def sizes(self, operation: str) -> list[tuple[int, int]]:
        """(request body, answer) sizes in bytes of one operation's requests, in order."""
        with self._lock:
            rows = zip(self.operations, self.body_sizes, self.answer_sizes, strict=True)
            return [(body, answer) for name, body, answer in rows if name == operation]

    def record_rest(self, call: str) -> None:
        with self._lock:
            self.rest.append(call)

    def reset(self) -> None:
        with self._lock:
            self.http_requests = 0
            self.connections = 0
            self.operations.clear()
            self.body_sizes.clear()
            self.answer_sizes.clear()
            self.root_fields.clear()
            self.rest.clear()
