"""In-memory tenant and entity lookups built from the demo tenant file (pure logic fakes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ingest.benchling import Lookup
from ingest.resolve.tenant import FieldDef, LinkTarget, SchemaDef

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
    """Registered entities, inventory and entries of the demo tenant; ``calls`` holds the registry IDs of
    each entity lookup, ``link_calls`` each inventory/entry lookup as ``(method, keys)``."""

    def __init__(self) -> None:
        data = yaml.safe_load(TENANT.read_text(encoding="utf-8"))
        self.known = {e["registry_id"]: e["id"] for reg in data["registries"] for e in reg["entities"]}
        self.calls: list[list[str]] = []
        self.link_calls: list[tuple[str, list[str]]] = []
        self.storage = [
            LinkTarget(item["id"], kind, item["name"], item.get("barcode"), item.get("schema_id"))
            for key, kind in (
                ("containers", "container"),
                ("plates", "plate"),
                ("boxes", "box"),
                ("locations", "location"),
            )
            for item in data.get(key, [])
        ]
        self.entries = [
            LinkTarget(e["id"], "entry", e["name"], e["display_id"], e.get("schema_id"))
            for e in data.get("entries", [])
        ]

    def registered_entities(self, registry_id: str, registry_ids: Sequence[str]) -> Lookup[str]:
        self.calls.append(list(registry_ids))
        found = {r: self.known[r] for r in registry_ids if r in self.known}
        return Lookup(found, tuple(r for r in registry_ids if r not in found))

    def _by(self, method: str, items: list[LinkTarget], keys: Sequence[str], key: str) -> Lookup[LinkTarget]:
        self.link_calls.append((method, list(keys)))
        index = {getattr(item, key): item for item in items}
        found = {k: index[k] for k in keys if k in index}
        return Lookup(found, tuple(k for k in keys if k not in found))

    def storage_by_ids(self, item_ids: Sequence[str]) -> Lookup[LinkTarget]:
        return self._by("storage_by_ids", self.storage, item_ids, "id")

    def storage_by_barcodes(self, barcodes: Sequence[str], kinds: Sequence[str]) -> Lookup[LinkTarget]:
        items = [i for i in self.storage if i.kind in kinds]
        return self._by("storage_by_barcodes", items, barcodes, "key")

    def storage_by_names(
        self, names: Sequence[str], kinds: Sequence[str]
    ) -> Mapping[str, Sequence[LinkTarget]]:
        self.link_calls.append(("storage_by_names", list(names)))
        out: dict[str, list[LinkTarget]] = {}
        for item in self.storage:
            if item.kind in kinds and item.name in names:
                out.setdefault(str(item.name), []).append(item)
        return out

    def entries_by_ids(self, entry_ids: Sequence[str]) -> Lookup[LinkTarget]:
        return self._by("entries_by_ids", self.entries, entry_ids, "id")

    def entries_by_display_ids(self, display_ids: Sequence[str]) -> Lookup[LinkTarget]:
        return self._by("entries_by_display_ids", self.entries, display_ids, "key")
