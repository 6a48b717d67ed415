"""Shared constants for the contract tests (no fixtures here; those live in conftest.py)."""

from __future__ import annotations

from adaptive_sdk.error_handling import AdaptiveEntityNotFoundError
from adaptive_sdk.graphql_client.exceptions import GraphQLClientGraphQLMultiError

# What the SDK raises when the server answers a request with GraphQL errors.
API_ERRORS = (GraphQLClientGraphQLMultiError, AdaptiveEntityNotFoundError)
