"""``doctor``'s read-only checks: settings, reachability, credentials, the rate-limit budget, the answers for
unknown ids, and the mapping against the live tenant. Each reads; none writes."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from ingest.benchling.probes import ProbeTarget, UnknownIdAnswer
from ingest.errors import BenchlingAuthError, BenchlingError, BenchlingUnavailableError, ConfigError
from ingest.operations.doctor_context import CheckResult, DoctorContext
from ingest.resolve import SchemaMap, TenantLookup, check_all

#: Benchling's documented budgets (Limits): user API keys share one per tenant; each app has its own.
USER_KEY_BUDGET = 60
APP_BUDGET = 300
ALL_APPS_BUDGET = 1000
#: Which sandbox variant names the answer form of each probed endpoint.
_VARIANT_OF: dict[ProbeTarget, str] = {
    "registered_entities": "registry_missing",
    "runs": "runs_missing",
    "results": "results_missing",
}


def check_settings(context: DoctorContext) -> CheckResult:
    settings = context.settings
    if settings.client is None:
        return CheckResult(
            "settings",
            "fail",
            "Benchling is not configured (BENCHLING_URL is not set).",
            "set BENCHLING_URL and BENCHLING_API_KEY (or BENCHLING_CLIENT_ID and BENCHLING_CLIENT_SECRET)",
        )
    kind = "an app's OAuth client" if context.client.credentials_kind == "oauth_app" else "a user API key"
    return CheckResult(
        "settings",
        "ok",
        f"Tenant {settings.client.base_url} with {kind}; mapping file {settings.map_path}.",
        details={"url": settings.client.base_url, "credentials": context.client.credentials_kind},
    )


def _projects_answer(context: DoctorContext) -> list[Any] | BenchlingError:
    """One authenticated GET (the projects), shared by the reachability and credentials checks."""
    answer = context.shared.get("projects")
    if answer is None:
        try:
            answer = list(context.client.list_projects())
        except BenchlingError as exc:
            answer = exc
        context.shared["projects"] = answer
    assert isinstance(answer, (list, BenchlingError))
    return answer


def check_reachability(context: DoctorContext) -> CheckResult:
    answer = _projects_answer(context)
    url = context.client.base_url
    if isinstance(answer, BenchlingUnavailableError):
        return CheckResult(
            "reachability",
            "fail",
            answer.message,
            "check BENCHLING_URL, the network and any proxy between here and the tenant",
            {"url": url, "network_error": answer.context.get("network_error"), "status": answer.status},
        )
    if isinstance(answer, BenchlingError) and not isinstance(answer, BenchlingAuthError):
        return CheckResult(
            "reachability",
            "fail",
            f"Something answers at {url}, but not as Benchling's API does: {answer.message}",
            "set BENCHLING_URL to the tenant's address (https://TENANT.benchling.com)",
            {"url": url, "status": answer.status},
        )
    return CheckResult("reachability", "ok", f"Benchling answers at {url}.", details={"url": url})


def check_credentials(context: DoctorContext) -> CheckResult:
    answer = _projects_answer(context)
    if isinstance(answer, BenchlingAuthError):
        return CheckResult(
            "credentials",
            "fail",
            f"Benchling refused the credentials ({answer.status or answer.error_type}).",
            "check BENCHLING_API_KEY (or the OAuth client id and secret) and that it may read this tenant",
            {"status": answer.status},
        )
    if isinstance(answer, BenchlingError):
        return CheckResult(
            "credentials",
            "fail",
            answer.message,
            "check BENCHLING_URL and that the tenant is reachable from here",
        )
    return CheckResult(
        "credentials",
        "ok",
        f"The credentials work; {len(answer)} project(s) visible.",
        details={"projects": len(answer)},
    )


def check_rate_limit(context: DoctorContext) -> CheckResult:
    client, settings = context.client, context.settings
    assert settings.client is not None  # the settings check passed
    configured = settings.client.rate_limit
    headers = client.rate_limit_headers()
    ours = f"BENCHLING_RATE_LIMIT is {configured.requests}/{configured.window_seconds:g}"
    if headers is None:
        return CheckResult(
            "rate_limit",
            "warn",
            f"Benchling sent no x-rate-limit-* headers; {ours} is all the client goes by.",
            "keep BENCHLING_RATE_LIMIT at or below what your tenant's administrator says the limit is",
        )
    app = client.credentials_kind == "oauth_app"
    scope = (
        f"an app's own budget (Benchling: {APP_BUDGET} per 30 s per app, and {ALL_APPS_BUDGET} per 30 s for "
        "all apps together, which no header shows)"
        if app
        else "the tenant's budget for user API keys, shared by every user key and script on the tenant"
    )
    details = {
        "header_limit": headers.limit,
        "header_remaining": headers.remaining,
        "configured": f"{configured.requests}/{configured.window_seconds:g}",
        "credentials": client.credentials_kind,
    }
    found = f"The headers show a budget of {headers.limit} requests: {scope}; {ours}."
    if configured.requests > headers.limit:
        return CheckResult(
            "rate_limit",
            "fail",
            found,
            f"set BENCHLING_RATE_LIMIT={headers.limit}/30 or lower: above the tenant's budget it draws 429s",
            details,
        )
    looks_like_app = headers.limit >= APP_BUDGET
    if looks_like_app != app:
        other = "an app's" if looks_like_app else "a user key's"
        return CheckResult(
            "rate_limit",
            "warn",
            found
            + f" The size looks like {other} budget, not what these credentials get by Benchling's docs.",
            "ask your tenant's administrator which limit applies, and set BENCHLING_RATE_LIMIT to it",
            details,
        )
    if not app and configured.requests == headers.limit:
        return CheckResult(
            "rate_limit",
            "ok",
            found + " Other user keys spend from it too; the client also obeys what the headers say is left.",
            f"if other integrations use user keys, give this one a share, e.g. "
            f"BENCHLING_RATE_LIMIT={max(1, headers.limit // 2)}/30",
            details,
        )
    return CheckResult("rate_limit", "ok", found, None, details)


def _impossible_keys(prefix: str) -> list[str]:
    return [f"{prefix}{uuid.uuid4().hex}" for _ in range(2)]


def _unknown_id_result(name: str, target: ProbeTarget, answer: UnknownIdAnswer) -> CheckResult:
    variant = _VARIANT_OF[target]
    details = {
        "endpoint": answer.endpoint,
        "status": answer.status,
        "form": answer.form,
        "named": list(answer.named),
    }
    said = f"{answer.endpoint} answers unknown ids with {answer.status} ({answer.form})"
    if not answer.understood:
        return CheckResult(
            name,
            "fail",
            f"{said}, which the client does not read as 'these ids do not exist'"
            + (f": {answer.message}" if answer.message else "."),
            "report this answer (doctor --json) to the project: lookups of unknown ids would fail",
            details,
        )
    matches = (
        f"the sandbox's {variant}={answer.form}"
        if answer.is_variant
        else "no sandbox variant (the client still reads it)"
    )
    slow = answer.form.startswith("bad_request_") or answer.form == "not_found_404"
    return CheckResult(
        name,
        "warn" if slow else "ok",
        f"{said}; this matches {matches}.",
        "unknown ids are found by halving the id list (a few extra calls per unknown id)" if slow else None,
        details,
    )


def check_unknown_registry_ids(context: DoctorContext) -> CheckResult:
    registries = context.tenant().registries()
    if not registries:
        return CheckResult("unknown_registry_ids", "skip", "The tenant has no registry to ask.")
    wanted = None
    try:
        schema_map = context.schema_map()
        wanted = schema_map.defaults.registry or next(
            (m.registry for m in schema_map.mappings if m.registry), None
        )
    except ConfigError:
        pass  # the mapping check reports it; any registry will do here
    registry_id = registries.get(wanted or "", wanted if wanted in registries.values() else None)
    registry_id = registry_id or next(iter(registries.values()))
    answer = context.client.probe_unknown_ids(
        "registered_entities", _impossible_keys("DOCTOR-"), registry_id=registry_id
    )
    return _unknown_id_result("unknown_registry_ids", "registered_entities", answer)


def check_unknown_run_ids(context: DoctorContext) -> CheckResult:
    answer = context.client.probe_unknown_ids("runs", [str(uuid.uuid4()) for _ in range(2)])
    return _unknown_id_result("unknown_run_ids", "runs", answer)


def check_unknown_result_ids(context: DoctorContext) -> CheckResult:
    answer = context.client.probe_unknown_ids("results", [str(uuid.uuid4()) for _ in range(2)])
    return _unknown_id_result("unknown_result_ids", "results", answer)


def check_mapping(context: DoctorContext) -> CheckResult:
    try:
        schema_map = context.schema_map()
    except ConfigError as exc:
        return CheckResult(
            "mapping",
            "fail",
            exc.message,
            "fix the mapping file (benchling-ingest validate shows more)",
            {"unreadable": True},
        )
    return mapping_fit(schema_map, context.tenant(), context.settings.map_path)


def mapping_fit(schema_map: SchemaMap, tenant: TenantLookup, map_path: Path) -> CheckResult:
    """The mapping check of ``schema_map`` (read from ``map_path``) against ``tenant``: also what a
    running ``watch`` asks of a changed mapping file and of the mapping in use while paused."""
    problems = check_all(schema_map, tenant)
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        return CheckResult(
            "mapping",
            "fail",
            f"{len(problems)} problem(s) in {map_path} against this tenant: {shown}.",
            "fix the mapping (or the tenant's schemas) so that every mapped schema and field exists",
            {"problems": problems},
        )
    return CheckResult(
        "mapping", "ok", f"All {len(schema_map.mappings)} mapping(s) in {map_path} fit the tenant's schemas."
    )
