"""Assay schema endpoints: list run and result schemas (paginated) and get one by id."""

from __future__ import annotations

from collections.abc import Iterator

from ingest.benchling.models import AssaySchema
from ingest.benchling.pages import iterate_pages
from ingest.benchling.transport import ApiTransport


class SchemaEndpoints:
    def __init__(self, transport: ApiTransport) -> None:
        self._t = transport

    def run_schemas(self) -> Iterator[AssaySchema]:
        for item in iterate_pages(self._t, "/assay-run-schemas", "assayRunSchemas"):
            yield AssaySchema.model_validate(item)

    def result_schemas(self) -> Iterator[AssaySchema]:
        for item in iterate_pages(self._t, "/assay-result-schemas", "assayResultSchemas"):
            yield AssaySchema.model_validate(item)

    def run_schema(self, schema_id: str) -> AssaySchema:
        response = self._t.request(
            "GET", "/assay-run-schemas/{schema_id}", path_params={"schema_id": schema_id}
        )
        return AssaySchema.model_validate(response.json())

    def result_schema(self, schema_id: str) -> AssaySchema:
        response = self._t.request(
            "GET", "/assay-result-schemas/{schema_id}", path_params={"schema_id": schema_id}
        )
        return AssaySchema.model_validate(response.json())
