"""Matching a table's header cells to our column keys through each key's list of accepted names."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence


def locate_columns(
    names: Sequence[str], aliases: Mapping[str, Collection[str]], *, canonical: Callable[[str], str]
) -> dict[str, int]:
    """Key -> index of the first header cell whose ``canonical`` form is one of the key's aliases.

    A cell serves at most one key (the first in ``aliases`` order that accepts it); keys no cell
    matches are absent, so callers decide which of them are required.
    """
    located: dict[str, int] = {}
    for index, name in enumerate(names):
        canon = canonical(name)
        for key, options in aliases.items():
            if canon in options and key not in located:
                located[key] = index
                break
    return located
