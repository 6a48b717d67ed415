"""Item 14 of issue 10: a secret a server echoes back never reaches a message, whatever spelling
the server used, and URL user-info (``http://user:pass@host``) never appears anywhere.

Both drive the real CLI against the emulator; the echoes come from ``_echo_proxy`` in front of it.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from _echo_proxy import spellings
from click.testing import CliRunner

from adaptive_plan.api.scrub import Scrubber
from adaptive_plan.cli.main import cli as main

CANARY = "https://hooks.example/T0/canary-ü<&>-9f3e d"


def _manifest(cli, sfx: str) -> None:
    cli.write(
        f"""
        teams: [{{key: echo-{sfx}, name: Echo}}]
        integrations:
          - team: echo-{sfx}
            name: alerts
            provider: slack
            connection: {{webhook_url: "{{{{ secret('ECHO_HOOK') }}}}"}}
        """
    )


def _leaks(text: str) -> list[str]:
    forms = spellings(CANARY)
    return [name for name, form in forms.items() if form in text] + (["tail"] if "9f3e" in text else [])


@pytest.mark.parametrize("status", [200, 400], ids=["graphql-error", "http-400-text"])
def test_a_secret_echoed_in_any_spelling_is_masked(cli, echo_proxy, sfx: str, status: int) -> None:
    _manifest(cli, sfx)
    echo_proxy.canaries.append(CANARY)
    echo_proxy.status = status
    run = cli.run(
        "apply", str(cli.dir), "--auto-approve", "--no-color",
        "--url", echo_proxy.url, "--api-key", cli.emu.api_key, env={"ECHO_HOOK": CANARY},
    )
    assert run.exit_code == 1, run
    assert run.exception is None, run
    assert echo_proxy.echoed >= 1  # the server did echo the value, in every spelling
    assert f"integration.echo-{sfx}/alerts" in run.output and "invalid connection config" in run.output, run
    assert _leaks(run.output) == [], run
    assert "(sensitive)" in run.output, run


def test_every_spelling_and_mixtures_are_masked() -> None:
    scrub = Scrubber([], secrets=[CANARY])
    for name, form in spellings(CANARY).items():
        assert "9f3e" not in scrub(f"said {form}!"), name
    mixed = CANARY.replace("/", "\\/", 1).replace("ü", "%C3%BC")  # only some characters escaped
    assert scrub(f"x {mixed} y") == "x *** y"
    short = Scrubber([], secrets=["ab1"])  # a known secret is masked whatever its length
    assert short("key ab1 used") == "key *** used"


def test_url_user_info_never_appears(cli, echo_proxy, sfx: str, tmp_path: Path) -> None:
    cli.write(f"teams: [{{key: ui-{sfx}, name: UI}}]\n")
    host = echo_proxy.url.split("://", 1)[1]
    url = f"http://canaryuser:canary-pass-7d1e@{host}"
    connect = ("--url", url, "--api-key", cli.emu.api_key)
    saved = tmp_path / "plan.json"
    runs = {
        "plan": cli.run("plan", str(cli.dir), "--no-color", *connect),
        "plan json": cli.run("plan", str(cli.dir), "--format", "json", *connect),
        "plan markdown": cli.run("plan", str(cli.dir), "--format", "markdown", *connect),
        "plan -o": cli.run("plan", str(cli.dir), "--no-color", "-o", str(saved), *connect),
    }
    assert all(run.exit_code == 0 for run in runs.values()), runs
    assert echo_proxy.basic_auth_seen >= 4  # the user-info was used: it reached the proxy as basic auth
    applied = CliRunner().invoke(main, ["apply", str(saved), "--auto-approve", "--no-color", *connect])
    assert applied.exit_code == 0, applied.output
    texts_of_apply = applied.stdout + applied.stderr
    unreachable = "http://canaryuser:canary-pass-7d1e@127.0.0.1:9"
    runs["unreachable"] = cli.run("plan", str(cli.dir), "--url", unreachable, "--api-key", "k")
    assert runs["unreachable"].exit_code == 1
    assert "cannot reach http://127.0.0.1:9" in runs["unreachable"].stderr
    texts = {label: run.output for label, run in runs.items()}
    texts |= {"plan file": saved.read_text("utf-8"), "apply saved": texts_of_apply}
    assert json.loads(texts["plan file"])["target_url"] == f"http://{host}"
    for label, text in texts.items():
        assert "canary-pass-7d1e" not in text and "canaryuser" not in text, f"user-info leaked into {label}"


def test_a_server_echoing_the_basic_auth_header_does_not_show_the_password(cli, echo_proxy, sfx: str) -> None:
    cli.write(f"teams: [{{key: ba-{sfx}, name: BA}}]\n")
    echo_proxy.echo_auth = True
    host = echo_proxy.url.split("://", 1)[1]
    run = cli.run("plan", str(cli.dir), "--url", f"http://canaryuser:canary-pass-7d1e@{host}",
                  "--api-key", cli.emu.api_key)
    token = base64.b64encode(b"canaryuser:canary-pass-7d1e").decode()
    assert run.exit_code == 1 and echo_proxy.echoed == 1 and "rejected Basic" in run.stderr, run
    assert "canary-pass-7d1e" not in run.output and token not in run.output, run


def test_a_secret_echoed_to_a_batch_of_calls_is_masked(cli, echo_proxy, sfx: str) -> None:
    """Three integration creates on one request slot go as one batched request; the careless
    server echoes the canary to it and then to each call run again alone: no spelling leaks."""
    names = ("alerts", "pager", "digest")
    cli.write(
        f"teams: [{{key: echo-{sfx}, name: Echo}}]\nintegrations:\n"
        + "".join(
            f"  - {{team: echo-{sfx}, name: {name}, provider: slack,"
            f" connection: {{webhook_url: \"{{{{ secret('ECHO_HOOK') }}}}\"}}}}\n"
            for name in names
        )
    )
    echo_proxy.canaries.append(CANARY)
    echo_proxy.status = 200
    before = len(cli.emu.stats.operations)
    run = cli.run(
        "apply", str(cli.dir), "--auto-approve", "--no-color", "--parallelism", "1",
        "--url", echo_proxy.url, "--api-key", cli.emu.api_key, env={"ECHO_HOOK": CANARY},
    )
    assert run.exit_code == 1 and run.exception is None, run
    assert echo_proxy.echoed == 4  # one batched request, then each call alone
    for name in names:
        assert f"integration.echo-{sfx}/{name}" in run.output, run
    assert _leaks(run.output) == [], run
    assert "(sensitive)" in run.output, run
    assert cli.emu.stats.operations[before:].count("CreateIntegration") == 0  # the proxy answered all
