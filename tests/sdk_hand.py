"""The official SDK's own generated GraphQL client, for API operations it has no public method for.

``adaptive_sdk`` 0.14.2 lists every root field in ``custom_mutations.py`` / ``custom_queries.py``
with typed builders (``Mutation.create_tool_provider(...)``) and runs them through
``Adaptive._gql_client``. Tests use these to make objects out of band where ``sdk.projects`` /
``sdk.models`` offer nothing: tool providers, a service's display name, tool providers and
system prompt template, a project's settings, metadata and widgets, a model's published/stable
flags. Still the official client with its own argument types, never a hand-written request.
"""

from __future__ import annotations

from typing import Any

from adaptive_sdk.graphql_client import custom_fields as fields
from adaptive_sdk.graphql_client import input_types
from adaptive_sdk.graphql_client.custom_mutations import Mutation
from adaptive_sdk.graphql_client.custom_queries import Query
from adaptive_sdk.graphql_client.enums import Protocol

TOOL_FIELDS = (
    fields.ToolProviderFields.id,
    fields.ToolProviderFields.key,
    fields.ToolProviderFields.name,
    fields.ToolProviderFields.uri,
    fields.ToolProviderFields.protocol,
)


def _mutate(sdk: Any, field: Any, name: str) -> dict[str, Any]:
    return sdk._gql_client.mutation(field, operation_name=name)


def _query(sdk: Any, field: Any, name: str) -> dict[str, Any]:
    return sdk._gql_client.query(field, operation_name=name)


# ---------------------------------------------------------------------------- tool providers
def create_tool_provider(sdk: Any, project: str, key: str, uri: str, name: str | None = None) -> dict:
    made = input_types.CreateToolProviderInput(key=key, name=name or key, uri=uri, protocol=Protocol.HTTP)
    field = Mutation.create_tool_provider(project, made).fields(*TOOL_FIELDS)
    return _mutate(sdk, field, "HandCreateToolProvider")["createToolProvider"]


def update_tool_provider(sdk: Any, project: str, key: str, **values: Any) -> dict:
    change = input_types.UpdateToolProviderInput(**values)
    field = Mutation.update_tool_provider(key, project, change).fields(*TOOL_FIELDS)
    return _mutate(sdk, field, "HandUpdateToolProvider")["updateToolProvider"]


def delete_tool_provider(sdk: Any, project: str, key: str) -> bool:
    field = Mutation.delete_tool_provider(key, project)
    return _mutate(sdk, field, "HandDeleteToolProvider")["deleteToolProvider"]


def tool_provider(sdk: Any, project: str, key: str) -> dict | None:
    field = Query.tool_provider(key, project).fields(*TOOL_FIELDS)
    return _query(sdk, field, "GetToolProvider")["toolProvider"]


def tool_providers(sdk: Any, project: str) -> list[dict]:
    field = Query.project(project).fields(fields.ProjectFields.tool_providers().fields(*TOOL_FIELDS))
    return _query(sdk, field, "ListToolProviders")["project"]["toolProviders"]


# ---------------------------------------------------------------------------- model services
def update_service(sdk: Any, project: str, model: str, **values: Any) -> dict:
    """``updateModelService`` with the given ``UpdateModelService`` fields (snake_case names)."""
    change = input_types.UpdateModelService(project=project, modelService=model, **values)
    field = Mutation.update_model_service(change).fields(
        fields.ModelServiceFields.key,
        fields.ModelServiceFields.name,
        fields.ModelServiceFields.tool_providers().fields(fields.ToolProviderFields.key),
        fields.ModelServiceFields.system_prompt_template().fields(
            fields.SystemPromptTemplateFields.id, fields.SystemPromptTemplateFields.name
        ),
    )
    return _mutate(sdk, field, "HandUpdateService")["updateModelService"]


def service(sdk: Any, project: str, model: str) -> dict | None:
    field = Query.project(project).fields(
        fields.ProjectFields.model_service(model).fields(
            fields.ModelServiceFields.key,
            fields.ModelServiceFields.name,
            fields.ModelServiceFields.tool_providers().fields(fields.ToolProviderFields.key),
            fields.ModelServiceFields.system_prompt_template().fields(
                fields.SystemPromptTemplateFields.id,
                fields.SystemPromptTemplateFields.name,
                fields.SystemPromptTemplateFields.template,
                fields.SystemPromptTemplateFields.arguments,
            ),
        )
    )
    return _query(sdk, field, "DescribeService")["project"]["modelService"]


