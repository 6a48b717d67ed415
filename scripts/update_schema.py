"""Regenerate the editor-only parts of the manifest schema in both of its copies.

    python scripts/update_schema.py          # rewrite schemas/ and adaptive_plan/schemas/
    python scripts/update_schema.py --check  # exit 1 if either copy is not up to date

Edit the schema by hand as usual (``description``, ``pattern``, ``enum`` ...), in both copies,
then run this: it adds ``markdownDescription`` beside each ``description`` and lets every
pattern and string enum also accept a ``{{ ... }}`` template (see
``adaptive_plan/manifest/editor_schema.py``). Running it twice changes nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adaptive_plan.manifest.editor_schema import for_editors, for_validation  # noqa: E402

# The packaged copy is a link to schemas/ today; both are named so that a real copy stays in step.
PATHS = (ROOT / "schemas" / "manifest.schema.json", ROOT / "adaptive_plan/schemas/manifest.schema.json")
COPIES = tuple({path.resolve(): path for path in PATHS}.values())


def render(schema: dict) -> str:
    return json.dumps(for_editors(schema), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    texts = [path.read_text(encoding="utf-8") for path in COPIES]
    schemas = [json.loads(text) for text in texts]
    if any(for_validation(schema) != for_validation(schemas[0]) for schema in schemas):
        names = " and ".join(str(path.relative_to(ROOT)) for path in COPIES)
        print(f"{names} differ: make the same change in both, then run this again", file=sys.stderr)
        return 1
    wanted = render(schemas[0])
    stale = [path for path, text in zip(COPIES, texts, strict=True) if text != wanted]
    if "--check" in argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is not up to date: run python scripts/update_schema.py",
                  file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted, encoding="utf-8")
        print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
