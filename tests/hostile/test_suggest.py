"""Did-you-mean over many candidates (``model.suggest.Suggester``): right answers, bounded work."""

from __future__ import annotations

import difflib

from adaptive_plan.model import suggest
from adaptive_plan.model.suggest import Suggester


def test_small_candidate_lists_answer_exactly_as_difflib() -> None:
    choices = ["ml-platform", "support", "research", "default"]
    suggester = Suggester(choices)
    for name in ("ml-platfrom", "suport", "reserch", "nothing-alike", "DEFAULT"):
        expected = difflib.get_close_matches(name, choices, n=1)
        assert suggester.closest(name) == (expected[0] if expected else None)


def test_a_typo_is_found_among_twenty_thousand_candidates() -> None:
    choices = [f"team-{i:05d}" for i in range(20_000)] + ["ml-platform", "support-bot-prod"]
    suggester = Suggester(choices)
    assert suggester.closest("ml-platfrom") == "ml-platform"
    assert suggester.closest("support-bot-prd") == "support-bot-prod"
    assert suggester.closest("team-01234x") == "team-01234"
    assert suggester.closest("zzzzzz") is None
    assert suggester.hint("ml-platfrom") == " (did you mean 'ml-platform'?)"


def test_work_per_lookup_is_bounded_whatever_the_candidates(monkeypatch) -> None:
    """difflib only ever sees MAX_CANDIDATES candidates (a bounded slice of an index):
    N lookups among N candidates cost about N, not N² (figures in /work/notes/hostile.md)."""
    pools: list[int] = []
    real = difflib.get_close_matches

    def spy(word, possibilities, *args, **kwargs):
        pools.append(len(possibilities))
        return real(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(suggest.difflib, "get_close_matches", spy)
    suggester = Suggester(f"team-{i:05d}" for i in range(20_000))
    for i in range(200):
        suggester.closest(f"squad-{i:05d}")
    assert len(pools) == 200 and max(pools) <= suggest.MAX_CANDIDATES
