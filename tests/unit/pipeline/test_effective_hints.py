"""Which mapping-file saves change the reading hints a running service's parsers were made with: only
those that give some parser's files in some folder other hints. Mappings added, removed or pointed at
other schemas without hint keys do not; a hint key a file's mapping or the top level changes does."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline.effective_hints import hint_changes
from ingest.resolve import SchemaMap, parse_schema_map


def mapping(parser: str, schema: str = "Chromatography Run", **keys: str) -> str:
    extra = "".join(f"    {key}: {value}\n" for key, value in keys.items())
    return f"  - parser: {parser}\n{extra}    run:\n      schema: {schema}\n"


def schema_map(*mappings: str, top: str = "") -> SchemaMap:
    text = f"version: 1\n{top}mappings:\n" + "".join(mappings)
    return parse_schema_map(text, Path("schemas_map.yaml"))


LC = mapping("lc_results_csv")
ARW = mapping("waters_empower_arw")

#: (before, after) pairs that change no file's hints.
SAME = {
    "a mapping added": (schema_map(ARW), schema_map(ARW, LC)),
    "a mapping removed": (schema_map(ARW, LC), schema_map(ARW)),
    "a mapping retargeted": (schema_map(LC), schema_map(mapping("lc_results_csv", "Other Run"))),
    "a folder mapping added without hints": (
        schema_map(LC, top="decimal: comma\n"),
        schema_map(LC, mapping("lc_results_csv", folder="'*/site-b'"), top="decimal: comma\n"),
    ),
    "a mapping repeating the top-level hint": (
        schema_map(ARW, top="date_order: day_first\n"),
        schema_map(ARW, mapping("lc_results_csv", date_order="day_first"), top="date_order: day_first\n"),
    ),
    "mappings reordered": (
        schema_map(mapping("lc_results_csv", decimal="comma"), ARW),
        schema_map(ARW, mapping("lc_results_csv", decimal="comma")),
    ),
}

#: (before, after, the parsers named as changed).
CHANGED = {
    "a top-level hint": (schema_map(LC), schema_map(LC, top="encoding: cp932\n"), ["*", "lc_results_csv"]),
    "a mapping's hint": (
        schema_map(LC, ARW),
        schema_map(mapping("lc_results_csv", decimal="comma"), ARW),
        ["lc_results_csv"],
    ),
    "a mapping added with a hint": (
        schema_map(ARW),
        schema_map(ARW, mapping("lc_results_csv", date_order="month_first")),
        ["lc_results_csv"],
    ),
    "a mapping with a hint removed": (
        schema_map(ARW, mapping("lc_results_csv", formula_text="keep")),
        schema_map(ARW),
        ["lc_results_csv"],
    ),
    "a folder mapping's hint": (
        schema_map(LC),
        schema_map(LC, mapping("lc_results_csv", folder="'*/site-b'", decimal="comma")),
        ["lc_results_csv"],
    ),
    "a folder mapping's glob": (
        schema_map(LC, mapping("lc_results_csv", folder="'*/site-b'", decimal="comma")),
        schema_map(LC, mapping("lc_results_csv", folder="'*/site-c'", decimal="comma")),
        ["lc_results_csv"],
    ),
    "which of two overlapping folder mappings is tried first": (
        schema_map(
            mapping("lc_results_csv", folder="'*/site-*'", decimal="point"),
            mapping("lc_results_csv", folder="'*/site-b'", decimal="comma"),
        ),
        schema_map(
            mapping("lc_results_csv", folder="'*/site-b'", decimal="comma"),
            mapping("lc_results_csv", folder="'*/site-*'", decimal="point"),
        ),
        ["lc_results_csv"],
    ),
}


@pytest.mark.parametrize("case", sorted(SAME))
def test_a_save_changing_no_files_hints_is_no_hint_change(case: str) -> None:
    before, after = SAME[case]
    assert hint_changes(before, after) == []


@pytest.mark.parametrize("case", sorted(CHANGED))
def test_a_save_changing_some_files_hints_names_their_parser(case: str) -> None:
    before, after, parsers = CHANGED[case]
    assert hint_changes(before, after) == parsers
