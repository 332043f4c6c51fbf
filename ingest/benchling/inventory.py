"""Lookups for ``storage_link`` and ``entry_link`` values: inventory by barcode, id or name, and notebook
entries by display id or id, in batched calls.

Barcodes and display ids are looked up with the ``:bulk-get`` endpoints (``barcodes=``, ``displayIds=``),
whose answer for unknown keys Benchling leaves open; ``id_lookup`` understands every form. Names use the
list endpoints' ``names.anyOf.caseSensitive`` filter (at most 100 names per call, paginated) and may match
several items, so they come back as lists for the caller to judge.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ingest.benchling.id_lookup import ChunkSize, KeyLookup, Lookup
from ingest.benchling.models import Entry, StorageItem, StorageKind
from ingest.benchling.pages import chunked, iterate_pages
from ingest.benchling.transport import ApiTransport

#: Every storage kind, most specific first (a barcode is tried as a container before a box, ...).
ALL_STORAGE_KINDS: tuple[StorageKind, ...] = ("container", "plate", "box", "location")
#: (path segment and list key, bulk-get id parameter) per kind.
_ENDPOINTS: dict[StorageKind, tuple[str, str]] = {
    "container": ("containers", "containerIds"),
    "box": ("boxes", "boxIds"),
    "plate": ("plates", "plateIds"),
    "location": ("locations", "locationIds"),
}
#: Benchling's id prefixes per kind.
_PREFIXES: dict[str, StorageKind] = {"con_": "container", "box_": "box", "plt_": "plate", "loc_": "location"}
#: Keys per bulk-get (no documented limit; lowered if refused) and names per list call (spec: 100).
INVENTORY_CHUNK = 100
MAX_NAMES_PER_CALL = 100


def storage_kind_of(item_id: str) -> StorageKind | None:
    """The kind an inventory id belongs to by its prefix (``con_`` …), or None."""
    return next((kind for prefix, kind in _PREFIXES.items() if item_id.startswith(prefix)), None)


class InventoryEndpoints:
    def __init__(self, transport: ApiTransport) -> None:
        self._t = transport
        self._chunks = {kind: ChunkSize(INVENTORY_CHUNK) for kind in _ENDPOINTS}

    def _bulk_get(self, kind: StorageKind, by: str, keys: list[str]) -> list[StorageItem]:
        plural, ids_param = _ENDPOINTS[kind]
        param = ids_param if by == "ids" else "barcodes"
        body = self._t.request("GET", f"/{plural}:bulk-get", params={param: ",".join(keys)}).json()
        return [StorageItem.model_validate({**item, "kind": kind}) for item in body.get(plural) or []]

    def _lookup(self, kind: StorageKind, by: str, keys: Sequence[str]) -> Lookup[StorageItem]:
        def fetch(chunk: list[str]) -> list[StorageItem]:
            return self._bulk_get(kind, by, chunk)

        def key_of(item: StorageItem) -> str | None:
            return item.id if by == "ids" else item.barcode

        return KeyLookup(fetch, key_of, self._chunks[kind]).run(keys)

    def by_barcodes(
        self, barcodes: Sequence[str], kinds: Sequence[StorageKind] = ALL_STORAGE_KINDS
    ) -> Lookup[StorageItem]:
        """Items by barcode, trying each kind in turn with the barcodes still unfound (one batched call
        per kind and chunk); the barcodes no kind holds are ``missing``."""
        wanted = list(dict.fromkeys(b for b in barcodes if b))
        found: dict[str, StorageItem] = {}
        remaining = wanted
        for kind in kinds:
            if not remaining:
                break
            result = self._lookup(kind, "barcodes", remaining)
            found.update(result.found)
            remaining = [b for b in remaining if b not in result.found]
        return Lookup({b: found[b] for b in wanted if b in found}, tuple(remaining))

    def by_ids(self, item_ids: Sequence[str]) -> Lookup[StorageItem]:
        """Items by id (``con_…``, ``box_…``, ``plt_…``, ``loc_…``); other prefixes are ``missing``."""
        wanted = list(dict.fromkeys(i for i in item_ids if i))
        found: dict[str, StorageItem] = {}
        for kind in _ENDPOINTS:
            of_kind = [i for i in wanted if storage_kind_of(i) == kind]
            if of_kind:
                found.update(self._lookup(kind, "ids", of_kind).found)
        return Lookup({i: found[i] for i in wanted if i in found}, tuple(i for i in wanted if i not in found))

    def by_names(
        self, names: Sequence[str], kinds: Sequence[StorageKind] = ALL_STORAGE_KINDS
    ) -> dict[str, list[StorageItem]]:
        """Every item whose name is exactly one of ``names`` (case-sensitive), of any of ``kinds``.

        Names are not unique in Benchling: a name maps to all its items (none: absent from the answer).
        """
        wanted = list(dict.fromkeys(n for n in names if n))
        matches: dict[str, list[StorageItem]] = {}
        for kind in kinds:
            for item in self._named(kind, wanted):
                if item.name in wanted:
                    matches.setdefault(item.name, []).append(item)
        return {n: matches[n] for n in wanted if n in matches}

    def _named(self, kind: StorageKind, names: list[str]) -> Iterator[StorageItem]:
        plural, _ = _ENDPOINTS[kind]
        # A comma inside a name cannot go into a comma-separated list: such names are asked one by one.
        listable = [n for n in names if "," not in n]
        for chunk in chunked(listable, MAX_NAMES_PER_CALL):
            params: dict[str, str | int] = {"names.anyOf.caseSensitive": ",".join(chunk)}
            for raw in iterate_pages(self._t, f"/{plural}", plural, params):
                yield StorageItem.model_validate({**raw, "kind": kind})
        for name in (n for n in names if "," in n):
            for raw in iterate_pages(self._t, f"/{plural}", plural, {"name": name}):
                yield StorageItem.model_validate({**raw, "kind": kind})


class EntryEndpoints:
    def __init__(self, transport: ApiTransport) -> None:
        self._t = transport
        self._chunk = ChunkSize(INVENTORY_CHUNK)

    def _lookup(self, param: str, keys: Sequence[str]) -> Lookup[Entry]:
        def fetch(chunk: list[str]) -> list[Entry]:
            body = self._t.request("GET", "/entries:bulk-get", params={param: ",".join(chunk)}).json()
            return [Entry.model_validate(item) for item in body.get("entries") or []]

        def key_of(entry: Entry) -> str | None:
            return entry.display_id if param == "displayIds" else entry.id

        return KeyLookup(fetch, key_of, self._chunk).run(keys)

    def by_display_ids(self, display_ids: Sequence[str]) -> Lookup[Entry]:
        """Entries by display id (``EXP23-001`` → entry) and the display ids that do not exist."""
        return self._lookup("displayIds", display_ids)

    def by_ids(self, entry_ids: Sequence[str]) -> Lookup[Entry]:
        """Entries by id (``etr_…``) and the ids that do not exist."""
        return self._lookup("entryIds", entry_ids)
