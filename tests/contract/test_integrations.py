"""Integrations (notification channels) through the SDK, for every provider: create, get, list,
update (name, enabled, connection, subscriptions, delivery policy), delete; plus providers and
test_notification."""

from __future__ import annotations

import uuid

import pytest
from adaptive_sdk.error_handling import AdaptiveEntityNotFoundError
from adaptive_sdk.graphql_client.enums import DeliveryPolicy, DeliveryScope, DeliveryScopeInput, JobStatusGQL
from adaptive_sdk.graphql_client.input_types import (
    ConnectionConfigInputGitHub,
    ConnectionConfigInputSlack,
    ConnectionConfigInputSmtp,
    ConnectionConfigInputWebhook,
    JobUpdatePayload,
    NotificationPayload,
    SubscriptionInput,
)

PROVIDERS = ("slack", "smtp", "webhook", "github")


def _connection(provider: str, variant: int):
    """A connection input for the provider. ``variant`` changes a secret and, where the provider has
    one, a non-secret field, because a server may mask secrets on the read side."""
    secret = f"s3cret-{variant}"
    if provider == "slack":
        return ConnectionConfigInputSlack(webhookUrl=f"https://hooks.slack.test/{secret}", botToken=secret)
    if provider == "smtp":
        return ConnectionConfigInputSmtp(
            host=f"smtp{variant}.example.com",
            port=580 + variant,
            username="mailer",
            password=secret,
            fromEmail="noreply@example.com",
            toEmails=["ops@example.com"],
        )
    if provider == "webhook":
        return ConnectionConfigInputWebhook(
            url=f"https://hooks.example.com/in/{variant}",
            method="POST" if variant == 1 else "PUT",
            headers={"Authorization": f"Bearer {secret}"},
        )
    return ConnectionConfigInputGitHub(apiToken=secret, org="acme", repo=f"models-{variant}")


def _visible(provider: str, connection) -> tuple:
    """The non-secret read-side fields of a connection (Slack has none: both of its fields are secrets)."""
    return {
        "slack": lambda c: (),
        "smtp": lambda c: (c.host, c.port, c.username, c.from_email),
        "webhook": lambda c: (c.url, c.method),
        "github": lambda c: (c.org, c.repo),
    }[provider](connection)


EXPECTED_VISIBLE = {
    ("slack", 1): (),
    ("slack", 2): (),
    ("smtp", 1): ("smtp1.example.com", 581, "mailer", "noreply@example.com"),
    ("smtp", 2): ("smtp2.example.com", 582, "mailer", "noreply@example.com"),
    ("webhook", 1): ("https://hooks.example.com/in/1", "POST"),
    ("webhook", 2): ("https://hooks.example.com/in/2", "PUT"),
    ("github", 1): ("acme", "models-1"),
    ("github", 2): ("acme", "models-2"),
}


TYPENAMES = {
    "slack": "SlackConfig",
    "smtp": "SmtpConfig",
    "webhook": "WebhookConfig",
    "github": "GitHubConfig",
}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_integration_lifecycle(sdk, team, uniq, provider) -> None:
    name = uniq(f"{provider}-alerts")
    subscriptions = [SubscriptionInput(topicPattern="job.*", scope=DeliveryScopeInput.TEAM)]
    created = sdk.integrations.create(
        team=team,
        name=name,
        provider=provider,
        connection=_connection(provider, 1),
        subscriptions=subscriptions,
        delivery_policy="singleshot",
    )
    teams = {t.key: t for t in sdk.teams.list()}
    assert (created.name, created.enabled, str(created.team_id)) == (name, True, str(teams[team].id))
    assert created.config.provider == provider
    assert created.config.connection.typename__ == TYPENAMES[provider]
    assert _visible(provider, created.config.connection) == EXPECTED_VISIBLE[provider, 1]
    assert created.config.delivery_policy == DeliveryPolicy.singleshot
    assert created.config.notification_settings is not None
    assert [(s.topic_pattern, s.scope) for s in created.config.notification_settings.subscriptions] == [
        ("job.*", DeliveryScope.TEAM)
    ]
    provider_info = sdk.integrations.get_provider(provider)
    assert provider_info is not None
    assert set(created.capabilities) <= set(provider_info.capabilities)

    fetched = sdk.integrations.get(str(created.id))
    assert fetched is not None
    assert fetched.model_dump() == created.model_dump()
    assert str(created.id) in {str(i.id) for i in sdk.integrations.list(team=team)}

    renamed = sdk.integrations.update(str(created.id), name=f"{name}-renamed")
    assert renamed.name == f"{name}-renamed"
    assert renamed.config.model_dump() == created.config.model_dump()  # explicit nulls leave config alone
    assert renamed.enabled is True

    disabled = sdk.integrations.update(str(created.id), enabled=False)
    assert (disabled.enabled, disabled.name) == (False, f"{name}-renamed")

    rewired = sdk.integrations.update(
        str(created.id),
        connection=_connection(provider, 2),
        subscriptions=[SubscriptionInput(topicPattern="model.*", scope=DeliveryScopeInput.ORGANIZATION)],
        delivery_policy="multishot",
    )
    assert rewired.config.delivery_policy == DeliveryPolicy.multishot
    assert rewired.config.notification_settings is not None
    assert [s.topic_pattern for s in rewired.config.notification_settings.subscriptions] == ["model.*"]
    assert rewired.enabled is False
    assert _visible(provider, rewired.config.connection) == EXPECTED_VISIBLE[provider, 2]
    fetched = sdk.integrations.get(str(created.id))
    assert fetched is not None
    assert fetched.model_dump() == rewired.model_dump()

    assert sdk.integrations.delete(str(created.id)) is True
    assert sdk.integrations.get(str(created.id)) is None
    assert str(created.id) not in {str(i.id) for i in sdk.integrations.list(team=team)}


