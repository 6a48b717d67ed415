"""Item 9 of issue 10: recipe code re-uploaded out of band (the SDK keeps adaptive-plan's labels)
is seen by plan and drift through the server's ``contentHash``, recorded beside adaptive-plan's
own hash at upload, with no extra request while nothing changed."""

from __future__ import annotations

from pathlib import Path

from _e2e import mutations


def _recipe(cli, sfx: str, code: str) -> None:
    (cli.dir / "code").mkdir(exist_ok=True)
    (cli.dir / "code" / "main.py").write_text(code, encoding="utf-8")
    recipes = "    recipes:\n      - {key: train, path: code}\n"
    cli.write(f"projects:\n  - key: rh-{sfx}\n    name: RH\n" + recipes)


def test_an_sdk_re_upload_is_drift_and_nothing_changed_costs_no_download(
    cli, sdk, sfx: str, tmp_path: Path
) -> None:
    _recipe(cli, sfx, "VERSION = 1\n")
    applied = cli.apply_ok()
    assert mutations(applied) == ["CreateProject", "CreateCustomRecipe", "UpdateCustomRecipe"], applied
    recipe = sdk.recipes.get(recipe_key="train", project=f"rh-{sfx}")
    labels = {label.key: label.value for label in recipe.labels}
    assert labels["adaptive-plan/server-content-hash"]  # recorded from the upload's response
    quiet = cli.assert_no_changes()
    assert quiet.http_requests == 2, quiet  # LiveState + LiveScoped: labels trusted, nothing downloaded

    newer = tmp_path / "newer"
    newer.mkdir()
    (newer / "main.py").write_text("VERSION = 2\n", encoding="utf-8")
    sdk.recipes.update(recipe_key="train", path=str(newer), project=f"rh-{sfx}")  # keeps our labels

    drift = cli.run("drift", str(cli.dir), "--no-color")
    assert drift.exit_code == 2, drift
    assert f"project.rh-{sfx}/recipe.train" in drift.stdout and "content_hash" in drift.stdout, drift
    plan = cli.plan("--detailed-exitcode")
    assert plan.exit_code == 2 and "upload" in plan.stdout, plan
    assert plan.http_requests == 3, plan  # the two reads and one download of the changed recipe

    _recipe(cli, sfx, "VERSION = 2\n")  # the manifest adopts the new code: nothing to upload
    adopted = cli.assert_no_changes()
    assert adopted.http_requests == 3, adopted  # still downloaded: the recorded server hash is stale
    _recipe(cli, sfx, "VERSION = 3\n")
    cli.apply_ok()  # an upload records the server hash again ...
    again = cli.assert_no_changes()
    assert again.http_requests == 2, again  # ... so the next plan needs no download
