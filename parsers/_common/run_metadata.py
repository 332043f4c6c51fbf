"""Run-level metadata shared by formats: values every injection shares, the export's own fields kept
under raw keys, and warnings for expected fields an export does not give."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping

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


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_BRACKETED = re.compile(r"\s*[\[(][^\])]*[\])]\s*")


def raw_key(name: str) -> str:
    """A snake_case metadata key for an export's own field name, unit in brackets dropped:
    ``'Signal Quantity'`` -> ``'signal_quantity'``, ``'SampleSetName'`` -> ``'sample_set_name'``,
    ``'Time Min. (min)'`` -> ``'time_min'``, ``'# of Peaks'`` -> ``'number_of_peaks'``."""
    text = (_BRACKETED.sub(" ", name).strip() or name).replace("#", " number ").replace("%", " percent ")
    words = re.sub(r"[^0-9a-z]+", "_", _CAMEL.sub("_", text).lower()).strip("_")
    if not words:
        return "field"
    return words if words[0].isalpha() else f"field_{words}"


def add_unmapped(
    metadata: dict[str, Scalar], fields: Iterable[tuple[str, str]], *, used: Collection[str] = ()
) -> None:
    """Add every ``(name, value)`` field of the export whose name is not in ``used`` under its
    :func:`raw_key`, as written, so a mapping can use it: nothing the export says is dropped unseen.

    Blank values are left out; a key already set is kept, and the field goes under ``<key>_2`` (``_3``…).
    """
    for name, value in fields:
        if name in used or not value.strip():
            continue
        key = raw_key(name)
        if metadata.get(key) == value.strip():
            continue
        candidate, number = key, 2
        while candidate in metadata:
            candidate, number = f"{key}_{number}", number + 1
        metadata[candidate] = value.strip()


def missing_expected(
    metadata: Mapping[str, Scalar], expected: Mapping[str, str], *, file: object
) -> list[str]:
    """A warning for each ``expected`` key (-> where the export keeps it) that ``metadata`` lacks."""
    return [
        f"'{file}' gives no {key.replace('_', ' ')} (looked for {where}); {key} is left empty."
        for key, where in expected.items()
        if metadata.get(key) in (None, "")
    ]