# ---------------------------------------------------------------------------- projects, models
def update_project(sdk: Any, project: str, **values: Any) -> dict:
    """``updateProject`` with ``ProjectUpdate`` fields (``settings``, ``metadata``, ``widgets`` ...)."""
    field = Mutation.update_project(project, input_types.ProjectUpdate(**values)).fields(
        fields.ProjectFields.key
    )
    return _mutate(sdk, field, "HandUpdateProject")["updateProject"]


def project_settings(sdk: Any, project: str) -> dict:
    """The project's readable settings: default metric key, metadata and widgets."""
    field = Query.project(project).fields(
        fields.ProjectFields.settings().fields(
            fields.SettingsFields.default_metric().fields(fields.MetricWithContextFields.key)
        ),
        fields.ProjectFields.metadata().fields(
            fields.ProjectMetadataFields.emoji().fields(fields.EmojiFields.native),
            fields.ProjectMetadataFields.image_key,
        ),
        fields.ProjectFields.widgets().fields(
            fields.WidgetFields.title,
            fields.WidgetFields.metric,
            fields.WidgetFields.aggregation,
            fields.WidgetFields.unit().fields(
                fields.UnitConfigFields.symbol, fields.UnitConfigFields.position
            ),
        ),
    )
    return _query(sdk, field, "DescribeProjectSettings")["project"]


def set_model_flags(sdk: Any, model: str, **flags: bool) -> dict:
    """``updateModel`` (``published`` / ``stable``)."""
    field = Mutation.update_model(input_types.UpdateModelInput(model=model, **flags)).fields(
        fields.ModelFields.key, fields.ModelFields.is_published, fields.ModelFields.is_stable
    )
    return _mutate(sdk, field, "HandModelFlags")["updateModel"]


# ---------------------------------------------------------------------------- roles, metrics, graders
def update_role(sdk: Any, role: str, **values: Any) -> dict:
    """``updateRole`` (``name`` / ``permissions``: the whole set)."""
    field = Mutation.update_role(input_types.RoleUpdate(role=role, **values)).fields(
        fields.RoleFields.key, fields.RoleFields.permissions
    )
    return _mutate(sdk, field, "HandUpdateRole")["updateRole"]


def update_metric(sdk: Any, project: str, metric: str, **values: Any) -> dict:
    """``updateMetric`` (``name`` / ``description`` / ``scoring_type``)."""
    field = Mutation.update_metric(project, metric, input_types.MetricUpdate(**values)).fields(
        fields.MetricFields.key
    )
    return _mutate(sdk, field, "HandUpdateMetric")["updateMetric"]


def update_grader(sdk: Any, project: str, grader: str, **values: Any) -> dict:
    """``updateGrader`` (``name`` here; a config change needs its type's whole input)."""
    field = Mutation.update_grader(project, grader, input_types.GraderUpdateInput(**values)).fields(
        fields.GraderFields.key, fields.GraderFields.name
    )
    return _mutate(sdk, field, "HandUpdateGrader")["updateGrader"]


def update_user(sdk: Any, user: str, **values: Any) -> dict:
    """``updateUser`` (``name``; ``add_teams`` / ``remove_teams``)."""
    field = Mutation.update_user(user, input_types.UserUpdate(**values)).fields(fields.UserFields.email)
    return _mutate(sdk, field, "HandUpdateUser")["updateUser"]


def update_project_emoji(sdk: Any, project: str, emoji: str) -> dict:
    """``updateProject`` with only ``metadata.emoji`` (the API replaces ``metadata`` whole)."""
    metadata = input_types.ProjectMetadataInput(emoji=input_types.EmojiInput(native=emoji))
    return update_project(sdk, project, metadata=metadata)


def model_flags(sdk: Any, model: str) -> dict:
    """A model's ``isPublished`` / ``isStable``."""
    field = Query.model(model).fields(
        fields.ModelFields.key, fields.ModelFields.is_published, fields.ModelFields.is_stable
    )
    return _query(sdk, field, "DescribeModelFlags")["model"]
