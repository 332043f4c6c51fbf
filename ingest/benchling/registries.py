"""Registry endpoints: list registries; look up registered entities by registry id, chunked."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.benchling.models import RegisteredEntity, Registry
from ingest.benchling.pages import chunked
from ingest.benchling.transport import ApiTransport
from ingest.errors import BenchlingRejectedError

#: Ids per registered-entities:bulk-get. Benchling documents no maximum; 100 matches its other
#: bulk limits and keeps the comma-joined query well below common 8 KB URL limits.
ENTITY_CHUNK = 100


class RegistryEndpoints:
    def __init__(self, transport: ApiTransport, *, entity_chunk: int = ENTITY_CHUNK) -> None:
        self._t = transport
        self._chunk = entity_chunk

    def registries(self, name: str | None = None) -> list[Registry]:
        params: dict[str, str | int] = {"name": name} if name else {}
        body = self._t.request("GET", "/registries", params=params).json()
        return [Registry.model_validate(item) for item in body.get("registries") or []]

    def registered_entities(
        self, registry_id: str, registry_ids: Sequence[str]
    ) -> dict[str, RegisteredEntity]:
        """Entities by registry id (``SMP-001`` → entity). Unknown ids are simply absent from the
        answer, whether Benchling leaves them out or lists them as ``invalidIds`` in a 400/404."""
        wanted = list(dict.fromkeys(registry_ids))
        found: dict[str, RegisteredEntity] = {}
        for chunk in chunked(wanted, self._chunk):
            for entity in self._bulk_get(registry_id, chunk):
                if entity.entity_registry_id:
                    found[entity.entity_registry_id] = entity
        return found

    def _bulk_get(self, registry_id: str, ids: list[str]) -> list[RegisteredEntity]:
        if not ids:
            return []
        try:
            body = self._t.request(
                "GET",
                "/registries/{registry_id}/registered-entities:bulk-get",
                path_params={"registry_id": registry_id},
                params={"entityRegistryIds": ",".join(ids)},
            ).json()
        except BenchlingRejectedError as exc:
            invalid = exc.context.get("invalidIds")
            if exc.status in (400, 404) and isinstance(invalid, list) and set(invalid) & set(ids):
                return self._bulk_get(registry_id, [i for i in ids if i not in set(invalid)])
            raise
        return [RegisteredEntity.model_validate(item) for item in body.get("entities") or []]
