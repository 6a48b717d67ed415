"""Integrations (ADAPTIVE_API.md 4.11): address ``integration.TEAM/NAME``.

The API identifies an integration by its UUID only and ``createIntegration`` is not
idempotent, so (team, name) is our natural key: ``from_live`` matches on it, the id goes in
``identity`` for updates and deletes, and the create carries a probe that lists the team's
integrations and looks for the name before any re-send.

Attrs: ``provider``; ``enabled``; ``connection`` (the readable, non-secret fields, only the
declared ones managed: smtp host/port/username/from_email, webhook url/method, github
org/repo); ``secrets`` (write-only credentials: slack webhook_url/bot_token, smtp password,
webhook headers, github api_token -- masked or absent on read); ``to_emails`` (smtp: write-only
but not a secret, so plans show it as a value and say on every plan that it is not compared:
the API never returns it and an integration has no field to record what was sent); ``subscriptions`` (a set);
``delivery_policy``. A provider change is a replace (delete, then create). An update
re-sends the whole connection, secrets included, as the API requires. ``enabled`` has no
create input: a new integration declared ``enabled: false`` is disabled by a second step
that takes the new id from the create's response (``output_of``).

Optional secrets (``OPTIONAL_SECRETS``: slack ``bot_token``, webhook ``headers``) may exist live
without being declared, and an update that re-sends the connection without them erases them.
The reader keeps their masked *presence* (never a value) in ``identity["secrets_live"]``:
``{"bot_token": True}``, ``{"headers": ["X-Token"]}`` (header names; ``True`` when the server
returns headers that are not a map). From it: an update that would re-send the connection
without a value that exists live is refused (``cannot_apply``), a declared one that is absent
live is a change (``compare``), and ``export`` writes a ``secret()`` placeholder for each one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_plan.kinds._shared import (
    camel,
    canonical,
    compare_attrs,
    create,
    entries,
    exists_probe,
    lower,
    pick,
    snake,
    step,
)
from adaptive_plan.kinds.base import Kind, LiveData, Operation, StepSpec, export_secret
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange, output_of
from adaptive_plan.model.resource import Resource

READABLE = {
    "slack": (),
    "smtp": ("host", "port", "username", "from_email"),
    "webhook": ("url", "method"),
    "github": ("org", "repo"),
}
SECRET = {
    "slack": ("webhook_url", "bot_token"),
    "smtp": ("password",),
    "webhook": ("headers",),
    "github": ("api_token",),
}
PLAIN_WRITE_ONLY = {"smtp": ("to_emails",)}  # write-only configuration, not a credential
REQUIRED_SECRETS = {"slack": ("webhook_url",), "smtp": ("password", "to_emails"), "github": ("api_token",)}
OPTIONAL_SECRETS = {"slack": ("bot_token",), "webhook": ("headers",)}  # their presence is read
MEMBER = {"slack": "slack", "smtp": "smtp", "webhook": "webhook", "github": "gitHub"}
INTEGRATION_FIELDS = (
    "id name enabled createdAt config { provider connection { __typename "
    "... on SlackConfig { botToken } "
    "... on SmtpConfig { host port username fromEmail } "
    "... on WebhookConfig { url method headers } "
    "... on GitHubConfig { org repo } } "
    "notificationSettings { subscriptions { topicPattern scope targetFilter } } deliveryPolicy }"
)
CREATE_INTEGRATION = Operation(
    "CreateIntegration",
    "mutation CreateIntegration($team: IdOrKey!, $input: CreateIntegrationInput!) "
    "{ createIntegration(team: $team, input: $input) { id name } }",
)
UPDATE_INTEGRATION = Operation(
    "UpdateIntegration",
    "mutation UpdateIntegration($id: UUID!, $input: UpdateIntegrationInput!) "
    "{ updateIntegration(id: $id, input: $input) { id name } }",
)
DELETE_INTEGRATION = Operation(
    "DeleteIntegration",
    "mutation DeleteIntegration($id: UUID!) { deleteIntegration(id: $id) }",
)
LIST_INTEGRATIONS = Operation(
    "ListIntegrations",
    "query ListIntegrations($team: IdOrKey!) { integrations(team: $team) { name } }",
)


def integration_address(team: str, name: str) -> Address:
    return Address("integration", f"{team}/{name}")


def _subscriptions(items: Any, *, live: bool) -> list[dict[str, Any]]:
    normalised = [
        {
            "topic_pattern": item.get("topicPattern" if live else "topic_pattern"),
            "scope": lower(item.get("scope")),
            "target_filter": item.get("targetFilter" if live else "target_filter"),
        }
        for item in items or []
    ]
    unique = {canonical(item): item for item in normalised}
    return [unique[key] for key in sorted(unique)]


class IntegrationKind(Kind):
    name = "integration"
    section = "integrations"
    identity_fields = ("team", "name")
    ownership = "prune"
    write_only = frozenset({"secrets", "to_emails"})
    plain_write_only = frozenset({"to_emails"})
    live_scope = "team"
    scoped_type = "Integration"
    scoped_query = f"integrations(team: $KEY) {{ {INTEGRATION_FIELDS} }}"

    # --- reading ------------------------------------------------------------
    def desired(self, manifest: Manifest) -> list[Resource]:
        return [self._desired(manifest, path, entry) for path, entry in entries(manifest, "integrations")]

    def _desired(self, manifest: Manifest, path: tuple[str | int, ...], entry: dict[str, Any]) -> Resource:
        team, provider = str(entry["team"]), str(entry["provider"])
        connection = entry.get("connection") or {}
        attrs: dict[str, Any] = {"provider": provider, "connection": pick(connection, *READABLE[provider])}
        attrs["secrets"] = pick(connection, *SECRET[provider])
        attrs.update(pick(connection, *PLAIN_WRITE_ONLY.get(provider, ())))
        attrs.update(pick(entry, "enabled", "delivery_policy"))
        if "subscriptions" in entry:
            attrs["subscriptions"] = _subscriptions(entry["subscriptions"], live=False)
        return Resource(
            integration_address(team, str(entry["name"])),
            self.name,
            attrs,
            refs=(Address("team", team),),
            identity={"team": team, "name": str(entry["name"])},
            source=manifest.mark(path),
        )

    def from_live(self, data: LiveData) -> list[Resource]:
        found: dict[Address, Resource] = {}
        for team, integrations in sorted(data.scoped("team", self.name).items()):
            ordered = sorted(integrations or [], key=lambda item: (item.get("createdAt") or 0, item["id"]))
            for integration in ordered:
                address = integration_address(team, integration["name"])
                if address in found:
                    previous = found[address]
                    previous.identity["duplicates"] = previous.identity.get("duplicates", 1) + 1
                    continue
                found[address] = self._live(team, integration)
        return list(found.values())

    def _live(self, team: str, integration: dict[str, Any]) -> Resource:
        config = integration.get("config") or {}
        provider = config.get("provider")
        connection = config.get("connection") or {}
        readable = {snake(k): v for k, v in connection.items() if k != "__typename"}
        if isinstance(readable.get("method"), str):  # the API takes any case; the manifest says POST
            readable["method"] = readable["method"].upper()
        attrs = {
            "provider": provider,
            "connection": pick(readable, *READABLE.get(provider, ())),
            "enabled": bool(integration.get("enabled")),
            "subscriptions": _subscriptions(
                (config.get("notificationSettings") or {}).get("subscriptions"), live=True
            ),
            "delivery_policy": lower(config.get("deliveryPolicy")),
        }
        identity = {
            "id": integration["id"],
            "team": team,
            "name": integration["name"],
            "secrets_live": _secrets_live(provider, connection),
        }
        return Resource(integration_address(team, integration["name"]), self.name, attrs, identity=identity)

    def compare(self, desired: Resource, actual: Resource) -> list[AttrChange]:
        """The readable attributes, plus each declared optional secret that is absent live (a
        change that sends it, shown as sensitive). Secret values are never compared."""
        changes = compare_attrs(
            desired.attrs, actual.attrs, skip=self.write_only, partial=frozenset({"connection"})
        )
        if desired.attrs.get("provider") != actual.attrs.get("provider"):
            return changes  # a replace: the create sends every declared value
        return changes + _absent_live(desired, actual)

    def cannot_apply(self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]) -> list[str]:
        """An update that re-sends the connection (the API takes it only whole) without an optional
        secret that exists live would erase it: refuse, saying what to declare."""
        if not _resends_connection(changes) or self.requires_replace(changes):
            return []
        team, name = actual.identity["team"], actual.identity["name"]
        return [
            f"connection.{'.'.join(path)} exists live (its value cannot be read back) but is not declared, "
            "and this update re-sends the whole connection, which would erase it: declare it, e.g. "
            f"{_declaration(path, export_secret(team, name, *path).names[0])}"
            for path in _undeclared_live(desired, actual)
        ]

    def requires_replace(self, changes: Sequence[AttrChange]) -> bool:
        """The provider cannot change in place (the connection must match it): delete, then create."""
        return any(change.path == "provider" for change in changes)

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        team, name = desired.identity["team"], desired.identity["name"]
        config: dict[str, Any] = {
            "connection": _connection_input(desired),
            "notificationSettings": _settings_input(desired),
            "deliveryPolicy": desired.attrs.get("delivery_policy"),
        }
        variables = {
            "team": team,
            "input": {"name": name, "provider": desired.attrs["provider"], "config": config},
        }
        probe = exists_probe(LIST_INTEGRATIONS, "integrations.name", name, {"team": team})
        steps = [
            create(
                "create", CREATE_INTEGRATION, variables, probe, f"create {desired.attrs['provider']} {name}"
            )
        ]
        if desired.attrs.get("enabled") is False:  # createIntegration has no `enabled` input
            disable = {"id": output_of(1, "createIntegration.id"), "input": {"enabled": False}}
            steps.append(step("disable", UPDATE_INTEGRATION, disable, f"disable {name}"))
        return steps

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        changed = {change.path.split(".", 1)[0] for change in changes}
        config: dict[str, Any] = {}
        if _resends_connection(changes):
            config["connection"] = _connection_input(desired)
        if "subscriptions" in changed:
            config["notificationSettings"] = _settings_input(desired)
        if "delivery_policy" in changed:
            config["deliveryPolicy"] = desired.attrs["delivery_policy"]
        update: dict[str, Any] = {"config": config} if config else {}
        if "enabled" in changed:
            update["enabled"] = desired.attrs["enabled"]
        if not update:
            return ()
        return [step("update", UPDATE_INTEGRATION, {"id": actual.identity["id"], "input": update})]

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        return [step("delete", DELETE_INTEGRATION, {"id": actual.identity["id"]}, f"delete {actual.address}")]

    def warnings(self, desired: Resource | None, actual: Resource | None) -> list[str]:
        notes = []
        if actual is not None and actual.identity.get("duplicates"):
            notes.append(
                f"{actual.address}: {actual.identity['duplicates']} integrations share this team and name; "
                "adaptive-plan manages the oldest"
            )
        return notes


    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """The readable connection plus ``secret()`` placeholders for the write-only fields the
        schema requires (``REQUIRED_SECRETS``) and for each optional one that exists live (slack
        ``bot_token``, one per webhook header name), so that a later update re-sends them
        instead of erasing them. ``enabled`` only when false."""
        attrs, identity = resource.attrs, resource.identity
        team, name, provider = identity["team"], identity["name"], attrs["provider"]
        readable = attrs.get("connection") or {}
        connection = {field: value for field, value in readable.items() if value is not None}
        for field in REQUIRED_SECRETS.get(provider, ()):
            placeholder = export_secret(team, name, field)
            connection[field] = [placeholder] if field == "to_emails" else placeholder
        live = identity.get("secrets_live") or {}
        if live.get("bot_token"):
            connection["bot_token"] = export_secret(team, name, "bot_token")
        if isinstance(live.get("headers"), list) and live["headers"]:
            connection["headers"] = {
                header: export_secret(team, name, "headers", header) for header in live["headers"]
            }
        entry: dict[str, Any] = {"team": team, "name": name, "provider": provider}
        if attrs.get("enabled") is False:
            entry["enabled"] = False
        entry["connection"] = dict(sorted(connection.items()))
        if attrs.get("subscriptions"):
            entry["subscriptions"] = [_subscription_entry(item) for item in attrs["subscriptions"]]
        if attrs.get("delivery_policy"):
            entry["delivery_policy"] = attrs["delivery_policy"]
        return entry


def _subscription_entry(item: dict[str, Any]) -> dict[str, Any]:
    entry = {"topic_pattern": item["topic_pattern"], "scope": item["scope"]}
    if item.get("target_filter") is not None:
        entry["target_filter"] = item["target_filter"]
    return entry


def _secrets_live(provider: Any, connection: dict[str, Any]) -> dict[str, Any]:
    """Which optional secrets exist live, never their (masked) values: ``bot_token`` -> True,
    ``headers`` -> the sorted header names (True when the server returns another JSON value)."""
    present: dict[str, Any] = {}
    if provider == "slack" and connection.get("botToken") is not None:
        present["bot_token"] = True
    headers = connection.get("headers") if provider == "webhook" else None
    if isinstance(headers, dict) and headers:
        present["headers"] = sorted(str(header) for header in headers)
    elif headers and not isinstance(headers, dict):
        present["headers"] = True
    return present


def _resends_connection(changes: Sequence[AttrChange]) -> bool:
    """Whether an update of these changes sends ``config.connection`` (the whole connection)."""
    return any(change.path.split(".", 1)[0] in ("connection", "secrets", "to_emails") for change in changes)


def _declared_headers(desired: Resource) -> dict[str, Any]:
    headers = desired.attrs.get("secrets", {}).get("headers")
    return headers if isinstance(headers, dict) else {}


def _undeclared_live(desired: Resource, actual: Resource) -> list[tuple[str, ...]]:
    """Paths in the connection (``("bot_token",)``, ``("headers", "X-Token")``) of optional
    secrets that exist live and that ``desired`` does not declare. Header names are matched
    without regard to case, as HTTP does."""
    live = actual.identity.get("secrets_live") or {}
    secrets = desired.attrs.get("secrets", {})
    missing: list[tuple[str, ...]] = []
    if live.get("bot_token") and "bot_token" not in secrets:
        missing.append(("bot_token",))
    declared = {header.lower() for header in _declared_headers(desired)}
    if live.get("headers") is True and not declared:
        missing.append(("headers",))
    elif isinstance(live.get("headers"), list):
        missing += [("headers", header) for header in live["headers"] if header.lower() not in declared]
    return missing


def _absent_live(desired: Resource, actual: Resource) -> list[AttrChange]:
    """A change (sensitive, before None) for each declared optional secret absent live: a bot
    token, or a header name the live headers lack. Present ones are not compared (masked)."""
    live = actual.identity.get("secrets_live") or {}
    secrets = desired.attrs.get("secrets", {})
    changes = []
    if "bot_token" in secrets and not live.get("bot_token"):
        changes.append(AttrChange("secrets.bot_token", None, secrets["bot_token"], sensitive=True))
    if isinstance(live.get("headers", []), list):
        names = {header.lower() for header in live.get("headers", [])}
        changes += [
            AttrChange(f"secrets.headers.{header}", None, value, sensitive=True)
            for header, value in sorted(_declared_headers(desired).items())
            if header.lower() not in names
        ]
    return changes


def _declaration(path: tuple[str, ...], secret: str) -> str:
    """What to write in ``connection`` for a live optional secret (``bot_token: "{{ secret('N') }}"``)."""
    reference = f"\"{{{{ secret('{secret}') }}}}\""
    if path[0] == "headers":
        return f"headers: {{{path[1] if len(path) > 1 else 'NAME'}: {reference}}}"
    return f"{path[0]}: {reference}"


def _connection_input(desired: Resource) -> dict[str, Any]:
    provider = desired.attrs["provider"]
    plain = pick(desired.attrs, *PLAIN_WRITE_ONLY.get(provider, ()))
    fields = {**desired.attrs.get("connection", {}), **desired.attrs.get("secrets", {}), **plain}
    member = {camel(name): value for name, value in fields.items()}
    if provider == "webhook":
        member.setdefault("headers", {})
    if provider == "smtp":
        member.setdefault("toEmails", [])
    return {MEMBER[provider]: member}


def _settings_input(desired: Resource) -> dict[str, Any] | None:
    if "subscriptions" not in desired.attrs:
        return None
    return {
        "subscriptions": [
            {
                "topicPattern": item["topic_pattern"],
                "scope": str(item["scope"]).upper(),
                **({"targetFilter": item["target_filter"]} if item["target_filter"] is not None else {}),
            }
            for item in desired.attrs["subscriptions"]
        ]
    }
