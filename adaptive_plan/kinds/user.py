"""Users and service accounts (ADAPTIVE_API.md 4.4, 4.5): address ``user.EMAIL``.

Attrs: ``name``, ``service_account`` (``userType: SYSTEM``), ``teams`` (a map team -> role,
one role per team). A service account's email is derived by the server as
``NAME@system.adaptive.local``, so that is its address too.

Steps: ``createUser``; ``updateUser`` for the name; one ``setTeamMember`` per added or
changed membership and one ``removeTeamMember`` per removed one; ``deleteUser`` (a soft
delete) when pruned. The API key's own user is never pruned. Service accounts are created
*without* an API key: the server shows a generated key once, and adaptive-plan stores no
secrets, so the plan says how to make one instead of generating a key nobody can read.
``deleteUser`` is a soft delete and the email stays taken, so a declared user that was deleted
(pruned, or by hand) is *reactivated* (``reactivateUser``), never created again: the live read
lists it with ``deleted: true``, the plan shows ``deleted: true → false`` and then the name and
membership changes against what the user had. An undeclared deleted user is already as gone
as a user can be: neither unmanaged nor pruned again (``unlisted``), nor exported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adaptive_plan.kinds._shared import create, entries, exists_probe, keep_live_hint, key_of, live_list, step
from adaptive_plan.kinds.base import Kind, LiveData, Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange
from adaptive_plan.model.resource import Resource

SYSTEM_DOMAIN = "system.adaptive.local"
USER_FIELDS = "id email name userType teams { team { key } role { key } }"
CREATE_USER = Operation(
    "CreateUser",
    "mutation CreateUser($input: UserCreate!) "
    f"{{ createUser(input: $input) {{ user {{ {USER_FIELDS} }} }} }}",
)
UPDATE_USER = Operation(
    "UpdateUserName",
    "mutation UpdateUserName($user: IdOrKey!, $input: UserUpdate!) "
    "{ updateUser(user: $user, input: $input) { id } }",
)
SET_MEMBER = Operation(
    "UpdateUser",
    "mutation UpdateUser($input: TeamMemberSet!) { setTeamMember(input: $input) { user { id } } }",
)
REMOVE_MEMBER = Operation(
    "RemoveTeamMember",
    "mutation RemoveTeamMember($input: TeamMemberRemove!) { removeTeamMember(input: $input) { id } }",
)
DELETE_USER = Operation(
    "DeleteUser",
    "mutation DeleteUser($user: IdOrKey!) { deleteUser(user: $user) { id } }",
)
REACTIVATE_USER = Operation(
    "ReactivateUser",
    "mutation ReactivateUser($user: IdOrKey!) { reactivateUser(user: $user) { id } }",
)
PROBE_USER = Operation("ProbeUser", "query ProbeUser { users { email } }")


def user_email(entry: dict[str, Any]) -> str:
    """A user's identity: its email, derived from the name for a service account without one."""
    if entry.get("email"):
        return str(entry["email"])
    return f"{entry.get('name')}@{SYSTEM_DOMAIN}"


