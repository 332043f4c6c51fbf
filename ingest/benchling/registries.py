"""Registry endpoints: list and get registries; look up registered entities by registry id, chunked.

Unknown registry IDs are reported as missing whatever form Benchling answers them in (see
``id_lookup``); an unknown registry is an error.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.benchling.id_lookup import ChunkSize, KeyLookup, Lookup
from ingest.benchling.models import RegisteredEntity, Registry
from ingest.benchling.transport import ApiTransport

#: Ids per registered-entities:bulk-get. Benchling documents no maximum; 100 matches its other
#: bulk limits and keeps the comma-joined query well below common 8 KB URL limits (lowered if refused).
ENTITY_CHUNK = 100


class RegistryEndpoints:
    def __init__(self, transport: ApiTransport, *, entity_chunk: int = ENTITY_CHUNK) -> None:
        self._t = transport
        self._chunk = ChunkSize(entity_chunk)

    def registries(self, name: str | None = None) -> list[Registry]:
        params: dict[str, str | int] = {"name": name} if name else {}
        body = self._t.request("GET", "/registries", params=params).json()
        return [Registry.model_validate(item) for item in body.get("registries") or []]

    def registry(self, registry_id: str) -> Registry:
        """One registry; ``BenchlingNotFoundError`` when it does not exist."""
        response = self._t.request(
            "GET", "/registries/{registry_id}", path_params={"registry_id": registry_id}
        )
        return Registry.model_validate(response.json())

    def lookup_entities(self, registry_id: str, registry_ids: Sequence[str]) -> Lookup[RegisteredEntity]:
        """Entities by registry id (``SMP-001`` → entity) and the registry ids that are not registered."""

        def fetch(ids: list[str]) -> list[RegisteredEntity]:
            body = self._t.request(
                "GET",
                "/registries/{registry_id}/registered-entities:bulk-get",
                path_params={"registry_id": registry_id},
                params={"entityRegistryIds": ",".join(ids)},
            ).json()
            return [RegisteredEntity.model_validate(item) for item in body.get("entities") or []]

        def registry_exists() -> None:
            # A plain 404 may mean the registry itself is unknown: that must fail, not read as "missing".
            self.registry(registry_id)

        return KeyLookup(
            fetch, lambda entity: entity.entity_registry_id, self._chunk, on_unnamed_404=registry_exists
        ).run(registry_ids)
