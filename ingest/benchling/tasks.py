"""Polling ``GET /tasks/{task_id}`` with backoff until the task is done or a timeout passes."""

from __future__ import annotations

from collections.abc import Callable

from ingest.benchling.models import AsyncTask
from ingest.benchling.transport import ApiTransport
from ingest.errors import BenchlingRejectedError, BenchlingUnavailableError


class TaskEndpoints:
    def __init__(
        self, transport: ApiTransport, *, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        self._t = transport
        self._clock = clock
        self._sleep = sleep

    def get(self, task_id: str) -> AsyncTask:
        response = self._t.request("GET", "/tasks/{task_id}", path_params={"task_id": task_id})
        return AsyncTask.model_validate(response.json())

    def wait(
        self,
        task_id: str,
        *,
        timeout_seconds: float = 600.0,
        first_interval: float = 0.5,
        max_interval: float = 10.0,
    ) -> AsyncTask:
        """Poll until SUCCEEDED (returned) or FAILED (``BenchlingRejectedError`` with the task's
        errors); ``BenchlingUnavailableError`` when still running after ``timeout_seconds``."""
        deadline = self._clock() + timeout_seconds
        interval = first_interval
        while True:
            task = self.get(task_id)
            if task.status == "SUCCEEDED":
                return task
            if task.status == "FAILED":
                raise BenchlingRejectedError(
                    f"Benchling task {task_id} failed: {task.message or 'no message'}; "
                    f"errors: {task.errors}.",
                    method="GET",
                    path="/tasks/{task_id}",
                    benchling_message=task.message,
                    task_id=task_id,
                    errors=task.errors,
                )
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise BenchlingUnavailableError(
                    f"Benchling task {task_id} was still RUNNING after {timeout_seconds:g} s; expected "
                    "SUCCEEDED or FAILED.",
                    method="GET",
                    path="/tasks/{task_id}",
                    task_id=task_id,
                )
            self._sleep(min(interval, remaining))
            interval = min(max_interval, interval * 2)
