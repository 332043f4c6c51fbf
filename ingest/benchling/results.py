"""Assay result endpoints, one small method each: create, bulk-create, transactions, get, list, archive."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from ingest.benchling.id_lookup import ChunkSize, KeyLookup, Lookup
from ingest.benchling.models import AssayResult, AssayResultCreate
from ingest.benchling.pages import iterate_pages
from ingest.benchling.transport import ApiTransport
from ingest.benchling.unkeyed_create import send_unkeyed_create

ArchiveReason = Literal["Archived", "Made in error", "Other"]

#: GET /assay-results:bulk-get accepts at most 200 ids (spec).
RESULT_BULK_GET_CHUNK = 200


class ResultEndpoints:
    def __init__(self, transport: ApiTransport) -> None:
        self._t = transport
        self._chunk = ChunkSize(RESULT_BULK_GET_CHUNK)

    def post(self, bodies: Sequence[Mapping[str, Any]]) -> list[str]:
        """One ``POST /assay-results`` (all or none; Benchling takes at most 100); the answered ids."""
        body = self._t.request(
            "POST", "/assay-results", json={"assayResults": list(bodies)}, write=True
        ).json()
        return _answered(body)

    def bulk_create(self, bodies: Sequence[Mapping[str, Any]]) -> str:
        """``POST /assay-results:bulk-create`` (≤4000); returns the task id to poll."""
        response = self._t.request(
            "POST", "/assay-results:bulk-create", json={"assayResults": list(bodies)}, write=True, ok=(202,)
        )
        return str(response.json()["taskId"])

    def start_transaction(self) -> str:
        # An ambiguous start may leave an empty transaction open: it stores nothing and expires.
        response = send_unkeyed_create(
            self._t, "POST", "/result-transactions", orphan="an empty open result transaction"
        )
        return str(response.json()["id"])

    def append_to_transaction(self, transaction_id: str, bodies: Sequence[Mapping[str, Any]]) -> list[str]:
        body = self._t.request(
            "POST",
            "/result-transactions/{transaction_id}/results",
            path_params={"transaction_id": transaction_id},
            json={"assayResults": list(bodies)},
            write=True,
        ).json()
        return _answered(body)

    def commit_transaction(self, transaction_id: str) -> None:
        self._t.request(
            "POST",
            "/result-transactions/{transaction_id}:commit",
            path_params={"transaction_id": transaction_id},
            write=True,
        )

    def abort_transaction(self, transaction_id: str) -> None:
        self._t.request(
            "POST",
            "/result-transactions/{transaction_id}:abort",
            path_params={"transaction_id": transaction_id},
        )

    def get(self, result_id: str) -> AssayResult:
        response = self._t.request("GET", "/assay-results/{result_id}", path_params={"result_id": result_id})
        return AssayResult.model_validate(response.json())

    def _fetch(self, ids: list[str]) -> list[AssayResult]:
        body = self._t.request(
            "GET", "/assay-results:bulk-get", params={"assayResultIds": ",".join(ids)}
        ).json()
        return [AssayResult.model_validate(item) for item in body.get("assayResults") or []]

    def lookup(self, result_ids: Sequence[str]) -> Lookup[AssayResult]:
        """The (committed) results Benchling holds among ``result_ids`` and the ids it does not."""
        return KeyLookup(self._fetch, lambda result: result.id, self._chunk).run(result_ids)

    def bulk_get(self, result_ids: Sequence[str]) -> list[AssayResult]:
        """The results that exist, in the order asked; unknown ids are left out."""
        return list(self.lookup(result_ids).found.values())

    def existing(self, result_ids: list[str]) -> set[str]:
        """The subset of ``result_ids`` that Benchling holds."""
        return set(self.lookup(result_ids).found)

    def iterate(
        self,
        *,
        schema_id: str | None = None,
        assay_run_ids: Sequence[str] = (),
        ids: Sequence[str] = (),
    ) -> Iterator[AssayResult]:
        params: dict[str, str | int] = {}
        if schema_id:
            params["schemaId"] = schema_id
        if assay_run_ids:
            params["assayRunIds"] = ",".join(assay_run_ids)
        if ids:
            params["ids"] = ",".join(ids)
        for item in iterate_pages(self._t, "/assay-results", "assayResults", params):
            yield AssayResult.model_validate(item)

    def archive(self, result_ids: Sequence[str], reason: ArchiveReason = "Made in error") -> list[str]:
        body = self._t.request(
            "POST", "/assay-results:archive", json={"assayResultIds": list(result_ids), "reason": reason}
        ).json()
        return list(body.get("assayResultIds") or [])


def _answered(body: Any) -> list[str]:
    ids = body.get("assayResults") if isinstance(body, dict) else None
    return [str(i) for i in ids] if isinstance(ids, list) else []


def prepare_results(results: Sequence[Mapping[str, Any] | AssayResultCreate]) -> list[dict[str, Any]]:
    """Validate result bodies and give each a UUID if it has none; ids must be unique."""
    bodies: list[dict[str, Any]] = []
    for result in results:
        model = (
            result
            if isinstance(result, AssayResultCreate)
            else AssayResultCreate.model_validate(dict(result))
        )
        body = model.to_wire()
        body.setdefault("id", str(uuid.uuid4()))
        bodies.append(body)
    ids = [b["id"] for b in bodies]
    if len(set(ids)) != len(ids):
        raise ValueError("Two results in one create carry the same id; expected unique result ids.")
    return bodies