def test_create_without_subscriptions_or_policy(sdk, team, uniq) -> None:
    created = sdk.integrations.create(
        team=team,
        name=uniq("bare"),
        provider="slack",
        connection=ConnectionConfigInputSlack(webhookUrl="https://h"),
    )
    assert created.config.connection.typename__ == "SlackConfig"
    assert isinstance(created.config.connection.webhook_url, str)  # a server may mask it
    assert created.config.connection.bot_token is None
    assert isinstance(created.config.delivery_policy, DeliveryPolicy)


def test_optional_secrets_read_back_masked_and_the_sdk_parses_them(sdk, team, uniq) -> None:
    """4.11: ``SlackConfig.botToken`` is a nullable ``String`` and ``WebhookConfig.headers`` is
    ``JSON``; a masking server still returns *some* string per value. The emulator keeps the
    header names and masks every value; adaptive-plan reads only that presence."""
    token, header = "xoxb-contract-bot-token-Q7Z3", "Bearer contract-header-K9W4"
    slack = sdk.integrations.create(
        team=team, name=uniq("bot"), provider="slack",
        connection=ConnectionConfigInputSlack(webhookUrl="https://hooks.slack.test/x", botToken=token),
    )
    hook = sdk.integrations.create(
        team=team, name=uniq("hdr"), provider="webhook",
        connection=ConnectionConfigInputWebhook(
            url="https://hooks.example.com/in", method="POST", headers={"X-Token": header, "X-Empty": ""}
        ),
    )
    for read in (slack, sdk.integrations.get(str(slack.id))):
        assert read is not None
        bot = read.config.connection.bot_token
        assert isinstance(bot, str) and bot.startswith("****") and token[:-4] not in bot
    for read in (hook, sdk.integrations.get(str(hook.id))):
        assert read is not None
        headers = read.config.connection.headers
        assert isinstance(headers, dict) and sorted(headers) == ["X-Empty", "X-Token"]
        assert all(isinstance(value, str) and value.startswith("****") for value in headers.values())
        assert header[:-4] not in str(headers)


def test_smtp_read_side_fields(sdk, team, uniq) -> None:
    created = sdk.integrations.create(
        team=team, name=uniq("mail"), provider="smtp", connection=_connection("smtp", 1)
    )
    assert _visible("smtp", created.config.connection) == EXPECTED_VISIBLE["smtp", 1]


def test_integrations_are_scoped_to_a_team(sdk, team, uniq) -> None:
    other = uniq("team2")
    sdk.teams.create(key=other)
    created = sdk.integrations.create(
        team=team, name=uniq("scoped"), provider="github", connection=_connection("github", 1)
    )
    assert str(created.id) not in {str(i.id) for i in sdk.integrations.list(team=other)}


def test_update_and_get_of_a_missing_integration(sdk) -> None:
    missing = str(uuid.uuid4())
    assert sdk.integrations.get(missing) is None
    with pytest.raises(AdaptiveEntityNotFoundError):
        sdk.integrations.update(missing, name="x")


def test_update_with_a_connection_of_another_provider_is_refused_by_the_sdk(sdk, team, uniq) -> None:
    created = sdk.integrations.create(
        team=team, name=uniq("typed"), provider="slack", connection=_connection("slack", 1)
    )
    with pytest.raises(TypeError):
        sdk.integrations.update(str(created.id), connection=_connection("github", 2))


def test_providers(sdk) -> None:
    providers = {p.name: p for p in sdk.integrations.list_providers()}
    assert set(PROVIDERS) <= set(providers)
    for name in PROVIDERS:
        described = sdk.integrations.get_provider(name)
        assert described is not None
        assert described.model_dump() == providers[name].model_dump()
        assert described.capabilities
        assert described.allowed_scopes
    assert sdk.integrations.get_provider("carrier-pigeon") is None


def test_test_notification(sdk, team, project) -> None:
    fetched = sdk.projects.get(project)
    assert fetched is not None
    payload = NotificationPayload(
        jobUpdate=JobUpdatePayload(
            jobId=str(uuid.uuid4()),
            jobName="nightly-eval",
            jobStatus=JobStatusGQL.DONE,
            jobProgress=1.0,
            jobStartedAt=1_700_000_000_000,
            projectId=str(fetched.id),
            jobInput={},
            jobOutputs=[],
        )
    )
    result = sdk.integrations.test_notification(topic="job.completed", payload=payload, scope_team=team)
    assert isinstance(result.message, str)  # eventId is nullable: a server that delivers nothing sends null
