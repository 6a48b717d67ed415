"""The text plan: golden output, saved-plan round trip, colours and secrets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from render_sample import sample_plan

from adaptive_plan.model.plan import Action, Change, Plan
from adaptive_plan.render.text import render_plan_text

GOLDEN = Path(__file__).parent / "golden" / "plan.txt"


def test_matches_the_golden_file() -> None:
    text = render_plan_text(sample_plan(), color=False)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.parametrize("color", [False, True])
def test_a_saved_plan_renders_exactly_like_the_plan(color: bool) -> None:
    plan = sample_plan()
    assert render_plan_text(Plan.from_dict(plan.to_dict()), color=color) == render_plan_text(
        plan, color=color
    )


def test_secrets_never_reach_the_text() -> None:
    for color in (False, True):
        text = render_plan_text(sample_plan(), color=color)
        assert "adaptive-secret" not in text and "OPENAI_API_KEY" not in text
        assert "(sensitive)" in text


def test_colour_only_when_asked() -> None:
    assert "\x1b[" not in render_plan_text(sample_plan(), color=False)
    coloured = render_plan_text(sample_plan(), color=True)
    assert "\x1b[32;1m+\x1b[0m" in coloured and "\x1b[31m" in coloured


def test_summary_counts_a_replace_as_create_and_delete() -> None:
    assert (
        render_plan_text(sample_plan(), color=False).splitlines()[-2]
        == "Plan: 4 to create, 1 to update, 2 to delete."
    )


def test_no_changes() -> None:
    plan = Plan(changes=[Change("team.a", "team", Action.NOOP)], unmanaged=["team.b"])
    text = render_plan_text(plan, color=False)
    assert text.endswith("No changes. Live state matches the manifests.\n")
    assert "? team.b" in text
    assert "team.a" not in text


def test_allowed_deletions_carry_no_refusal_note() -> None:
    plan = sample_plan()
    plan.allow_delete = True
    assert "--allow-delete" not in render_plan_text(plan, color=False)
