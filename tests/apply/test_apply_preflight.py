"""Pre-apply checks and upload packaging (pure, no server)."""

from __future__ import annotations

import io
import zipfile

from apply_steps import online, plan_of, team

from adaptive_plan.apply.preflight import check_plan_secrets, deletions
from adaptive_plan.apply.requests import read_upload, zip_directory
from adaptive_plan.model.plan import Action, Change, Plan, Poll
from adaptive_plan.model.secrets import Sensitive, secret_token


def test_missing_secrets_are_named() -> None:
    plan = plan_of(
        team("a", name=Sensitive(secret_token("A_NAME") + "-" + secret_token("B_NAME"))),
        team("b", name=Sensitive(secret_token("SET_ONE"))),
    )
    assert check_plan_secrets(plan, {"SET_ONE": "x"}) == ["A_NAME", "B_NAME"]
    assert check_plan_secrets(plan, {"SET_ONE": "", "A_NAME": "a", "B_NAME": "b"}) == []


def test_poll_variables_count_as_needed_secrets() -> None:
    poll = Poll(online("p", "m").document, {"project": Sensitive(secret_token("POLL_KEY"))}, "x", ("ONLINE",))
    step = team("a")
    plan = Plan(
        changes=[
            Change(
                "team.a", "team", Action.CREATE, steps=(step.__class__(**{**step.__dict__, "poll": poll}),)
            )
        ]
    )
    assert check_plan_secrets(plan, {}) == ["POLL_KEY"]


def test_deletions_are_deletes_and_replaces_that_send_something() -> None:
    step = team("a")
    plan = Plan(
        changes=[
            Change("team.a", "team", Action.CREATE, steps=(step,)),
            Change("grader.g", "grader", Action.DELETE, steps=(step,)),
            Change("model.m", "model", Action.REPLACE, steps=(step,)),
            Change("team.kept", "team", Action.NOOP, warnings=("cannot be deleted",)),
        ]
    )
    assert [change.address for change in deletions(plan)] == ["grader.g", "model.m"]


def test_directory_zip_is_deterministic_sorted_and_relative(tmp_path) -> None:
    root = tmp_path / "recipe"
    (root / "b").mkdir(parents=True)
    (root / "z.py").write_text("z")
    (root / "b" / "a.py").write_text("a" * 1000)
    first = zip_directory(root)
    (root / "z.py").touch()
    assert zip_directory(root) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == ["b/a.py", "z.py"]
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
        assert archive.read("b/a.py") == b"a" * 1000
    assert read_upload(root)[::2] == ("recipe.zip", "application/zip")
    assert read_upload(root / "z.py") == ("z.py", b"z", "text/x-python")
