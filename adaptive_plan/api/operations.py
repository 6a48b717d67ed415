"""Read a GraphQL document once: its operation name (graphql-core ``parse``), cached.

A document that does not parse, or that holds several operations without a chosen name,
is rejected here with ``ValidationError`` before anything is sent.
"""

from __future__ import annotations

from functools import lru_cache

from graphql import GraphQLSyntaxError, OperationDefinitionNode, parse

from adaptive_plan.api.errors import ValidationError


@lru_cache(maxsize=512)
def _operation_names(document: str) -> tuple[str | None, ...]:
    try:
        tree = parse(document, no_location=True)
    except GraphQLSyntaxError as error:
        raise ValidationError(f"invalid GraphQL document: {error.message}") from None
    return tuple(
        node.name.value if node.name else None
        for node in tree.definitions
        if isinstance(node, OperationDefinitionNode)
    )


def operation_name(document: str, given: str | None = None) -> str | None:
    """The operation to run: ``given`` if it is in the document, else the only one there."""
    names = _operation_names(document)
    if given is not None:
        if given not in names:
            raise ValidationError(f"operation {given!r} is not in the document", operation=given)
        return given
    if len(names) != 1:
        found = "no operation" if not names else f"{len(names)} operations"
        raise ValidationError(f"the document holds {found}; pass operation_name")
    return names[0]
