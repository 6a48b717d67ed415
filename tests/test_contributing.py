"""CONTRIBUTING.md stays true: its rooms table says what ``tests/test_architecture.py``
enforces, and every repository path it names exists."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_architecture import ALLOWED_ROOMS, ROOMS

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def _rooms_table() -> dict[str, set[str]]:
    """room -> the package rooms its 'may import' cell names (``every room``: all of them)."""
    section = TEXT.split("## The rooms")[1].split("\n## ")[0]
    table: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        room = re.fullmatch(r"`(\w+)/`", cells[0]) if len(cells) == 3 else None
        if room:
            named = set(re.findall(r"`(\w+)`", cells[2])) & set(ROOMS)
            table[room.group(1)] = set(ROOMS) if "every room" in cells[2] else named
    return table


def test_the_rooms_table_is_the_enforced_one() -> None:
    table = _rooms_table()
    assert set(table) == set(ROOMS)
    for room, allowed in ALLOWED_ROOMS.items():
        assert table[room] - {room} == allowed - {room}, f"CONTRIBUTING.md: {room}/ may import"


def test_every_path_it_names_exists() -> None:
    top = r"`((?:tests|scripts|benchmarks|schemas|examples|adaptive_plan|\.ci)/[\w./-]*)`"
    inner = r"`((?:cli|kinds|manifest|emulator)/[\w.-]+\.py)`"
    named = set(re.findall(top, TEXT)) | {f"adaptive_plan/{p}" for p in re.findall(inner, TEXT)}
    assert len(named) > 15
    missing = sorted(p for p in named if "<" not in p and "NNN" not in p and not (ROOT / p).exists())
    assert missing == [], missing
