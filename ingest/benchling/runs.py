"""Assay run endpoints: create (client ids, verified and compared), get, list, bulk-get, archive."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Literal

from ingest.benchling.id_lookup import ChunkSize, KeyLookup, Lookup
from ingest.benchling.models import AssayRun, AssayRunCreate
from ingest.benchling.pages import iterate_pages
from ingest.benchling.transport import ApiTransport
from ingest.benchling.verified_create import CreateTarget, create_verified

ArchiveReason = Literal["Archived", "Made in error", "Other"]

#: Ids per GET /assay-runs:bulk-get (no documented limit; 100 keeps URLs short; lowered if refused).
RUN_BULK_GET_CHUNK = 100
_CREATE = CreateTarget("assay runs", "POST", "/assay-runs")


class RunEndpoints:
    def __init__(self, transport: ApiTransport, sleep: Callable[[float], None]) -> None:
        self._t = transport
        self._sleep = sleep
        self._chunk = ChunkSize(RUN_BULK_GET_CHUNK)

    def create(self, runs: Sequence[Mapping[str, Any] | AssayRunCreate]) -> list[str]:
        """Create runs in one request; each gets ``id`` if it has none. Returns the ids in order.

        Never stores a run twice: an ambiguous failure is resolved by asking for the ids. Raises
        ``ClientIdsNotKeptError`` when Benchling answers other ids than were sent.
        """
        bodies = [_with_id(run) for run in runs]
        by_id = {body["id"]: body for body in bodies}
        ids = list(by_id)
        if len(ids) != len(bodies):
            raise ValueError("Two runs in one create carry the same id; expected unique run ids.")

        def send(pending: list[str]) -> list[str]:
            return self.post([by_id[i] for i in pending])

        create_verified(
            ids,
            send=send,
            find_existing=self.existing,
            policy=self._t.policy,
            sleep=self._sleep,
            stats=self._t.stats,
            target=_CREATE,
        )
        return ids

    def post(self, bodies: Sequence[Mapping[str, Any]]) -> list[str]:
        """One ``POST /assay-runs`` (all or none); the ids Benchling answered, in order."""
        body = self._t.request("POST", "/assay-runs", json={"assayRuns": list(bodies)}, write=True).json()
        return [str(i) for i in body.get("assayRuns") or []]

    def get(self, run_id: str) -> AssayRun:
        response = self._t.request("GET", "/assay-runs/{run_id}", path_params={"run_id": run_id})
        return AssayRun.model_validate(response.json())

    def iterate(self, schema_id: str, *, ids: Sequence[str] = ()) -> Iterator[AssayRun]:
        params: dict[str, str | int] = {"schemaId": schema_id}
        if ids:
            params["ids"] = ",".join(ids)
        for item in iterate_pages(self._t, "/assay-runs", "assayRuns", params):
            yield AssayRun.model_validate(item)

    def _fetch(self, ids: list[str]) -> list[AssayRun]:
        body = self._t.request("GET", "/assay-runs:bulk-get", params={"assayRunIds": ",".join(ids)}).json()
        return [AssayRun.model_validate(item) for item in body.get("assayRuns") or []]

    def lookup(self, run_ids: Sequence[str]) -> Lookup[AssayRun]:
        """The runs Benchling holds among ``run_ids`` and the ids it does not (any unknown-id answer)."""
        return KeyLookup(self._fetch, lambda run: run.id, self._chunk).run(run_ids)

    def bulk_get(self, run_ids: Sequence[str]) -> list[AssayRun]:
        """The runs that exist, in the order asked; unknown ids are left out."""
        return list(self.lookup(run_ids).found.values())

    def existing(self, run_ids: list[str]) -> set[str]:
        """The subset of ``run_ids`` that Benchling holds."""
        return set(self.lookup(run_ids).found)

    def archive(self, run_ids: Sequence[str], reason: ArchiveReason = "Made in error") -> list[str]:
        body = self._t.request(
            "POST", "/assay-runs:archive", json={"assayRunIds": list(run_ids), "reason": reason}
        ).json()
        return list(body.get("assayRunIds") or [])


def prepare_runs(runs: Sequence[Mapping[str, Any] | AssayRunCreate]) -> list[dict[str, Any]]:
    """Validated run bodies, each with an ``id`` (a UUID where it had none)."""
    return [_with_id(run) for run in runs]


def _with_id(run: Mapping[str, Any] | AssayRunCreate) -> dict[str, Any]:
    model = run if isinstance(run, AssayRunCreate) else AssayRunCreate.model_validate(dict(run))
    body = model.to_wire()
    body.setdefault("id", str(uuid.uuid4()))
    return body
