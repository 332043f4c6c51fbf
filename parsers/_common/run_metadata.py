"""Run-level metadata from per-injection values: what every injection of the file shares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ingest.models import Scalar


def shared_values(injections: Iterable[Mapping[str, Scalar]], keys: Iterable[str]) -> dict[str, Scalar]:
    """For each key, its value when every injection has the same non-null value; else the key is left out.

    A file may hold a whole sequence; a value such as the injection volume belongs on the run only when
    it is true of every injection in it.
    """
    records = list(injections)
    shared: dict[str, Scalar] = {}
    if not records:
        return shared
    for key in keys:
        values = [record.get(key) for record in records]
        first = values[0]
        if first is not None and all(value == first and type(value) is type(first) for value in values):
            shared[key] = first
    return shared
