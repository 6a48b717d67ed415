"""``--local``: an embedded emulator whose state lives in ``.adaptive-plan/local.db``.

The emulator runs in a background thread of this process for the duration of the
command, so ``adaptive-plan apply examples/quickstart --local --auto-approve`` needs
no server and no key, and a later ``plan --local`` sees what apply made. The folder gets
a ``.gitignore`` of ``*`` when it is made, so the state never lands in a commit; the
emulator keeps no secret value in it (only masked forms and hashes).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from adaptive_plan.emulator.server import run_emulator

LOCAL_DIR = ".adaptive-plan"
LOCAL_DB = "local.db"
LOCAL_API_KEY = "adaptive-plan-local-admin-key"


@contextmanager
def local_instance(directory: Path | None = None) -> Iterator[tuple[str, str]]:
    """Start the embedded emulator on a free loopback port; yield ``(url, api_key)``."""
    state_dir = (directory or Path.cwd()) / LOCAL_DIR
    state_dir.mkdir(parents=True, exist_ok=True)
    ignore = state_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# adaptive-plan --local state: never commit it\n*\n", encoding="utf-8")
    with run_emulator(db_path=str(state_dir / LOCAL_DB), api_key=LOCAL_API_KEY) as emulator:
        yield emulator.url, emulator.api_key
