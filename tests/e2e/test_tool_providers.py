"""Tool providers and the deployment fields that bind them, through the real CLI against a real
emulator: create, update in place, a change made with the official SDK's generated client shows
in ``drift`` and converges, undeclared ones are unmanaged then pruned, the deletion of one a
deployment uses warns in text, JSON and markdown, and ``export`` gives manifests with an
empty plan. After every apply the plan is empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from _e2e import Cli, assert_plan_shows, mutations
from click.testing import CliRunner

from adaptive_plan.cli.main import cli as adaptive_plan
from adaptive_plan.emulator.seed import SYSTEM_PROMPT_TEMPLATES, seed_id
from tests import sdk_hand as hand

SUPPORT, CONCISE = (seed_id("template", t["name"]) for t in SYSTEM_PROMPT_TEMPLATES)
MODEL = "llama-3.1-8b-instruct"


def _manifest(tools: str, deployment: str = "", prune: bool = False) -> str:
    return f"""\
projects:
  - key: tools-{{{{ vars.sfx }}}}
    prune: {str(prune).lower()}
    tool_providers:
{tools}
    models:
      - model: {MODEL}
{deployment}
"""


TWO_TOOLS = """\
      - {key: search, name: Search, uri: "https://search.example/mcp"}
      - {key: crm, uri: "https://crm.example/tools", protocol: http}"""


def test_tool_providers_and_deployment_bindings_round_trip(cli: Cli, sdk: Any, tmp_path: Path) -> None:
    project, service = f"project.tools-{cli.sfx}", f"project.tools-{cli.sfx}/model.{MODEL}"
    bind = f"""\
        name: Support model
        tool_providers: [search, crm]
        system_prompt_template: {SUPPORT}"""
    cli.write(_manifest(TWO_TOOLS, bind))
    applied = cli.apply_ok()
    assert_plan_shows(applied, "+", f"{project}/tool_provider.search", ['+ uri: "https://search.example/mcp"'])
    bound = ['+ tool_providers: ["crm", "search"]', '+ name: "Support model"']
    assert_plan_shows(applied, "+", service, bound)
    ops = mutations(applied)
    assert ops.count("CreateToolProvider") == 2
    assert ops.index("UpdateModel") > max(i for i, op in enumerate(ops) if op == "CreateToolProvider")
    read = hand.service(sdk, f"tools-{cli.sfx}", MODEL)
    assert read["name"] == "Support model" and read["systemPromptTemplate"]["id"] == SUPPORT
    assert sorted(t["key"] for t in read["toolProviders"]) == ["crm", "search"]
    cli.assert_no_changes()

    # update in place: the provider's uri, the deployment's list (as a set), template and name
    changed_tools = TWO_TOOLS.replace("search.example/mcp", "search.example/v2")
    rebind = bind.replace("[search, crm]", "[search]").replace(SUPPORT, CONCISE)
    cli.write(_manifest(changed_tools, rebind))
    applied = cli.apply_ok()
    lines = ['~ uri: "https://search.example/mcp" → "https://search.example/v2"']
    assert_plan_shows(applied, "~", f"{project}/tool_provider.search", lines)
    assert_plan_shows(applied, "~", service, ['~ tool_providers: ["crm", "search"] → ["search"]'])
    assert sorted(mutations(applied)) == ["UpdateModel", "UpdateToolProvider"]
    cli.assert_no_changes()

    # out of band with the SDK's generated client: drift names each change, apply converges
    key = f"tools-{cli.sfx}"
    hand.update_tool_provider(sdk, key, "crm", name="CRM by hand")
    hand.update_service(sdk, key, MODEL, tool_providers=["crm", "search"], name="Renamed")
    hand.create_tool_provider(sdk, key, "stray", "https://stray.example")
    drift = cli.run("drift", str(cli.dir), "--format", "json")
    assert drift.exit_code == 2, drift
    report = json.loads(drift.stdout)
    drifted = {d["address"]: {a["path"]: (a["live"], a["declared"]) for a in d["attributes"]}
               for d in report["drifted"]}
    assert drifted[service] == {"name": ("Renamed", "Support model"),
                                "tool_providers": (["crm", "search"], ["search"])}
    assert f"{project}/tool_provider.stray" in report["unmanaged"]
    assert f"{project}/tool_provider.crm" not in drifted  # its name is not declared: unmanaged
    cli.apply_ok()
    cli.assert_no_changes()

    # export of the project plans nothing
    out = tmp_path / "export"
    exported = cli.export("--project", key, "--out", str(out))
    assert exported.exit_code == 0, exported.output
    text = (out / "manifest.yaml").read_text(encoding="utf-8")
    assert "tool_providers:" in text and f"system_prompt_template: {CONCISE}" in text
    again = cli.run("plan", str(out), "--detailed-exitcode", "--no-color")
    assert again.exit_code == 0, again


def test_deleting_a_tool_provider_a_deployment_uses_warns_in_every_format(cli: Cli, sdk: Any) -> None:
    key = f"tools-{cli.sfx}"
    cli.write(_manifest(TWO_TOOLS, "        tool_providers: [search, crm]"))
    cli.apply_ok()
    hand.create_tool_provider(sdk, key, "stray", "https://stray.example")
    # the manifests keep binding crm at the deployment (undeclared tool provider, live): not pruned
    cli.write(_manifest("      - {key: search, uri: \"https://search.example/mcp\"}",
                        "        tool_providers: [search, crm]", prune=True))
    planned = cli.plan("--allow-delete")
    assert f"- project.{key}/tool_provider.stray" in planned.stdout, planned
    assert f"- project.{key}/tool_provider.crm" not in planned.stdout, planned

    # the deployment lets go of crm while prune removes it: a warning names the deployment
    cli.write(_manifest("      - {key: search, uri: \"https://search.example/mcp\"}", prune=True))
    warning = (
        f"deleting tool provider crm unbinds it from the deployments that use it: project.{key}/model.{MODEL}"
    )
    text = cli.plan("--allow-delete")
    assert warning in text.stdout, text
    as_json = cli.plan("--allow-delete", "--format", "json")
    document = json.loads(as_json.stdout)
    change = next(c for c in document["changes"] if c["address"] == f"project.{key}/tool_provider.crm")
    assert change["action"] == "delete"
    assert any(warning in w for w in change.get("warnings", []) + document["warnings"]), document
    markdown = cli.plan("--allow-delete", "--format", "markdown")
    assert warning in markdown.stdout, markdown
    applied = cli.apply_ok("--allow-delete")
    assert "DeleteToolProvider" in mutations(applied)
    assert [t["key"] for t in hand.tool_providers(sdk, key)] == ["search"]
    assert hand.service(sdk, key, MODEL)["toolProviders"] == [{"key": "search"}]
    cli.assert_no_changes()


def test_an_unknown_tool_provider_is_a_validate_warning_and_a_plan_error(cli: Cli) -> None:
    cli.write(_manifest("      - {key: search, uri: \"https://search.example/mcp\"}",
                        "        tool_providers: [serch]"))
    validated = CliRunner().invoke(adaptive_plan, ["validate", str(cli.dir), "--var", f"sfx={cli.sfx}"])
    assert validated.exit_code == 0, validated.output
    assert "manifest.yaml:9:" in validated.stdout
    assert "tool provider 'serch' is not declared" in validated.stdout
    assert "did you mean 'search'?" in validated.stdout
    planned = cli.plan()
    assert planned.exit_code == 1, planned
    assert f"references project.tools-{cli.sfx}/tool_provider.serch which is neither declared nor live" in (
        planned.output
    )
    assert mutations(planned) == []
