"""Resource addresses: ``team.ml-platform``, ``project.bot/grader.politeness``.

An address is a path of ``kind.key`` segments joined by ``/``; the last segment
names the resource, the ones before it its parents. Keys may contain dots and
slashes-free characters only up to the first ``.`` separating kind and key, so
``model.llama-3.1-8b`` parses as kind ``model``, key ``llama-3.1-8b``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Address:
    kind: str
    key: str
    parent: Address | None = None

    @classmethod
    def parse(cls, text: str) -> Address:
        """Parse ``kind.key[/kind.key...]``; raises ``ValueError`` on a malformed address.

        Integration keys contain a slash (``integration.team/name``): a segment without
        a ``.`` is joined to the previous segment's key.
        """
        segments: list[list[str]] = []
        for raw in text.strip().split("/"):
            kind, dot, key = raw.partition(".")
            if dot and kind and key and kind.replace("_", "").isalpha():
                segments.append([kind, key])
            elif segments and raw:
                segments[-1][1] += "/" + raw
            else:
                raise ValueError(f"malformed address {text!r}: expected KIND.KEY[/KIND.KEY]")
        address: Address | None = None
        for kind, key in segments:
            address = cls(kind, key, address)
        assert address is not None
        return address

    @property
    def root(self) -> Address:
        return self if self.parent is None else self.parent.root

    def child(self, kind: str, key: str) -> Address:
        return Address(kind, key, self)

    def is_within(self, other: Address) -> bool:
        """True when ``other`` is this address or one of its ancestors."""
        node: Address | None = self
        while node is not None:
            if node == other:
                return True
            node = node.parent
        return False

    def __str__(self) -> str:
        own = f"{self.kind}.{self.key}"
        return own if self.parent is None else f"{self.parent}/{own}"
