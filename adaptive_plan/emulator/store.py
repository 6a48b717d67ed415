"""SQLite persistence for the emulator: one generic entity table plus a blob table.

Every entity is a JSON document addressed by ``(kind, id)``, with an optional natural ``key``
unique within ``(kind, scope)`` (scope is e.g. the owning project's id, ``""`` for global kinds).
One connection is shared by all threads behind a lock; a request runs inside one
``transaction()``, so a mutation commits as a whole. Imports only the stdlib.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entities (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL DEFAULT '',
    key TEXT,
    data TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS entities_key ON entities(kind, scope, key) WHERE key IS NOT NULL;
CREATE INDEX IF NOT EXISTS entities_kind ON entities(kind, scope);
CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class DuplicateKey(Exception):
    """Raised by ``insert``/``save`` when ``(kind, scope, key)`` is already taken."""


class Store:
    """Thread-safe entity store on one SQLite file (or ``:memory:`` when ``path`` is None)."""

    def __init__(self, path: str | None = None) -> None:
        self._conn = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL" if path else "PRAGMA journal_mode=MEMORY")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self._depth = 0

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Hold the store for the block; the outermost block commits (or rolls back on error)."""
        with self._lock:
            self._depth += 1
            if self._depth == 1:
                self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if self._depth == 1:
                    self._conn.execute("ROLLBACK")
                raise
            else:
                if self._depth == 1:
                    self._conn.execute("COMMIT")
            finally:
                self._depth -= 1

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Commit and let other threads in for the block (used while ``wait: true`` sleeps)."""
        with self._lock:
            depth, self._depth = self._depth, 0
            if depth:
                self._conn.execute("COMMIT")
            for _ in range(depth):
                self._lock.release()
        try:
            yield
        finally:
            for _ in range(depth):
                self._lock.acquire()
            with self._lock:
                self._depth = depth
                if depth:
                    self._conn.execute("BEGIN IMMEDIATE")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # ------------------------------------------------------------------ entities
    def get(self, kind: str, entity_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT data FROM entities WHERE kind = ? AND id = ?", (kind, entity_id)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def by_key(self, kind: str, key: str, scope: str = "") -> dict[str, Any] | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT data FROM entities WHERE kind = ? AND scope = ? AND key = ?", (kind, scope, key)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def find(self, kind: str, ref: str, scope: str = "") -> dict[str, Any] | None:
        """An entity by id or by key (the API's ``IdOrKey``)."""
        found = self.get(kind, ref)
        if found is not None and (not scope or self.scope_of(kind, ref) == scope):
            return found
        return self.by_key(kind, ref, scope)

    def scope_of(self, kind: str, entity_id: str) -> str | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT scope FROM entities WHERE kind = ? AND id = ?", (kind, entity_id)
            ).fetchone()
        return row[0] if row else None

    def list(self, kind: str, scope: str | None = None) -> list[dict[str, Any]]:
        sql, args = "SELECT data FROM entities WHERE kind = ?", [kind]
        if scope is not None:
            sql += " AND scope = ?"
            args.append(scope)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY seq", args).fetchall()
        return [json.loads(row[0]) for row in rows]

    def insert(self, kind: str, data: dict[str, Any], *, key: str | None = None, scope: str = "") -> dict:
        with self._lock:
            try:
                self._conn.execute(
                    "INSERT INTO entities (kind, id, scope, key, data) VALUES (?, ?, ?, ?, ?)",
                    (kind, data["id"], scope, key, json.dumps(data)),
                )
            except sqlite3.IntegrityError as error:
                raise DuplicateKey(key) from error
        return data

    def save(self, kind: str, data: dict[str, Any], *, key: str | None = None) -> dict[str, Any]:
        """Replace an entity's document; ``key`` (when given) also moves its natural key."""
        with self._lock:
            try:
                if key is None:
                    self._conn.execute(
                        "UPDATE entities SET data = ? WHERE kind = ? AND id = ?",
                        (json.dumps(data), kind, data["id"]),
                    )
                else:
                    self._conn.execute(
                        "UPDATE entities SET data = ?, key = ? WHERE kind = ? AND id = ?",
                        (json.dumps(data), key, kind, data["id"]),
                    )
            except sqlite3.IntegrityError as error:
                raise DuplicateKey(key) from error
        return data

    def delete(self, kind: str, entity_id: str) -> bool:
        with self._lock:
            cursor = self._conn.execute("DELETE FROM entities WHERE kind = ? AND id = ?", (kind, entity_id))
        return cursor.rowcount > 0

    # ------------------------------------------------------------------ blobs and meta
    def put_blob(self, blob_id: str, data: bytes) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO blobs (id, data) VALUES (?, ?)", (blob_id, data))

    def get_blob(self, blob_id: str) -> bytes | None:
        with self._lock:
            row = self._conn.execute("SELECT data FROM blobs WHERE id = ?", (blob_id,)).fetchone()
        return bytes(row[0]) if row else None

    def delete_blobs(self, prefix: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM blobs WHERE id LIKE ?", (prefix + "%",))

    def get_meta(self, name: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_meta(self, name: str, value: str) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))


def hash_key(api_key: str) -> str:
    """API keys are stored only as this sha256 hex digest."""
    return hashlib.sha256(api_key.encode()).hexdigest()
