"""Teams, roles, permissions, users, team membership and service accounts through the SDK.

The API has no update or delete for teams and roles, so the SDK has none either.
"""

from __future__ import annotations

import pytest
from adaptive_sdk.graphql_client import UserData
from adaptive_sdk.graphql_client.custom_fields import UserFields
from adaptive_sdk.graphql_client.custom_mutations import Mutation
from adaptive_sdk.graphql_client.custom_queries import Query

from .support import API_ERRORS


def _memberships(user: UserData) -> dict[str, str]:
    return {entry.team.key: entry.role.key for entry in user.teams}


def _find_user(sdk, email: str) -> UserData | None:
    return next((u for u in sdk.users.list() if u.email == email), None)


def _deleted(sdk, email: str) -> bool | None:
    """``User.deleted`` of the listed user (the SDK's ``UserData`` does not select it)."""
    users = Query.users().fields(UserFields.email, UserFields.deleted)
    listed = sdk._gql_client.query(users, operation_name="ListUsersDeleted")["users"]
    return next((user["deleted"] for user in listed if user["email"] == email), None)


def test_reactivate_user_restores_a_deleted_user_with_its_memberships(sdk, uniq, team, role) -> None:
    email = f"{uniq('back')}@example.com"
    sdk.users.create(email=email, name="Back", teams_with_role=[(team, role)])
    sdk.users.delete(email=email)
    with pytest.raises(API_ERRORS):  # the email stays taken
        sdk.users.create(email=email, name="Back", teams_with_role=[(team, role)])
    field = Mutation.reactivate_user(user=email).fields(UserFields.email, UserFields.deleted)
    back = sdk._gql_client.mutation(field, operation_name="ReactivateUser")["reactivateUser"]
    assert back == {"email": email, "deleted": False}
    listed = _find_user(sdk, email)
    assert listed is not None and _memberships(listed) == {team: role}
    assert _deleted(sdk, email) is False


def test_permissions_list_is_a_non_empty_list_of_identifiers(sdk) -> None:
    permissions = sdk.permissions.list()
    assert permissions
    assert all(isinstance(p, str) and p for p in permissions)
    assert len(set(permissions)) == len(permissions)


def test_team_create_and_list(sdk, uniq) -> None:
    key = uniq("team")
    created = sdk.teams.create(key=key, name="ML Platform")
    assert (created.key, created.name) == (key, "ML Platform")
    assert created.id
    assert created.created_at > 0
    listed = {t.key: t for t in sdk.teams.list()}
    assert listed[key].id == created.id
    assert listed[key].name == "ML Platform"


def test_team_name_defaults_to_key(sdk, uniq) -> None:
    key = uniq("team")
    assert sdk.teams.create(key=key).name == key


def test_duplicate_team_key_is_rejected(sdk, team) -> None:
    with pytest.raises(API_ERRORS):
        sdk.teams.create(key=team)


def test_role_create_and_list(sdk, uniq) -> None:
    key = uniq("role")
    permissions = sdk.permissions.list()[:2]
    created = sdk.roles.create(key=key, permissions=permissions, name="Reviewer")
    assert (created.key, created.name) == (key, "Reviewer")
    assert set(created.permissions) == set(permissions)
    listed = {r.key: r for r in sdk.roles.list()}
    assert set(listed[key].permissions) == set(permissions)
    assert listed[key].id == created.id


def test_role_name_defaults_to_key(sdk, uniq) -> None:
    key = uniq("role")
    assert sdk.roles.create(key=key, permissions=[]).name == key


def test_seeded_catalogue_has_roles(sdk) -> None:
    roles = sdk.roles.list()
    assert roles
    assert all(r.key and r.created_at > 0 for r in roles)


def test_user_lifecycle(sdk, uniq, team, role) -> None:
    email = f"{uniq('ada')}@example.com"
    created = sdk.users.create(email=email, name="Ada", teams_with_role=[(team, role)])
    assert isinstance(created, UserData)
    assert (created.email, created.name) == (email, "Ada")
    assert _memberships(created) == {team: role}
    listed = _find_user(sdk, email)
    assert listed is not None
    assert _memberships(listed) == {team: role}

    other_team, other_role = uniq("team2"), uniq("role2")
    sdk.teams.create(key=other_team)
    sdk.roles.create(key=other_role, permissions=[])
    member = sdk.users.add_to_team(email=email, team=other_team, role=role)
    assert (member.team.key, member.role.key, member.user.email) == (other_team, role, email)
    assert _memberships(member.user) == {team: role, other_team: role}

    changed = sdk.users.add_to_team(email=email, team=other_team, role=other_role)
    assert _memberships(changed.user) == {team: role, other_team: other_role}
    listed = _find_user(sdk, email)
    assert listed is not None
    assert _memberships(listed) == {team: role, other_team: other_role}

    removed = sdk.users.remove_from_team(email=email, team=team)
    assert _memberships(removed) == {other_team: other_role}
    listed = _find_user(sdk, email)
    assert listed is not None
    assert _memberships(listed) == {other_team: other_role}

    sdk.users.delete(email=email)
    assert _deleted(sdk, email) is True  # a soft delete: still listed, flagged (reactivateUser restores)


def test_duplicate_user_email_is_rejected(sdk, uniq, team, role) -> None:
    email = f"{uniq('dup')}@example.com"
    sdk.users.create(email=email, name="Dup", teams_with_role=[(team, role)])
    with pytest.raises(API_ERRORS):
        sdk.users.create(email=email, name="Dup again", teams_with_role=[(team, role)])
    assert [u.email for u in sdk.users.list()].count(email) == 1


def test_membership_changes_for_unknown_user_fail(sdk, uniq, team, role) -> None:
    with pytest.raises(API_ERRORS):
        sdk.users.add_to_team(email=f"{uniq('ghost')}@example.com", team=team, role=role)


def test_service_account_gets_a_working_api_key(sdk, make_client, uniq, team, role) -> None:
    name = uniq("svc")
    account = sdk.users.create_service_account(name=name, teams_with_role=[(team, role)])
    assert account.api_key
    assert account.email == f"{name}@system.adaptive.local"
    listed = _find_user(sdk, account.email)
    assert listed is not None
    assert str(listed.id) == str(account.user_id)
    assert _memberships(listed) == {team: role}

    as_service = make_client(api_key=account.api_key)
    me = as_service.users.me()
    assert me is not None
    assert me.email == account.email

    sdk.users.delete(email=account.email)
    assert _deleted(sdk, account.email) is True
