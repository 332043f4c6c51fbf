"""In-memory tenant and entity lookups built from the demo tenant file (pure logic fakes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ingest.resolve.tenant import FieldDef, SchemaDef

TENANT = Path(__file__).resolve().parents[2] / "sample_data" / "tenant.yaml"


def _schemas(items: list[dict[str, Any]], kind: str) -> tuple[SchemaDef, ...]:
    out = []
    for item in items:
        fields = {
            f["name"]: FieldDef(
                name=f["name"],
                type=f["type"],
                is_multi=bool(f.get("multi", False)),
                is_required=bool(f.get("required", False)),
                dropdown_id=f.get("dropdown"),
                schema_id=f.get("schema_id"),
            )
            for f in item["fields"]
        }
        out.append(SchemaDef(id=item["id"], name=item["name"], kind=kind, fields=fields))  # type: ignore[arg-type]
    return tuple(out)


class FakeTenant:
    def __init__(self) -> None:
        data = yaml.safe_load(TENANT.read_text(encoding="utf-8"))
        self.data = data
        self.calls: list[str] = []
        self._runs = _schemas(data["assay_run_schemas"], "assay_run")
        self._results = _schemas(data["assay_result_schemas"], "assay_result")

    def run_schemas(self) -> Sequence[SchemaDef]:
        self.calls.append("run_schemas")
        return self._runs

    def result_schemas(self) -> Sequence[SchemaDef]:
        self.calls.append("result_schemas")
        return self._results

    def dropdown_options(self, dropdown_id: str) -> Mapping[str, str]:
        self.calls.append(f"dropdown:{dropdown_id}")
        for dropdown in self.data["dropdowns"]:
            if dropdown["id"] == dropdown_id:
                return {o["name"]: o["id"] for o in dropdown["options"]}
        return {}

    def registries(self) -> Mapping[str, str]:
        return {r["name"]: r["id"] for r in self.data["registries"]}

    def projects(self) -> Mapping[str, str]:
        return {p["name"]: p["id"] for p in self.data["projects"]}


class FakeEntities:
    def __init__(self) -> None:
        data = yaml.safe_load(TENANT.read_text(encoding="utf-8"))
        self.known = {e["registry_id"]: e["id"] for reg in data["registries"] for e in reg["entities"]}
        self.calls: list[list[str]] = []

    def bulk_get(self, registry_id: str, registry_ids: Sequence[str]) -> Mapping[str, str]:
        self.calls.append(list(registry_ids))
        return {r: self.known[r] for r in registry_ids if r in self.known}
