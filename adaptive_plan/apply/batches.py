"""Which ready steps apply sends together in one request (``api.batch``), and how many.

A step may join a batch when a lost or unclear answer can be settled by running it again
alone: it is idempotent, or a probe can tell whether it happened, or it removes something
(``absent_ok``: "not found" is success). It must also send no file, wait for no poll, and
no other step may read its response (``output_of``): a batch answer that does not tell a
call's outcome gives no response to read. Calls of the same document are batched, so the
request keeps that operation's name.

Sizing: when more steps are ready than there are free request slots, the ready steps are
spread over the free slots (at most ``size`` calls and ``BODY_BUDGET`` bytes of variables a
request); with slots to spare, each step goes alone, as fast as a batch and simpler to read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from adaptive_plan.api.batch import template
from adaptive_plan.model.plan import OUTPUT_REF, Step

DEFAULT_BATCH_SIZE = 20
BODY_BUDGET = 64 * 1024  # bytes of variables in one request: the request stays far under 256 KB


def read_by_others(steps: Iterable[Step]) -> frozenset[str]:
    """Ids of the steps whose response a later step reads through ``output_of``."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            ref = value.get(OUTPUT_REF)
            if isinstance(ref, dict) and "step" in ref:
                found.add(str(ref["step"]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for step in steps:
        walk(step.variables)
    return frozenset(found)


def can_batch(step: Step, read: frozenset[str]) -> bool:
    settles = step.idempotent or step.probe is not None or step.absent_ok
    plain = not step.uploads and not step.chunked and step.poll is None and step.id not in read
    return settles and plain and template(step.document) is not None


class Batcher:
    """Picks, from the ready queue, the steps to send with the one at its head."""

    def __init__(self, steps: Mapping[str, Step], size: int) -> None:
        self.size = max(1, size)
        read = read_by_others(steps.values()) if self.size > 1 else frozenset()
        self._batchable = {
            step_id for step_id, step in steps.items() if self.size > 1 and can_batch(step, read)
        }
        self._steps = steps
        self._bytes: dict[str, int] = {}

    def companions(
        self, head: Step, ready: list[str], free_slots: int, joinable: Callable[[Step], bool]
    ) -> list[Step]:
        """Steps taken out of ``ready`` to go in ``head``'s request (often none)."""
        if head.id not in self._batchable or not ready:
            return []
        wanted = min(self.size, math.ceil((len(ready) + 1) / max(1, free_slots))) - 1
        budget = BODY_BUDGET - self._size(head)
        taken: list[Step] = []
        for step_id in list(ready):
            if len(taken) >= wanted:
                break
            step = self._steps[step_id]
            if step_id not in self._batchable or step.document != head.document or not joinable(step):
                continue
            cost = self._size(step)
            if cost > budget:
                break
            budget -= cost
            taken.append(step)
            ready.remove(step_id)
        return taken

    def _size(self, step: Step) -> int:
        if step.id not in self._bytes:
            self._bytes[step.id] = len(json.dumps(step.variables, default=str))
        return self._bytes[step.id]
