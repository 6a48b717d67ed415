"""Projects through the SDK: create, list, get, share/unshare, and how missing projects surface.

There is no SDK method to update, archive or delete a project (the API has no delete; archiving
goes through ``updateProject``, which no SDK method sends), so those are not covered here.
"""

from __future__ import annotations

import pytest
from adaptive_sdk.error_handling import AdaptiveEntityNotFoundError
from adaptive_sdk.graphql_client import ProjectData

from .support import API_ERRORS


def _shares(project: ProjectData) -> dict[str, tuple[str, bool]]:
    return {share.team.key: (share.role.key, share.is_owner) for share in project.shares}


def test_create_returns_the_project_and_it_persists(sdk, uniq) -> None:
    key = uniq("proj")
    created = sdk.projects.create(key=key, name="Support bot", description="Answers tickets")
    assert isinstance(created, ProjectData)
    assert (created.key, created.name, created.description) == (key, "Support bot", "Answers tickets")
    assert created.id
    assert created.created_at > 0

    fetched = sdk.projects.get(key)
    assert fetched is not None
    assert (fetched.id, fetched.name, fetched.description) == (created.id, "Support bot", "Answers tickets")
    assert fetched.model_services == []
    assert key in {p.key for p in sdk.projects.list()}


def test_create_defaults_name_to_key_and_description_to_empty(sdk, uniq) -> None:
    key = uniq("proj")
    created = sdk.projects.create(key=key)
    assert created.name == key
    assert created.description == ""


def test_get_accepts_the_id_as_well_as_the_key(sdk, project) -> None:
    by_key = sdk.projects.get(project)
    assert by_key is not None
    by_id = sdk.projects.get(str(by_key.id))
    assert by_id is not None
    assert by_id.key == project


def test_get_of_a_missing_project_is_none(sdk, uniq) -> None:
    assert sdk.projects.get(uniq("missing")) is None


def test_create_with_owning_team_records_an_owner_share(sdk, uniq, team) -> None:
    key = uniq("proj")
    created = sdk.projects.create(key=key, team=team)
    assert _shares(created).get(team, ("", False))[1] is True


def test_duplicate_project_key_is_rejected(sdk, project) -> None:
    with pytest.raises(API_ERRORS):
        sdk.projects.create(key=project)
    assert [p.key for p in sdk.projects.list()].count(project) == 1


def test_share_adds_a_team_and_unshare_removes_it(sdk, project, team, role, uniq) -> None:
    shared = sdk.projects.share(project=project, team=team, role=role)
    assert shared is not None
    assert _shares(shared)[team] == (role, False)
    fetched = sdk.projects.get(project)
    assert fetched is not None
    assert _shares(fetched)[team] == (role, False)

    other_role = uniq("role2")
    sdk.roles.create(key=other_role, permissions=sdk.permissions.list()[:1])
    reshared = sdk.projects.share(project=project, team=team, role=other_role)
    assert reshared is not None
    assert _shares(reshared)[team] == (other_role, False)
    assert [s.team.key for s in reshared.shares].count(team) == 1

    unshared = sdk.projects.unshare(project=project, team=team)
    assert unshared is not None
    assert team not in _shares(unshared)
    fetched = sdk.projects.get(project)
    assert fetched is not None
    assert team not in _shares(fetched)


def test_share_keeps_existing_shares(sdk, project, role, uniq) -> None:
    first, second = uniq("teama"), uniq("teamb")
    sdk.teams.create(key=first)
    sdk.teams.create(key=second)
    sdk.projects.share(project=project, team=first, role=role, is_owner=True)
    result = sdk.projects.share(project=project, team=second, role=role)
    assert result is not None
    assert _shares(result)[first] == (role, True)
    assert _shares(result)[second] == (role, False)


def test_share_of_a_missing_project_returns_none(sdk, team, role, uniq) -> None:
    assert sdk.projects.share(project=uniq("missing"), team=team, role=role) is None


def test_share_with_an_unknown_team_is_an_error(sdk, project, role, uniq) -> None:
    with pytest.raises(API_ERRORS):
        sdk.projects.share(project=project, team=uniq("noteam"), role=role)
    fetched = sdk.projects.get(project)
    assert fetched is not None
    assert all(not s.team.key.startswith("noteam") for s in fetched.shares)


def test_referencing_a_missing_project_raises_entity_not_found(sdk, uniq) -> None:
    with pytest.raises(AdaptiveEntityNotFoundError):
        sdk.feedback.register_key(project=uniq("missing"), key=uniq("fk"), kind="scalar")
