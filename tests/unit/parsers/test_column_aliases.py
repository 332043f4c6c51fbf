"""locate_columns: the header matching shared by the Shimadzu and Chromeleon peak tables."""

from __future__ import annotations

from parsers._common.column_aliases import locate_columns

ALIASES = {"retention_time_min": ("rt", "rettime"), "area": ("area",), "amount": ("conc", "amount")}


def test_each_key_takes_its_first_matching_cell_by_canonical_name() -> None:
    names = ["No.", "Ret. Time", "Area", "RT", "AREA"]
    located = locate_columns(names, ALIASES, canonical=lambda n: n.replace(" ", "").replace(".", "").lower())
    assert located == {"retention_time_min": 1, "area": 2}  # no 'amount' cell: the key is absent


def test_a_cell_serves_only_the_first_key_that_accepts_it() -> None:
    aliases = {"peak_name": ("name",), "compound": ("name", "compound")}
    assert locate_columns(["Name", "Name"], aliases, canonical=str.lower) == {"peak_name": 0, "compound": 1}
