"""The operation name a request carries: the caller's, else read from the document.

A caller that built the document knows its operation name and passes it
(``execute(..., operation_name=...)``): nothing is parsed, so a large generated document
(the live reader's) costs no client-side parse. Without a name the document is parsed once
(graphql-core, cached): one that does not parse, or that holds several operations, is
rejected with ``ValidationError`` before anything is sent.
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
    """The operation to run: ``given`` as is (the server checks it is in the document), else
    the only one in the document."""
    if given is not None:
        return given
    names = _operation_names(document)
    if len(names) != 1:
        found = "no operation" if not names else f"{len(names)} operations"
        raise ValidationError(f"the document holds {found}; pass operation_name")
    return names[0]
