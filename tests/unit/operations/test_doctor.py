"""``doctor``'s checks against the sandbox in-process, under the variants they are meant to tell apart."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ingest.benchling import ApiKey, BenchlingClient, ClientCredentials, ClientSettings, RateLimit
from ingest.operations.doctor import CHECKS, Check, doctor_context, doctor_report, run_checks
from ingest.operations.doctor_context import CheckResult
from ingest.sandbox import RateLimit as SandboxRateLimit
from ingest.sandbox import SandboxConfig, Variants, create_app, inprocess_transport
from ingest.settings import load_settings
from tests.support.paths import SCHEMAS_MAP, TENANT_FILE

PROJECT = "LC Method Development"
#: The checks of this host, which need no Benchling settings.
LOCAL = ("folders", "ledger", "disk")
MISSING_FORMS = Variants.values_of("registry_missing") or ()


@contextmanager
def doctor(
    tmp_path: Path,
    *,
    variants: Variants | None = None,
    write_probe: str | None = None,
    map_text: str | None = None,
    configured: RateLimit | None = None,
    oauth: bool = False,
    api_key: str = "sandbox-api-key",
) -> Iterator[tuple[dict[str, CheckResult], Any]]:
    """Run every check against a fresh in-process sandbox; yields results by name and the sandbox state."""
    config = SandboxConfig.from_tenant_file(
        TENANT_FILE, rate_limit=SandboxRateLimit(60, 30), variants=variants or Variants()
    )
    app = create_app(config)
    map_path = SCHEMAS_MAP
    if map_text is not None:
        map_path = tmp_path / "map.yaml"
        map_path.write_text(map_text, encoding="utf-8")
    credentials = ClientCredentials("sandbox-client", "sandbox-secret") if oauth else ApiKey(api_key)
    client_settings = ClientSettings("http://sandbox", credentials, configured or RateLimit(60, 30))
    settings = load_settings({}, map_path=map_path, home=tmp_path / "home", client=client_settings)
    client = BenchlingClient("http://sandbox", credentials, transport=inprocess_transport(app))
    try:
        with doctor_context(settings, write_probe_project=write_probe, client=client) as context:
            yield {r.name: r for r in run_checks(context)}, app.state.sandbox
    finally:
        client.close()
        app.state.sandbox.close()


def statuses(results: dict[str, CheckResult]) -> dict[str, str]:
    return {name: r.status for name, r in results.items()}


def test_the_demo_tenant_passes_every_check_and_reads_only(tmp_path: Path) -> None:
    with doctor(tmp_path) as (results, state):
        assert statuses(results) == {
            "settings": "ok",
            "reachability": "ok",
            "credentials": "ok",
            "rate_limit": "ok",
            "unknown_registry_ids": "ok",
            "unknown_run_ids": "ok",
            "unknown_result_ids": "ok",
            "mapping": "ok",
            "client_ids": "skip",
            "datetime_format": "skip",
            "folders": "skip",
            "ledger": "ok",
            "disk": results["disk"].status,
        }
        assert results["disk"].status in ("ok", "warn")
        assert "--write-probe" in str(results["client_ids"].action)
        assert state.store.runs() == []
        assert not [e for e in state.request_log.entries() if e.method != "GET"], "read-only by default"


@pytest.mark.parametrize("form", MISSING_FORMS)
def test_the_registry_answer_for_unknown_ids_names_the_variant(tmp_path: Path, form: str) -> None:
    with doctor(tmp_path, variants=Variants(registry_missing=form)) as (results, _):  # type: ignore[arg-type]
        result = results["unknown_registry_ids"]
        assert result.details["form"] == form
        assert f"registry_missing={form}" in result.summary
        # A plain 400 is read by halving the id list: right, slower, so a warning.
        assert result.status == ("warn" if form == "bad_request_400" else "ok")


@pytest.mark.parametrize("form", MISSING_FORMS)
def test_run_and_result_answers_for_unknown_ids_name_the_variant(tmp_path: Path, form: str) -> None:
    variants = Variants(runs_missing=form, results_missing=form)  # type: ignore[arg-type]
    with doctor(tmp_path, variants=variants) as (results, _):
        assert results["unknown_run_ids"].details["form"] == form
        assert results["unknown_result_ids"].details["form"] == form
        assert f"runs_missing={form}" in results["unknown_run_ids"].summary


def test_the_write_probe_creates_one_run_and_archives_it(tmp_path: Path) -> None:
    with doctor(tmp_path, write_probe=PROJECT) as (results, state):
        assert results["client_ids"].status == "ok" and results["client_ids"].details["ids"] == "kept"
        assert results["datetime_format"].status == "ok"
        assert results["datetime_format"].details["accepted"] == "rfc3339"
        (run,) = state.store.runs()
        assert run["archiveRecord"] == {"reason": "Made in error"}
        assert run["projectId"] == "src_lcproj01"


def test_a_tenant_that_assigns_its_own_ids_fails_with_the_setting_to_change(tmp_path: Path) -> None:
    with doctor(tmp_path, write_probe=PROJECT, variants=Variants(client_ids="server_assigned")) as (
        results,
        state,
    ):
        result = results["client_ids"]
        assert result.status == "fail"
        assert result.action is not None and "tenant.ids: server_assigned" in result.action
        (run,) = state.store.runs()
        assert run["archiveRecord"] is not None, "the run the tenant created under its own id is archived"
        assert result.details["runs"] == [run["id"]]


def test_a_tenant_wanting_the_12_hour_form_fails_with_the_setting_to_change(tmp_path: Path) -> None:
    with doctor(tmp_path, write_probe=PROJECT, variants=Variants(datetime="display_12h")) as (results, state):
        result = results["datetime_format"]
        assert result.status == "fail"
        assert result.details == {
            "accepted": "display_12h",
            "configured": "rfc3339",
            "refused": result.details["refused"],
        }
        assert "expected a date-time such as 2022-03-18 05:14:35 PM" in result.details["refused"]
        assert result.action == "set tenant.datetime_format: display_12h in schemas_map.yaml"
        assert len(state.store.runs()) == 1, "the refused form created nothing; one run in all"


def test_a_mapping_that_says_display_12h_passes_against_such_a_tenant(tmp_path: Path) -> None:
    text = SCHEMAS_MAP.read_text(encoding="utf-8").replace(
        "datetime_format: rfc3339", "datetime_format: display_12h"
    )
    variants = Variants(datetime="display_12h")
    with doctor(tmp_path, write_probe=PROJECT, variants=variants, map_text=text) as (results, _):
        assert results["datetime_format"].status == "ok"
        assert results["datetime_format"].details["refused"] is None


def test_an_unknown_probe_project_fails_and_writes_nothing(tmp_path: Path) -> None:
    with doctor(tmp_path, write_probe="No Such Project") as (results, state):
        assert results["client_ids"].status == "fail"
        assert "'No Such Project' does not exist" in results["client_ids"].summary
        assert state.store.runs() == []


def test_a_client_budget_above_the_headers_fails(tmp_path: Path) -> None:
    with doctor(tmp_path, configured=RateLimit(100, 30)) as (results, _):
        result = results["rate_limit"]
        assert result.status == "fail"
        assert result.action is not None and "BENCHLING_RATE_LIMIT=60/30" in result.action
        assert result.details["header_limit"] == 60


def test_an_app_is_told_it_has_its_own_budget_and_the_all_apps_one(tmp_path: Path) -> None:
    with doctor(tmp_path, oauth=True, configured=RateLimit(300, 30)) as (results, _):
        result = results["rate_limit"]
        assert result.status == "ok", result.summary
        assert result.details["header_limit"] == 300 and result.details["credentials"] == "oauth_app"
        assert "an app's own budget" in result.summary and "all apps together" in result.summary


def test_wrong_credentials_fail_and_skip_what_needs_them(tmp_path: Path) -> None:
    with doctor(tmp_path, api_key="wrong-key") as (results, _):
        assert results["reachability"].status == "ok", "a 401 is an answer"
        assert results["credentials"].status == "fail"
        assert "wrong-key" not in str([r.to_dict() for r in results.values()])
        needing = [
            n for n in statuses(results) if n not in ("settings", "reachability", "credentials", *LOCAL)
        ]
        assert {n: results[n].status for n in needing} == {n: "skip" for n in needing}


def test_a_mapping_that_does_not_fit_fails_listing_the_problems(tmp_path: Path) -> None:
    text = SCHEMAS_MAP.read_text(encoding="utf-8").replace(
        "schema: Chromatography Run", "schema: Nope Run", 1
    )
    with doctor(tmp_path, write_probe=PROJECT, map_text=text) as (results, state):
        assert results["mapping"].status == "fail"
        assert "'Nope Run' does not exist" in results["mapping"].summary
        assert results["client_ids"].status == "skip", "the write probe needs a mapping that fits"
        assert state.store.runs() == []


def test_without_settings_only_the_settings_and_local_checks_run(tmp_path: Path) -> None:
    settings = load_settings({}, map_path=SCHEMAS_MAP, home=tmp_path)
    with doctor_context(settings) as context:
        results = run_checks(context)
    assert results[0].status == "fail" and "BENCHLING_URL" in str(results[0].action)
    assert {r.status for r in results[1:] if r.name not in LOCAL} == {"skip"}
    assert {r.name: r.status for r in results if r.name in ("folders", "ledger")} == {
        "folders": "skip",
        "ledger": "ok",
    }
    assert doctor_report(results)["ok"] is False


def test_a_new_check_joins_by_being_listed(tmp_path: Path) -> None:
    """A check is one function, added to the list."""
    settings = load_settings({}, map_path=SCHEMAS_MAP, home=tmp_path)

    def proxy(context: Any) -> CheckResult:
        return CheckResult("proxy", "ok", f"no proxy for {context.settings.home}")

    with doctor_context(settings) as context:
        results = run_checks(
            context, [*CHECKS, Check("proxy", proxy), Check("needs_proxy", proxy, ("proxy",))]
        )
    assert [r.status for r in results[-2:]] == ["ok", "ok"]
