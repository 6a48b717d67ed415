"""The pieces of the reviewer's screen that need no emulator: cutting a long value around its
first difference never makes before and after look equal; the markdown headline counts like
its table; a create with nothing to expand is one line, not an empty ``<details>``."""

from __future__ import annotations

import random
import re

from adaptive_plan.model.plan import Action, Change, Plan
from adaptive_plan.render.markdown import render_plan_markdown
from adaptive_plan.render.value_diff import WIDTH, cut_around_difference, describe_change
from tests.render.render_sample import sample_plan


def test_cut_values_never_look_equal() -> None:
    rng = random.Random(7)
    for _ in range(2_000):
        length = rng.randrange(1, 900)
        before = "".join(rng.choice("ab \n") for _ in range(length))
        position = rng.randrange(length)
        after = before[:position] + rng.choice(["c", "", "cc"]) + before[position + 1 :]
        old, new = cut_around_difference(before, after)
        assert old != new, (before, after)
        assert len(old) <= WIDTH + 2 and len(new) <= WIDTH + 2


def test_a_long_list_is_a_line_diff_and_short_values_stay_on_one_line() -> None:
    long_before = [f"team-{index:03d}" for index in range(40)]
    shown = describe_change(long_before, [*long_before[:20], "team-new", *long_before[21:]])
    assert shown.shape == "lines"
    assert '-  "team-020",' in shown.lines and '+  "team-new",' in shown.lines
    assert describe_change("a", "b").shape == "short"
    assert describe_change(None, "one\ntwo").lines == ("+one", "+two")


def test_the_markdown_headline_counts_like_its_table() -> None:
    markdown = render_plan_markdown(sample_plan())
    counts = r"\*\*Plan: (\d+) to create, (\d+) to update, (\d+) to replace, (\d+) to delete\."
    headline = re.search(counts, markdown)
    assert headline is not None, markdown[:400]
    table = dict(re.findall(r"^\| \S+ (create|update|replace|delete) \| (\d+) \|$", markdown, re.MULTILINE))
    counted = dict(zip(("create", "update", "replace", "delete"), headline.groups(), strict=True))
    assert {action: n for action, n in counted.items() if n != "0"} == table
    assert "| 0 | 0 | 0 | 0 |" not in markdown and "no-op" not in markdown.split("### Changes")[0]


def test_a_create_without_attributes_is_one_line_and_the_cut_note_needs_no_credentials() -> None:
    bare = Change("project.x/share.t", "share", Action.CREATE)
    markdown = render_plan_markdown(Plan(changes=[bare]))
    assert "<details>" not in markdown and "- <code>+ project.x/share.t</code>" in markdown
    many = Plan(changes=[Change(f"team.t{index}", "team", Action.CREATE) for index in range(200)])
    cut = render_plan_markdown(many, limit=2_000)
    assert "more resources not shown" in cut
    assert "`adaptive-plan show plan.json`" in cut and "run `adaptive-plan plan`" not in cut
