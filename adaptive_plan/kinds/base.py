"""What a resource kind knows, and the defaults a kind inherits.

A kind is pure knowledge (grizzly's Handler, deck's types/<kind>.go): how to build
desired resources from the manifest, how to read live ones from the batched live
query, how to normalise both so that equal means equal, and which API steps create,
update and delete one. It never performs I/O; steps only *describe* API calls.

The engine (plan/, live/, apply/) never branches on kind: everything kind-specific
is reached through this interface.

Writing a kind (``kinds/compute_pool.py`` is a small complete one):
- its place in the manifest: ``name`` (= its schema ``$defs`` entry), ``section``, ``parent``,
  ``identity_fields``; register it with one line in ``kinds.KINDS``; every section table,
  address walk and export order is derived from those (``tests/test_registry.py`` checks the
  schema, README tour and scenario folder agree);
- every document it sends is an ``Operation("Name", "mutation Name(...) {...}")``, and its steps
  are built with ``kinds._shared.step``/``create``, which copy the declared name into
  ``StepSpec.operation`` (sent as ``operationName``; nothing parses documents);
- per-project fields of request 1 go through ``_shared.every_project`` / ``live_projects`` (one
  merged pair of ``projects`` fields for every kind), compute pools under ``_shared.COMPUTE_POOLS``;
- ``warnings(desired, actual)`` reads only the two resources: facts about other resources (the
  deployments on a pool) are gathered once in ``link`` and kept in ``identity``; a declared
  object that must already exist and does not is a ``PlanError`` raised from ``link``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from adaptive_plan.kinds.checks import PlanCheck
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange, Poll
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.secrets import Sensitive, secret_token
from adaptive_plan.model.snapshot import LiveState

Ownership = Literal["prune", "exclusive", "never"]
Scope = Literal["project", "team"]


_OPERATION_HEAD = re.compile(r"\s*(query|mutation)\s+(?P<name>[_A-Za-z][_0-9A-Za-z]*)\s*[({]")


class Operation(str):
    """A GraphQL document whose operation name is declared next to it, not parsed out of it.

    ``CREATE_TEAM = Operation("CreateTeam", "mutation CreateTeam($input: TeamCreate!) { ... }")``.
    It is the document text (a ``str``: send it, put it in a ``Poll``), plus ``.name``, which the
    step helpers copy into ``StepSpec.operation`` so apply sends the name without a parse. The
    constructor refuses a document that does not open with ``query NAME`` or ``mutation NAME``
    (an import-time error, never a wrong name at apply); ``tests/kinds/test_operations.py``
    checks every declared operation with graphql-core's parser.
    """

    name: str

    def __new__(cls, name: str, document: str) -> Operation:
        head = _OPERATION_HEAD.match(document)
        if head is None or head["name"] != name:
            raise ValueError(f"the document does not open with 'query {name}' or 'mutation {name}'")
        self = super().__new__(cls, document)
        self.name = name
        return self

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:  # copy and pickle rebuild it whole
        return Operation, (self.name, str(self))


@dataclass(frozen=True)
class StepSpec:
    """A step before the planner gives it an id and its edges (see ``model.plan.Step``).

    ``operation`` is the declared operation name (``CreateTeam``), sent as ``operationName``;
    build steps with ``kinds._shared.step``/``create``, which take it from an ``Operation``.
    """

    verb: str
    operation: str
    document: str
    variables: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, str] = field(default_factory=dict)
    chunked: tuple[str, ...] = ()
    idempotent: bool = True
    probe: Poll | None = None
    poll: Poll | None = None
    description: str = ""
    absent_ok: bool = False


@dataclass(frozen=True)
class LiveData:
    """What the batched live read returned, handed to every kind's ``from_live``.

    ``first``: the data of request 1 (every kind's ``live_query`` fields, under their aliases).
    ``per_scope``: request 2, by scope then scope key then the kind's alias, e.g.
    ``per_scope["project"]["support-bot"]["recipes"]``.
    ``downloads``: REST path -> response body, for the paths kinds asked for through
    ``Kind.live_downloads``; None when the object was gone by then.
    ``declared``: the addresses the manifests declare (empty when the reader was not told),
    for kinds that download content only for what the manifests manage (datasets).
    """

    first: Mapping[str, Any]
    per_scope: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    downloads: Mapping[str, bytes | None] = field(default_factory=dict)
    declared: frozenset[Address] = frozenset()

    def scoped(self, scope: Scope, alias: str) -> dict[str, Any]:
        """scope key -> this kind's result for it."""
        return {key: fields.get(alias) for key, fields in self.per_scope.get(scope, {}).items()}


@dataclass(frozen=True)
class DeleteBehaviour:
    """What deleting means for a kind: ``steps`` available, or a note on what happens instead.

    ``note`` is shown in the plan: "teams cannot be deleted through the API" or
    "projects are archived, not deleted".
    ``withdraws_access``: deleting one only takes away access (a project share); the object
    that held it stays, so it restores the declared access list and is not one of the
    deletions ``--allow-delete`` guards (DESIGN.md section 3).
    """

    possible: bool = True
    note: str = ""
    withdraws_access: bool = False


class Kind:
    """Base class with defaults; a kind overrides only what differs.

    Class attributes (the first four are the kind's place in the manifest; every section
    table, address walk and export order is derived from them through ``kinds.KINDS``):
    ``name``: the kind's name, which is also its schema ``$defs`` entry and its scenario
    folder suffix (``team``, ``deployment``).
    ``section``: the manifest list that declares it: top-level (``teams``) or, for a child,
    the list inside its parent's entry (``metrics`` in ``projects[]``). One kind per section.
    ``parent``: the parent kind name for child objects (``project`` for graders), else None;
    the parent's ``section`` is where the child's list lives.
    ``identity_fields``: the entry fields whose values, joined by ``/``, make the address key
    (``("team", "name")`` for integrations); ``manifest_key`` reads them.
    ``address_kind``: the kind segment of the address, when it is not ``name``
    (deployments are ``project.K/model.M``).
    ``single``: the section holds one mapping in the parent's entry instead of a list (a
    project's ``settings``); the kind's ``manifest_key`` then gives its fixed address key.
    ``ownership``: for a live object absent from the manifests: ``prune`` (listed as
    unmanaged; deleted only with ``prune: true``), ``exclusive`` (deleted whenever the
    parent declares the attribute that lists them, e.g. a project's ``shares``), or
    ``never`` (ignored: not ours to list).
    ``write_only``: attributes sent to the API but never readable; compared only when
    the user asks (``--replace``) and shown as ``(sensitive)``.
    ``plain_write_only``: the write-only attributes that are configuration, not secrets
    (a deployment's ``speculative_decoding``): plans show their values instead of
    ``(sensitive)``, and, because the API neither returns them nor offers a place to record
    what was sent, every plan that declares one says it is not compared.
    ``create_only``: the write-only attributes the API takes only when the object is
    created (an external model's ``api_key``): an update cannot re-send them, so the plan
    never lists them under one.
    ``live_query``: GraphQL fields (with aliases) for request 1 of the live read.
    ``live_scope``/``scoped_query``: a field template for request 2, repeated per key of the
    live objects of the kind ``live_scope`` names (``project``, ``team``), where ``$KEY`` is
    replaced by the JSON-quoted key; that kind's ``from_live`` must need request 1 only.
    ``scoped_type``: the GraphQL type of the objects ``scoped_query``'s fields return
    (``Grader``); when set, the reader sends their selection once per document, as a named
    fragment, instead of once per key (documents ten times smaller, that much less for the
    server to parse and validate). "" sends the selection inline.
    ``catalog``: the ``LiveState.catalog`` entry that lists the keys of this kind's top-level
    live objects (``models``), for references checked against the instance; "" for none.
    ``export_by_default``: False for kinds ``export`` writes only when ``--kind`` names them
    (datasets: data the team chooses to keep in git, never downloaded unasked).
    """

    name: ClassVar[str] = ""
    section: ClassVar[str] = ""
    parent: ClassVar[str | None] = None
    identity_fields: ClassVar[tuple[str, ...]] = ("key",)
    address_kind: ClassVar[str] = ""
    single: ClassVar[bool] = False
    ownership: ClassVar[Ownership] = "prune"
    write_only: ClassVar[frozenset[str]] = frozenset()
    plain_write_only: ClassVar[frozenset[str]] = frozenset()
    create_only: ClassVar[frozenset[str]] = frozenset()
    live_query: ClassVar[str] = ""
    live_scope: ClassVar[Scope | None] = None
    scoped_query: ClassVar[str] = ""
    scoped_type: ClassVar[str] = ""
    catalog: ClassVar[str] = ""
    delete_behaviour: ClassVar[DeleteBehaviour] = DeleteBehaviour()
    export_by_default: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.address_kind:
            cls.address_kind = cls.name

    # --- identity in the manifest -------------------------------------------
    def manifest_key(self, entry: Mapping[str, Any]) -> str | None:
        """The address key an entry declares (``identity_fields`` joined by ``/``), or None
        while one of them is missing or not a non-empty string (the schema reports it)."""
        values = [entry.get(name) for name in self.identity_fields]
        if not all(isinstance(value, str) and value for value in values):
            return None
        return "/".join(values)

    def identity_field(self, entry: Mapping[str, Any]) -> str:
        """The field a "declared twice" error points at: the last identity field."""
        return self.identity_fields[-1]

    # --- reading ------------------------------------------------------------
    def desired(self, manifest: Manifest) -> list[Resource]:
        """Resources the manifests declare, normalised, with ``refs`` and ``source``."""
        raise NotImplementedError

    def from_live(self, data: LiveData) -> list[Resource]:
        """Resources the instance holds, normalised the same way as ``desired``."""
        raise NotImplementedError

    def live_downloads(self, data: LiveData) -> Sequence[str]:
        """REST paths (under ``/api/v1``) whose bodies ``from_live`` needs, given the two
        GraphQL answers in ``data``; fetched after them, into ``data.downloads``. Most
        kinds need none; keep the list to what the GraphQL answers cannot say."""
        return ()

    def plan_checks(self, desired: Resource, live: LiveState) -> Sequence[PlanCheck]:
        """Server-side checks of ``desired``, which the plan would create or update, made before
        the plan is shown (``kinds.checks``); e.g. ``validateFunctionGrader``. Default: none."""
        return ()

    def managed_children(self, manifest: Manifest, parent: Address) -> bool:
        """For ``exclusive`` kinds: does the parent declare the list that owns them?"""
        return False

    def unlisted(self, resource: Resource) -> bool:
        """An undeclared live object that is neither listed as unmanaged nor ever pruned
        (e.g. the user whose API key runs the tool)."""
        return False

    def pruned(self, manifest: Manifest, resource: Resource) -> bool:
        """Whether an undeclared live ``resource`` of this kind should be deleted (``prune``)."""
        if self.parent == "project" and resource.address.parent is not None:
            return project_prunes(manifest, resource.address.parent.key)
        return bool(manifest.document.get("prune", False))

    def link(self, desired: Sequence[Resource], live: LiveState) -> tuple[list[Resource], list[Resource]]:
        """Share facts between this kind's declared and live resources before they are diffed.

        The planner calls it once per kind, before diffing, with this kind's desired resources
        and the whole ``LiveState``; it returns (desired, live resources of this kind) to diff
        instead, with ``identity`` enriched (never ``attrs``) and live objects added or dropped
        where the kind knows better. Default: unchanged.

        Why it exists: some steps need facts only the other side has. Every share step sends
        the project's complete share list, which needs the declared list (manifest) and the
        owner share (live); an archived project that is declared must be matched, not created.
        """
        return list(desired), list(live.of_kind(self.name))

    # --- comparing ----------------------------------------------------------
    def compare(self, desired: Resource, actual: Resource) -> list[AttrChange]:
        """Attribute changes for managed attributes (those present in ``desired.attrs``).

        The default compares each desired attribute with the live one, skipping
        write-only attributes; kinds override for set-like lists and the like.
        """
        changes = []
        for path, after in sorted(desired.attrs.items()):
            if path in self.write_only:
                continue
            before = actual.attrs.get(path)
            if before != after:
                changes.append(AttrChange(path=path, before=before, after=after))
        return changes

    def cannot_apply(self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]) -> list[str]:
        """Why some of these attribute changes can never be applied (the API has no call for
        them), each saying what to declare instead. The plan refuses with them: a change nothing
        can send would show on every plan. Default: none (the engine still refuses an update
        whose ``update_steps`` send nothing).

        ``changes`` is what the update would send: the compared changes plus the write-only
        values re-sent with them (or alone, under ``--replace``), e.g. an integration's
        ``secrets``, so a kind can refuse an update whose re-send would erase a live value."""
        return []

    def requires_replace(self, changes: Sequence[AttrChange]) -> bool:
        """Whether these attribute changes can only be made by deleting and re-creating."""
        return False

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        raise NotImplementedError

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        raise NotImplementedError

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        return ()

    def warnings(self, desired: Resource | None, actual: Resource | None) -> list[str]:
        """Extra warnings for a change (e.g. a detach that deletes a model from storage).

        Facts about other resources (what a pool's deployments need) are gathered once in
        ``link`` and kept in ``identity``; warnings read only the two resources.
        """
        return []

    def drift_reasons(self, live: LiveState) -> Mapping[Address, Mapping[str, str]]:
        """Why live attributes differ from the manifests, where this kind's live objects know:
        address -> attribute -> reason. The plan gives the reason with that change, in every
        format and in drift, so it is explained instead of looking like an unknown hand edit: a
        finished ``auto_deploy`` AB test made its winner the project's default model (another
        kind's attribute), an AB test was cancelled outside adaptive-plan. Default: none.
        """
        return {}

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """The manifest entry that declares this live ``resource`` (the reverse of ``desired``).

        Read by ``adaptive-plan export``: the entry must make ``desired`` equal to the live
        object on every attribute it sets, and leaves out server-populated values and server
        defaults (absent = unmanaged). Write-only values that are required hold
        ``export_secret(...)`` placeholders. A child kind returns the entry of its parent's
        list (``projects[].graders[]``); the exporter places it.
        """
        raise NotImplementedError(f"{self.name} resources cannot be exported")


def project_prunes(manifest: Manifest, project_key: str) -> bool:
    """Whether undeclared children of project ``project_key`` are deleted: the project's own
    ``prune`` when it sets one, else the top-level ``prune``."""
    own = manifest.project_prune_flags.get(project_key)
    return own if own is not None else bool(manifest.document.get("prune", False))


_SECRET_NAME_DROP = re.compile(r"[^A-Za-z0-9]+")


def export_secret(*parts: str) -> Sensitive:
    """A ``secret('NAME')`` placeholder for an exported write-only value.

    NAME is the parts upper-cased and joined with ``_`` (``export_secret("gpt-4o", "api key")``
    -> ``GPT_4O_API_KEY``), so each exported secret suggests its own environment variable.
    """
    name = _SECRET_NAME_DROP.sub("_", "_".join(parts)).strip("_").upper() or "SECRET"
    if name[0].isdigit():
        name = f"_{name}"
    return Sensitive(secret_token(name))
