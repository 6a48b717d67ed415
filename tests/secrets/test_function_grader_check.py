"""Item 10 of issue 10: a function grader whose code the server rejects fails at plan time, with
file:line, through ``validateFunctionGrader`` (one extra request, only when the plan creates or
updates function graders), and apply sends nothing."""

from __future__ import annotations

from _e2e import mutations

GOOD = "async def grade(sample):\n    return 1.0\n"
BAD = "async def grade(sample):\n    return (1.0\n\nx = 1\n"


def _manifest(cli, sfx: str, code: str, *, in_file: bool = False) -> None:
    if in_file:
        (cli.dir / "grade.py").write_text(code, encoding="utf-8")
        function = "        function: {file: grade.py}\n"
    else:
        body = "".join(f"            {line}\n" for line in code.splitlines())
        function = "        function:\n          source: |\n" + body
    cli.write(
        f"projects:\n  - key: fg-{sfx}\n    name: FG\n    graders:\n      - key: scorer\n" + function
    )


def test_a_syntax_error_fails_the_plan_with_file_line_and_apply_sends_nothing(cli, sdk, sfx: str) -> None:
    sdk.projects.create(key=f"fg-other-{sfx}", name="Other")  # the instance has a project to check in
    _manifest(cli, sfx, BAD)
    path = cli.dir / "manifest.yaml"
    plan = cli.plan()
    assert plan.exit_code == 1 and plan.exception is None, plan
    # "version: 1" is line 1, the source block starts on line 9; the server names code line 2
    where = f"{path}:10:1: project.fg-{sfx}/grader.scorer"
    assert f"{where}: the function grader's code fails" in plan.stderr, plan
    assert "validateFunctionGrader (syntax)" in plan.stderr and plan.stdout == "", plan
    assert plan.operations == ["LiveState", "LiveScoped", "PlanChecks"], plan
    applied = cli.apply()
    assert applied.exit_code == 1 and mutations(applied) == [], applied  # the project was not created
    assert f"fg-{sfx}" not in [project.key for project in sdk.projects.list()]

    _manifest(cli, sfx, GOOD)
    cli.apply_ok()
    quiet = cli.assert_no_changes()
    assert "PlanChecks" not in quiet.operations, quiet  # nothing to create or update: nothing to check

    _manifest(cli, sfx, BAD, in_file=True)  # an update is checked too, and a file names its own line
    update = cli.plan()
    assert update.exit_code == 1, update
    assert f"{cli.dir / 'grade.py'}:2:1: project.fg-{sfx}/grader.scorer:" in update.stderr, update
    assert cli.apply().exit_code == 1
    _manifest(cli, sfx, GOOD, in_file=True)
    cli.assert_no_changes()  # the live grader still has the good code: nothing was sent


def test_many_function_graders_are_checked_in_one_request(cli, sdk, sfx: str) -> None:
    body = "".join(
        f"      - key: g{n}\n        function:\n          source: |\n"
        f"            async def grade(sample):\n                return {n}\n"
        for n in range(5)
    )
    cli.write(f"projects:\n  - key: fm-{sfx}\n    name: FM\n    graders:\n" + body)
    sdk.projects.create(key=f"fm-other-{sfx}", name="Other")
    plan = cli.plan()
    assert plan.exit_code == 0, plan
    assert plan.operations == ["LiveState", "LiveScoped", "PlanChecks"], plan


def test_on_an_instance_without_projects_the_local_parser_stands_in(own, sfx: str) -> None:
    cli, _sdk = own
    _manifest(cli, sfx, BAD)
    plan = cli.plan()
    assert plan.exit_code == 1 and plan.exception is None, plan
    assert f"{cli.dir / 'manifest.yaml'}:10:1: project.fg-{sfx}/grader.scorer:" in plan.stderr, plan
    assert "does not parse with Python" in plan.stderr and f"--target project.fg-{sfx}" in plan.stderr, plan
    assert "PlanChecks" not in plan.operations, plan
    _manifest(cli, sfx, GOOD)
    good = cli.plan()
    assert good.exit_code == 0, good
    assert "the server cannot validate the function grader's code before apply" in good.output, good
