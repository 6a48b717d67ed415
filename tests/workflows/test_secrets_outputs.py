"""Canary secrets never reach any output: plan text, JSON and markdown, the saved plan file, the
GitHub step summary, apply's output (direct and from a saved plan), ``--replace`` re-sends and
refusals. The canaries do reach the emulator, so the check is not vacuous."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

CANARIES = {
    "WF_SECRET_OPENAI": "canary-openai-0f9e8d7c",
    "WF_SECRET_HOOK": "canary-hook-1a2b3c4d",
    "WF_SECRET_CRM": "canary-crm-5e6f7a8b",
}


def write_manifest(directory: Path, sfx: str) -> str:
    (directory / "m.yaml").write_text(
        f"""version: 1
teams: [{{key: sec-{sfx}, name: Secrets}}]
models:
  - key: judge-{sfx}
    external:
      provider: open_ai
      external_model_id: gpt-4o
      api_key: "{{{{ secret('WF_SECRET_OPENAI') }}}}"
integrations:
  - team: sec-{sfx}
    name: alerts
    provider: slack
    connection: {{webhook_url: "https://hooks.example/{{{{ secret('WF_SECRET_HOOK') }}}}"}}
  - team: sec-{sfx}
    name: crm
    provider: webhook
    connection:
      url: https://crm.example/hook
      method: POST
      headers: {{Authorization: "Bearer {{{{ secret('WF_SECRET_CRM') }}}}"}}
projects:
  - key: sec-{sfx}
    name: Secrets
    team: sec-{sfx}
    graders:
      - key: judge
        judge: {{model: judge-{sfx}, criteria: The reply is polite.}}
""",
        encoding="utf-8",
    )
    return str(directory)


def assert_no_canary(label: str, text: str) -> None:
    for name, value in CANARIES.items():
        assert value not in text, f"{name}'s value leaked into {label}"


def emulator_holds_canaries(emu) -> bool:
    """The server got the values: it keeps only their sha256 (integrations' ``secretDigests``,
    model API keys as blobs), never the values themselves."""
    sent = {
        "https://hooks.example/" + CANARIES["WF_SECRET_HOOK"],
        "Bearer " + CANARIES["WF_SECRET_CRM"],
        CANARIES["WF_SECRET_OPENAI"],
    }
    stored = json.dumps(emu.store.list("integration"), default=str)
    for model in emu.store.list("model"):
        stored += (emu.store.get_blob(f"secret:model:{model['id']}") or b"").decode()
    digests = {hashlib.sha256(value.encode()).hexdigest() for value in sent}
    return all(d in stored for d in digests) and not any(v in stored for v in CANARIES.values())


def test_canaries_never_appear_in_any_output(run, emu, tmp_path: Path, sfx: str) -> None:
    (tmp_path / "m").mkdir()
    path = write_manifest(tmp_path / "m", sfx)
    summary = tmp_path / "summary.md"
    env = {**CANARIES, "GITHUB_STEP_SUMMARY": str(summary)}
    saved = tmp_path / "plan.json"
    seen: dict[str, str] = {}
    for fmt in ("text", "json", "markdown"):
        result = run("plan", path, "--format", fmt, "--github", "-o", str(saved), connect=True, env=env)
        assert result.exit_code == 0, result.output
        seen[f"plan --format {fmt}"] = result.stdout + result.stderr
    plan_text = json.loads(seen["plan --format json"].split("\nSaved the plan")[0])
    assert any(a["sensitive"] for c in plan_text["changes"] for a in c["attributes"])
    seen["saved plan file"] = saved.read_text(encoding="utf-8")
    assert "@@adaptive-secret:WF_SECRET_CRM@@" in seen["saved plan file"]  # a reference, not the value
    seen["step summary"] = summary.read_text(encoding="utf-8")
    applied = run("apply", str(saved), "--auto-approve", connect=True, env=env)
    assert applied.exit_code == 0, applied.output
    seen["apply FILE"] = applied.stdout + applied.stderr
    assert emulator_holds_canaries(emu)
    replaced = run(
        "apply", path, "--auto-approve", "--replace", f"integration.sec-{sfx}/crm",
        "--replace", f"model.judge-{sfx}", connect=True, env=env,
    )
    assert replaced.exit_code == 0, replaced.output
    assert "sensitive" in replaced.stdout
    seen["apply --replace"] = replaced.stdout + replaced.stderr
    for fmt in ("json", "markdown"):
        again = run("plan", path, "--format", fmt, "--replace", f"integration.sec-{sfx}/alerts",
                    connect=True, env=env)
        seen[f"plan --replace --format {fmt}"] = again.stdout + again.stderr
    for label, text in seen.items():
        assert text, label
        assert_no_canary(label, text)


def test_refusals_and_errors_do_not_echo_secrets(run, tmp_path: Path, sfx: str) -> None:
    path = write_manifest(tmp_path, sfx)
    unset = {name: value for name, value in CANARIES.items() if name != "WF_SECRET_CRM"}
    refused = run("apply", path, "--auto-approve", connect=True, env=unset)
    assert refused.exit_code == 1
    assert f"secret variables not set: WF_SECRET_CRM (sent by integration.sec-{sfx}/crm at " in refused.stderr
    saved = tmp_path / "plan.json"
    assert run("plan", path, "-o", str(saved), connect=True, env=CANARIES).exit_code == 0
    refused_saved = run("apply", str(saved), "--auto-approve", connect=True, env=unset)
    assert refused_saved.exit_code == 1
    sender = f"integration.sec-{sfx}/crm at "
    assert f"secret variables not set: WF_SECRET_CRM (sent by {sender}" in refused_saved.stderr
    assert "nothing was changed" in refused_saved.stderr
    no_tty = run("apply", path, connect=True, env=CANARIES)
    assert no_tty.exit_code == 1 and "pass --auto-approve" in no_tty.stderr
    results = (("missing secret", refused), ("missing secret, saved", refused_saved), ("no approval", no_tty))
    for label, result in results:
        assert_no_canary(label, result.stdout + result.stderr)
