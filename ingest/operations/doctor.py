"""``doctor``: check what the project assumes about the tenant, one small function per check.

Each check is a :class:`Check` (a name, the checks it needs, a function of the :class:`DoctorContext`)
returning a :class:`CheckResult`: ``ok``, ``warn``, ``fail`` or ``skip``, what was found and what to do.
A check whose needs did not pass is skipped. Read-only by default; the write probe (``--write-probe
PROJECT``) creates one run in that project and archives it. The same checks, less those that only
inform or write, run at the start of ``watch`` (``ingest.operations.preflight``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from ingest.benchling import BenchlingClient
from ingest.errors import IngestError, LedgerError
from ingest.operations.doctor_checks import (
    check_credentials,
    check_mapping,
    check_rate_limit,
    check_reachability,
    check_settings,
    check_unknown_registry_ids,
    check_unknown_result_ids,
    check_unknown_run_ids,
)
from ingest.operations.doctor_context import CheckResult, DoctorContext, WatchedFolders
from ingest.operations.doctor_local_checks import check_disk, check_folders, check_ledger
from ingest.operations.write_probe import check_client_ids, check_datetime_form
from ingest.pipeline.factory import open_client, process_budget
from ingest.settings import Settings


@dataclass(frozen=True)
class Check:
    """One check: ``run`` answers for the context; it is skipped unless every check in ``needs`` was ok or
    warn."""

    name: str
    run: Callable[[DoctorContext], CheckResult]
    needs: tuple[str, ...] = field(default=())


#: Every check, in the order they run and print.
CHECKS: tuple[Check, ...] = (
    Check("settings", check_settings),
    Check("reachability", check_reachability, ("settings",)),
    Check("credentials", check_credentials, ("reachability",)),
    Check("rate_limit", check_rate_limit, ("credentials",)),
    Check("unknown_registry_ids", check_unknown_registry_ids, ("credentials",)),
    Check("unknown_run_ids", check_unknown_run_ids, ("credentials",)),
    Check("unknown_result_ids", check_unknown_result_ids, ("credentials",)),
    Check("mapping", check_mapping, ("credentials",)),
    Check("client_ids", check_client_ids, ("credentials", "mapping")),
    Check("datetime_format", check_datetime_form, ("credentials", "mapping")),
    Check("folders", check_folders),
    Check("ledger", check_ledger),
    Check("disk", check_disk),
)


def checks_named(*names: str) -> tuple[Check, ...]:
    """The checks of :data:`CHECKS` with these names, in their order there."""
    unknown = set(names) - {c.name for c in CHECKS}
    if unknown:
        raise ValueError(f"no such doctor check: {sorted(unknown)}")
    return tuple(c for c in CHECKS if c.name in names)


def run_checks(context: DoctorContext, checks: Sequence[Check] = CHECKS) -> list[CheckResult]:
    """Run ``checks`` in order; an unexpected project error inside one fails that check only."""
    results: list[CheckResult] = []
    passed: set[str] = set()
    for check in checks:
        missing = [need for need in check.needs if need not in passed]
        if missing:
            result = CheckResult(check.name, "skip", f"not checked: {', '.join(missing)} did not pass")
        else:
            try:
                result = check.run(context)
            except IngestError as exc:
                result = CheckResult(
                    check.name, "fail", exc.message, "fix the cause above and run doctor again"
                )
        if result.status in ("ok", "warn"):
            passed.add(check.name)
        results.append(result)
    return results


@contextmanager
def doctor_context(
    settings: Settings,
    *,
    write_probe_project: str | None = None,
    client: BenchlingClient | None = None,
    folders: WatchedFolders | None = None,
) -> Iterator[DoctorContext]:
    """The context the checks share; makes (and closes) a client when settings allow and none is given.
    That client draws on the process's request budget (on a PostgreSQL ledger, the one every host
    shares); when that budget cannot be opened, on a limiter of its own (the ledger check says why)."""
    if client is not None or settings.client is None:
        yield DoctorContext(settings, client, write_probe_project, folders)
        return
    with ExitStack() as stack:
        try:
            budget = stack.enter_context(process_budget(settings))
        except LedgerError:
            budget = None
        api = stack.enter_context(open_client(settings.client, budget=budget))
        yield DoctorContext(settings, api, write_probe_project, folders)


def doctor_report(results: Sequence[CheckResult]) -> dict[str, Any]:
    """The JSON form: every check, and whether any failed."""
    return {"ok": not any(r.status == "fail" for r in results), "checks": [r.to_dict() for r in results]}
