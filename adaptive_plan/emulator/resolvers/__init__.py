"""Resolvers, one module per API area, bound onto the SDL in ``schema.graphql``.

``build_schema()`` returns the executable graphql-core schema. A field without a resolver
reads the same-named key of its parent dict (graphql-core's default resolver).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from graphql import GraphQLObjectType, GraphQLSchema
from graphql import build_schema as build_sdl

from adaptive_plan.emulator.resolvers import (
    ab_campaigns,
    compute,
    datasets,
    graders,
    integrations,
    jobs,
    metrics,
    model_services,
    models,
    projects,
    recipes,
    remote_envs,
    teams_roles_users,
)

AREAS = (
    projects,
    teams_roles_users,
    models,
    model_services,
    metrics,
    graders,
    recipes,
    integrations,
    compute,
    ab_campaigns,
    datasets,
    remote_envs,
    jobs,
)


def schema_sdl() -> str:
    return resources.files("adaptive_plan.emulator").joinpath("schema.graphql").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def build_schema() -> GraphQLSchema:
    """The executable schema (built once per process; resolvers keep no state of their own)."""
    schema = build_sdl(schema_sdl())
    for area in AREAS:
        for type_name, fields in area.R.map.items():
            graphql_type = schema.type_map.get(type_name)
            if not isinstance(graphql_type, GraphQLObjectType):
                raise RuntimeError(f"resolver for unknown type {type_name} in {area.__name__}")
            for field_name, resolver in fields.items():
                if field_name not in graphql_type.fields:
                    raise RuntimeError(f"resolver for unknown field {type_name}.{field_name}")
                graphql_type.fields[field_name].resolve = resolver
    return schema
