"""No secret leaks: the API key and the OAuth client secret (distinctive values configured on the sandbox)
never appear in the CLI's JSON logs or output, the ledger, any ``.error.json``, or exception texts, also
when requests fail (injected 5xx and 429) and when the credentials are wrong."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from reliability.harness import CLI, cli_environment, sandbox_config

from ingest.benchling import BenchlingClient, ClientCredentials
from ingest.errors import IngestError
from ingest.sandbox import FaultRule, FaultSpec, SandboxServer
from tests.support.corpus import write_corpus, write_malformed

API_KEY = "sk_live_RELIABILITY_apikey_6b1f0c9e2d"
CLIENT_ID = "reliability-oauth-client"
CLIENT_SECRET = "cs_RELIABILITY_oauthsecret_93ad7e51"
WRONG_SECRET = "cs_WRONG_oauthsecret_0f2b8c44aa"
SECRETS = (API_KEY, CLIENT_SECRET, WRONG_SECRET)
SOME_FAULTS = FaultSpec(rules=(FaultRule(probabilities={"500": 0.05, "429": 0.05, "drop": 0.02}),))


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def run_cli(folder: Path, work: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    files = sorted(str(p) for p in folder.iterdir() if not p.name.endswith("_trace.csv"))
    command = [str(CLI), "run", *files, "--log-json", "--archive", str(work / "archive")]
    command += ["--failed", str(work / "failed"), "--ledger", str(work / "state" / "ledger.sqlite")]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)


def test_secrets_never_leave_the_process(tmp_path: Path, map_without_png: Path) -> None:
    config = sandbox_config(
        api_keys=(API_KEY,), oauth_clients={CLIENT_ID: CLIENT_SECRET}, faults=SOME_FAULTS, seed=3
    )
    with SandboxServer(config) as server:
        oauth = {"BENCHLING_CLIENT_ID": CLIENT_ID, "BENCHLING_CLIENT_SECRET": CLIENT_SECRET}
        wrong = {"BENCHLING_CLIENT_ID": CLIENT_ID, "BENCHLING_CLIENT_SECRET": WRONG_SECRET}
        scenarios = {
            "api_key": {"BENCHLING_API_KEY": API_KEY},
            "oauth": oauth,
            "wrong_secret": wrong,
        }
        outputs: dict[str, subprocess.CompletedProcess[str]] = {}
        for name, secret in scenarios.items():
            folder = tmp_path / name / "inbox"
            write_corpus(folder, 6, seed=len(outputs))
            write_malformed(folder / "bad")
            for bad in sorted((folder / "bad").iterdir())[:12]:
                bad.rename(folder / bad.name)
            env = cli_environment(server, tmp_path / name / "state", map_without_png, secret=secret)
            outputs[name] = run_cli(folder, tmp_path / name, env)
        runs = server.store.runs()

        with BenchlingClient(server.base_url, ClientCredentials(CLIENT_ID, WRONG_SECRET)) as refused:
            try:
                refused.list_registries()
            except IngestError as exc:
                failure = exc
            else:
                raise AssertionError("a wrong OAuth secret was accepted")
        with BenchlingClient(server.base_url, ClientCredentials(CLIENT_ID, CLIENT_SECRET)) as accepted:
            accepted.list_registries()
            client_repr = repr(accepted)

    # The scan means something only if the credentials were used: good files went in with both
    # kinds of credentials, and the wrong secret was refused.
    assert len(runs) == 12, [o.stderr[-2000:] for o in outputs.values()]
    assert outputs["api_key"].returncode == 1 and outputs["oauth"].returncode == 1  # the bad files failed
    assert outputs["wrong_secret"].returncode != 0
    assert '"level": "error"' in outputs["api_key"].stderr, "--log-json should have logged the failures"

    found: dict[str, list[str]] = {}
    for name, output in outputs.items():
        found[f"{name} stdout"] = leaks(output.stdout)
        found[f"{name} stderr"] = leaks(output.stderr)
    reports = list(tmp_path.rglob("*.error.json"))
    assert len(reports) >= 24
    for path in reports + [p for p in tmp_path.rglob("ledger.sqlite*") if p.is_file()]:
        found[str(path.relative_to(tmp_path))] = leaks(path.read_bytes().decode("utf-8", errors="replace"))
    found["exception"] = leaks(f"{failure} {failure!r} {json.dumps(failure.to_dict(), default=str)}")
    found["client repr"] = leaks(client_repr)
    assert {where: hit for where, hit in found.items() if hit} == {}
