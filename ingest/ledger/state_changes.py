"""The state changes both ledger backends make the same way: which columns each transition sets.

A backend supplies ``_move`` (one checked state change with its values and its event, in one
transaction); this mixin says what each transition writes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ingest.errors import without_secrets
from ingest.ledger.plan_codec import plan_to_json
from ingest.ledger.records import FileRecord, InflightStep, State
from ingest.models import RunPlan


class StateChanges:
    def _move(
        self, file_id: int, to_state: State, detail: str | None, values: Mapping[str, Any]
    ) -> FileRecord:
        raise NotImplementedError

    def _set(self, file_id: int, values: Mapping[str, Any]) -> FileRecord:
        """Write ``values`` to the row without a state change."""
        raise NotImplementedError

    def reoffer(self, file_id: int, *, detail: str) -> FileRecord:
        return self._move(file_id, "discovered", detail, {"last_error": None})

    def mark_planned(
        self, file_id: int, plan: RunPlan, *, generation: int = 0, detail: str | None = None
    ) -> FileRecord:
        values = {
            "plan": json.dumps(plan_to_json(plan)),
            "parser": plan.parser,
            "run_id": plan.run_id,
            "generation": generation,
            # A new plan uploads what it plans: blobs of an earlier attempt may hold other content.
            "blob_ids": "{}",
            "transaction_id": None,
            "result_ids": "[]",
        }
        return self._move(file_id, "planned", detail, values)

    def mark_blobs_uploaded(self, file_id: int) -> FileRecord:
        return self._move(file_id, "blobs_uploaded", None, {})

    def mark_run_created(
        self, file_id: int, *, run_id: str | None = None, detail: str | None = None
    ) -> FileRecord:
        return self._move(file_id, "run_created", detail, {"run_id": run_id} if run_id else {})

    def mark_done(
        self,
        file_id: int,
        result_ids: Sequence[str],
        *,
        run_id: str | None = None,
        detail: str | None = None,
    ) -> FileRecord:
        values = {"result_ids": json.dumps(list(result_ids)), **({"run_id": run_id} if run_id else {})}
        return self._move(file_id, "done", detail, values)

    def mark_changed(self, file_id: int, *, detail: str) -> FileRecord:
        return self._move(file_id, "changed", detail, {})

    def mark_failed(self, file_id: int, error: Mapping[str, Any]) -> FileRecord:
        return self._move(file_id, "failed", str(error.get("message")), {"last_error": error_json(error)})

    def mark_duplicate(self, file_id: int, original: FileRecord) -> FileRecord:
        detail = f"same sha256 as row {original.id}"
        return self._move(file_id, "duplicate", detail, {"duplicate_of": original.id})

    def mark_attachment(self, file_id: int, owner: FileRecord) -> FileRecord:
        return self._move(file_id, "attachment", f"uploaded with ledger row {owner.id} ({owner.path})", {})

    # -- checkpoints within a state (no state change) ----------------------------------------------------

    def mark_inflight(self, file_id: int, step: InflightStep) -> FileRecord:
        return self._set(file_id, {"inflight": step})

    def record_transaction(self, file_id: int, transaction_id: str) -> FileRecord:
        return self._set(file_id, {"transaction_id": transaction_id})

    def reschedule(self, file_id: int, *, retry_at: float) -> FileRecord:
        return self._set(file_id, {"next_attempt_at": self._retry_time(retry_at)})

    def _retry_time(self, retry_at: float) -> float:
        """``retry_at`` (this process's clock) as the ledger stores it."""
        return retry_at

    def record_problem(self, file_id: int, problem: Mapping[str, Any]) -> FileRecord:
        return self._set(file_id, {"last_error": error_json(problem)})

    def record_final_path(self, file_id: int, path: Path) -> FileRecord:
        return self._set(file_id, {"final_path": str(path)})

    def release_file(self, file_id: int) -> FileRecord:
        return self._set(file_id, {"final_path": None, "root": None})


def error_json(value: Mapping[str, Any]) -> str:
    """An error or problem as the ``last_error`` column holds it (no secret in it)."""
    return json.dumps(without_secrets(json.loads(json.dumps(dict(value), default=str))))