class UserKind(Kind):
    name = "user"
    section = "users"
    identity_fields = ("email",)
    ownership = "prune"
    live_query = f"user_users: users {{ {USER_FIELDS} deleted }} user_me: me {{ email }}"

    def manifest_key(self, entry: Mapping[str, Any]) -> str | None:
        """The email, or for a service account declared without one the derived email."""
        if isinstance(entry.get("email"), str) and entry["email"]:
            return str(entry["email"])
        if entry.get("service_account") is True and isinstance(entry.get("name"), str) and entry["name"]:
            return user_email(entry)
        return None

    def identity_field(self, entry: Mapping[str, Any]) -> str:
        return "email" if "email" in entry else "name"

    def desired(self, manifest: Manifest) -> list[Resource]:
        return [self._desired(manifest, path, entry) for path, entry in entries(manifest, self.section)]

    def _desired(self, manifest: Manifest, path: tuple[str | int, ...], entry: dict[str, Any]) -> Resource:
        attrs: dict[str, Any] = {}
        if "name" in entry:
            attrs["name"] = entry["name"]
        if "service_account" in entry:
            attrs["service_account"] = bool(entry["service_account"])
        refs: list[Address] = []
        if "teams" in entry:
            attrs["teams"] = {str(m["team"]): str(m["role"]) for m in entry["teams"] or []}
            for team, role in sorted(attrs["teams"].items()):
                refs += [Address("team", team), Address("role", role)]
        return Resource(
            Address("user", user_email(entry)),
            self.name,
            attrs,
            refs=tuple(dict.fromkeys(refs)),
            source=manifest.mark(path),
        )

    def from_live(self, data: LiveData) -> list[Resource]:
        caller = (data.first.get("user_me") or {}).get("email")
        resources = []
        for user in live_list(data.first, "user_users"):
            teams = {key_of(m.get("team")): key_of(m.get("role")) for m in user.get("teams") or []}
            attrs = {
                "name": user["name"],
                "service_account": user.get("userType") == "SYSTEM",
                "teams": {team: role for team, role in sorted(teams.items()) if team and role},
            }
            if user.get("deleted"):  # soft-deleted: reactivated if declared (only then in attrs)
                attrs["deleted"] = True
            identity = {"id": user["id"], "caller": user["email"] == caller}
            resources.append(Resource(Address("user", user["email"]), self.name, attrs, identity=identity))
        return resources

    def unlisted(self, resource: Resource) -> bool:
        """The user whose API key runs the plan is not an unmanaged object: never list or prune it;
        nor is a (soft-)deleted user."""
        return bool(resource.identity.get("caller") or resource.attrs.get("deleted"))

    def compare(self, desired: Resource, actual: Resource) -> list[AttrChange]:
        changes = super().compare(desired, actual)
        if actual.attrs.get("deleted"):
            changes.insert(0, AttrChange("deleted", True, False))
        return changes

    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        email = desired.address.key
        system = bool(desired.attrs.get("service_account"))
        user_input: dict[str, Any] = {
            "name": desired.attrs.get("name") or email.split("@", 1)[0],
            "teams": [{"team": t, "role": r} for t, r in sorted(desired.attrs.get("teams", {}).items())],
            "userType": "SYSTEM" if system else "HUMAN",
            "generateApiKey": False,
        }
        if not system or not email.endswith("@" + SYSTEM_DOMAIN):
            user_input["email"] = email
        probe = exists_probe(PROBE_USER, "users.email", email)
        return [create("create", CREATE_USER, {"input": user_input}, probe, f"create user {email}")]

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        email = desired.address.key
        changed = {change.path.split(".", 1)[0] for change in changes}
        steps: list[StepSpec] = []
        if "deleted" in changed:
            steps.append(step("reactivate", REACTIVATE_USER, {"user": email}, f"reactivate user {email}"))
        if "name" in changed:
            steps.append(
                step("update", UPDATE_USER, {"user": email, "input": {"name": desired.attrs["name"]}})
            )
        if "teams" in changed:
            steps += _membership_steps(email, desired.attrs["teams"], actual.attrs.get("teams", {}))
        return steps

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        email = actual.address.key
        return [step("delete", DELETE_USER, {"user": email}, f"delete user {email} (soft delete)")]

    def warnings(self, desired: Resource | None, actual: Resource | None) -> list[str]:
        notes = []
        if desired is not None and actual is None and desired.attrs.get("service_account"):
            notes.append(
                f"{desired.address} is created without an API key: a generated key is shown only once and "
                "adaptive-plan stores no secrets; create one with the API's createApiKey "
                f"(user: {desired.address.key!r}) and keep it in your secret store"
            )
        return notes

    def cannot_apply(self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]) -> list[str]:
        retyped = [change for change in changes if change.path == "service_account"]
        if not retyped:
            return []
        return [
            "a user's type (human or service account) cannot be changed through the API: "
            f"{keep_live_hint(retyped)}, or declare the other type under another email"
        ]

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        email = resource.address.key
        attrs = resource.attrs
        entry: dict[str, Any] = {}
        system = bool(attrs.get("service_account"))
        if not system or email != f"{attrs.get('name')}@{SYSTEM_DOMAIN}":
            entry["email"] = email
        # The live name verbatim, also when empty: a fallback would be a change the next plan sends.
        name = attrs.get("name")
        entry["name"] = name if isinstance(name, str) else email.split("@", 1)[0]
        if system:
            entry["service_account"] = True
        entry["teams"] = [{"team": t, "role": r} for t, r in sorted((attrs.get("teams") or {}).items())]
        return entry


def _membership_steps(email: str, wanted: dict[str, str], current: dict[str, str]) -> list[StepSpec]:
    steps = [
        step(
            "set-member",
            SET_MEMBER,
            {"input": {"user": email, "team": team, "role": role}},
            f"{team}: {role}",
        )
        for team, role in sorted(wanted.items())
        if current.get(team) != role
    ]
    steps += [
        step(
            "remove-member",
            REMOVE_MEMBER,
            {"input": {"user": email, "team": team}},
            f"leave {team}",
            absent_ok=True,  # "not a member" after a lost answer: the membership is gone, as wanted
        )
        for team in sorted(set(current) - set(wanted))
    ]
    return steps
