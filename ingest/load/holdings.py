"""What Benchling already holds of planned files: asked before anything is uploaded or created.

Benchling is the authority on what exists. A plan's run is looked up before its blobs go up: a file
whose run and results exist is adopted (nothing is sent), a run without its results gets only its
results, and only a file with no run takes the whole way. Two ways to ask, by the tenant's ``ids``:

* ``kept`` (:class:`ByPlannedIds`): the tenant keeps the ids we send, and ours derive from the content,
  so one runs bulk-get for many files, then one results bulk-get for the runs that exist, answer it.
* ``server_assigned`` (:class:`ByContentHash`): the tenant assigns its own ids, so runs are found by the
  run field holding the file's sha256 (every run of the schema listed once per process, then kept up to
  date with the runs this process creates), and a run's results by listing them for the run: as many as
  planned is complete, none is missing, anything else is an error nobody should guess about.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ingest.benchling import BenchlingClient
from ingest.errors import BenchlingRejectedError
from ingest.models import RunPlan

#: A plan and its generation (which of several runs of the same content it is).
Wanted = tuple[RunPlan, int]


@dataclass(frozen=True)
class Holding:
    """What Benchling holds of one plan: ``run_id`` (None: no run), the ids of the plan's results it
    holds, and the positions (in ``plan.results``) of those it does not."""

    run_id: str | None = None
    result_ids: tuple[str, ...] = ()
    missing_results: tuple[int, ...] = ()

    @property
    def complete(self) -> bool:
        return self.run_id is not None and not self.missing_results


class PartialResultsError(BenchlingRejectedError):
    """A run found by content holds some but not all of its file's results (ids assigned by the tenant,
    so which ones are missing cannot be told): terminal, a person decides."""


class HoldingsFinder(Protocol):
    def find(self, wanted: Sequence[Wanted], *, refresh: bool = False) -> list[Holding]:
        """One Holding per plan, in order. ``refresh``: ask again rather than trust what is cached."""
        ...

    def highest_generation(self, plan: RunPlan, candidates: Callable[[int], Mapping[str, int]]) -> int:
        """The highest generation of ``plan``'s content (and run schema) Benchling holds a run for, -1
        for none. ``candidates(first)`` maps the run ids of a window of generations from ``first`` to
        their generation."""
        ...

    def remember(self, plan: RunPlan, run_id: str) -> None:
        """A run this process created for ``plan`` (kept in any cache ``find`` uses)."""
        ...


class ByPlannedIds:
    """For tenants that keep client ids: bulk-gets by the plans' derived ids."""

    def __init__(self, client: BenchlingClient) -> None:
        self._client = client

    def find(self, wanted: Sequence[Wanted], *, refresh: bool = False) -> list[Holding]:
        plans = [plan for plan, _ in wanted]
        if not plans:
            return []
        runs = self._client.lookup_runs([p.run_id for p in plans]).found
        asked = [rid for p in plans if p.run_id in runs for rid in p.result_ids]
        results = self._client.lookup_results(asked).found if asked else {}
        holdings = []
        for plan in plans:
            if plan.run_id not in runs:
                holdings.append(Holding())
                continue
            ids = plan.result_ids
            holdings.append(
                Holding(
                    run_id=plan.run_id,
                    result_ids=tuple(i for i in ids if i in results),
                    missing_results=tuple(n for n, i in enumerate(ids) if i not in results),
                )
            )
        return holdings

    def highest_generation(self, plan: RunPlan, candidates: Callable[[int], Mapping[str, int]]) -> int:
        highest, first = -1, 0
        while True:
            window = candidates(first)
            found = self._client.lookup_runs(list(window)).found
            if found:
                highest = max(window[run_id] for run_id in found)
            if len(found) < len(window):
                return highest
            first += len(window)

    def remember(self, plan: RunPlan, run_id: str) -> None:
        """Nothing to keep: every lookup asks Benchling."""


class ByContentHash:
    """For tenants that assign their own ids: runs by their file-hash field, results listed by run."""

    def __init__(self, client: BenchlingClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        #: run schema id -> sha256 -> ids of its runs, oldest first.
        self._runs: dict[str, dict[str, list[str]]] = {}

    def find(self, wanted: Sequence[Wanted], *, refresh: bool = False) -> list[Holding]:
        holdings = []
        for plan, generation in wanted:
            runs = self._runs_of(plan, refresh=refresh)
            if len(runs) <= generation:
                holdings.append(Holding())
                continue
            run_id = runs[generation]
            planned = len(plan.results)
            held = self._results_of(plan, run_id) if planned else []
            if held and len(held) != planned:
                raise PartialResultsError(
                    f"Run '{run_id}' of file '{plan.source}' (found by its sha256 {plan.sha256}) holds "
                    f"{len(held)} result(s), but the file has {planned}. This tenant assigns its own ids, "
                    "so the missing ones cannot be told apart: archive the run's results (or the run) in "
                    "Benchling, then retry the file.",
                    method="GET",
                    path="/assay-results",
                    status=None,
                    run_id=run_id,
                    held=len(held),
                    planned=planned,
                )
            missing = () if held else tuple(range(planned))
            holdings.append(Holding(run_id=run_id, result_ids=tuple(held), missing_results=missing))
        return holdings

    def highest_generation(self, plan: RunPlan, candidates: Callable[[int], Mapping[str, int]]) -> int:
        return len(self._runs_of(plan, refresh=False)) - 1

    def _results_of(self, plan: RunPlan, run_id: str) -> list[str]:
        # Listing results needs a schema (Benchling: schemaId or automationOutputProcessorId).
        schema_id = plan.results[0].schema_id
        return [r.id for r in self._client.list_results(schema_id=schema_id, assay_run_ids=[run_id])]

    def remember(self, plan: RunPlan, run_id: str) -> None:
        with self._lock:
            by_sha = self._runs.setdefault(plan.run.schema_id, {})
            runs = by_sha.setdefault(plan.sha256, [])
            if run_id not in runs:
                runs.append(run_id)

    def _runs_of(self, plan: RunPlan, *, refresh: bool) -> list[str]:
        schema_id = plan.run.schema_id
        with self._lock:
            known = self._runs.get(schema_id)
        if known is None or refresh:
            known = self._list(schema_id, hash_field(plan))
            with self._lock:
                self._runs[schema_id] = known
        return list(known.get(plan.sha256, []))

    def _list(self, schema_id: str, field: str) -> dict[str, list[str]]:
        runs = sorted(self._client.list_runs(schema_id), key=lambda r: (r.created_at or "", r.id))
        by_sha: dict[str, list[str]] = {}
        for run in runs:
            value = _field_value(run.fields.get(field))
            if isinstance(value, str) and value:
                by_sha.setdefault(value, []).append(run.id)
        return by_sha


def hash_field(plan: RunPlan) -> str:
    """The run field that holds the file's sha256 (the mapping check requires one for tenants that
    assign their own ids: ``{provenance: sha256}``)."""
    for name, value in plan.run.fields.items():
        if value == plan.sha256:
            return name
    raise ValueError(
        f"The run planned for '{plan.source}' has no field holding its sha256 {plan.sha256}; "
        "map one to {provenance: sha256}."
    )


def _field_value(field: Any) -> Any:
    return field.get("value") if isinstance(field, dict) else field
