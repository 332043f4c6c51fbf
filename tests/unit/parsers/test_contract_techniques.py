"""The result contract per technique: frames built for a technique, and ``validate_parsed`` checking a
file against its technique's columns, dtypes and units (liquid chromatography unchanged)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ingest.contract import CONTRACTS, FLOAT, RESULT_COLUMNS, STRING
from ingest.errors import ConfigError, ParseError
from ingest.models import ParsedFile, Provenance
from parsers import empty_results, results_frame, validate_parsed
from parsers._plugin.frames import ResultColumns
from parsers._plugin.plugin_class import check_parser_class

SOURCE = Path("export.json")


def parsed(frame: pd.DataFrame, technique: str = "liquid_chromatography", **kwargs: object) -> ParsedFile:
    return ParsedFile(
        metadata={},
        results=frame,
        provenance=Provenance("p", "1", SOURCE),
        technique=technique,
        **kwargs,  # type: ignore[arg-type]
    )


def test_lc_is_the_default_and_its_columns_are_unchanged() -> None:
    assert (
        list(empty_results().columns)
        == list(RESULT_COLUMNS)
        == list(CONTRACTS["liquid_chromatography"].names)
    )
    assert parsed(empty_results()).technique == "liquid_chromatography"


@pytest.mark.parametrize("technique", sorted(CONTRACTS))
def test_every_techniques_empty_frame_follows_its_contract(technique: str) -> None:
    frame = empty_results(technique)
    assert list(frame.columns) == list(CONTRACTS[technique].names)
    validate_parsed(parsed(frame, technique), file=SOURCE)


def test_a_frame_of_another_technique_is_refused_naming_the_contract() -> None:
    frame = results_frame([{"well": "A1", "cq": 21.5}], technique="qpcr")
    with pytest.raises(
        ParseError, match=r"Expected the normalized columns first.*\(the plate_reader contract\)"
    ):
        validate_parsed(parsed(frame, "plate_reader"), file=SOURCE)
    validate_parsed(parsed(frame, "qpcr"), file=SOURCE)


def test_an_unknown_technique_is_refused() -> None:
    with pytest.raises(ParseError, match=r"returned technique 'mass_spec'.*Expected one of"):
        validate_parsed(parsed(empty_results(), "mass_spec"), file=SOURCE)


def test_column_units_must_name_columns_and_agree_with_fixed_units() -> None:
    columns = ResultColumns({"temperature": FLOAT}, technique="cell_counting")
    columns.append({"sample_id": "S1", "viable_cell_density": 1.5, "temperature": 37.0})
    frame = columns.frame()
    validate_parsed(parsed(frame, "cell_counting", column_units={"temperature": "degC"}), file=SOURCE)
    with pytest.raises(ParseError, match=r"unit 'degC' for column 'missing'"):
        validate_parsed(parsed(frame, "cell_counting", column_units={"missing": "degC"}), file=SOURCE)
    with pytest.raises(
        ParseError, match=r"unit 'cells/mL' for column 'viable_cell_density'.*Expected '10\^6 cells/mL'"
    ):
        validate_parsed(
            parsed(frame, "cell_counting", column_units={"viable_cell_density": "cells/mL"}), file=SOURCE
        )


def test_contract_units_are_fixed_or_per_row() -> None:
    plate = CONTRACTS["plate_reader"]
    assert plate.column("value").unit_column == "value_unit"  # type: ignore[union-attr]
    assert plate.column("value_unit").dtype == STRING  # type: ignore[union-attr]
    assert plate.fixed_units["wavelength_nm"] == "nm"
    assert CONTRACTS["liquid_chromatography"].fixed_units == {
        "retention_time_min": "min",
        "area_percent": "%",
    }
    for contract in CONTRACTS.values():
        for column in contract.columns:
            if column.unit_column:
                assert contract.column(column.unit_column) is not None, (contract.technique, column.name)


def test_a_parser_declaring_an_unknown_technique_is_refused() -> None:
    class Reader:
        name = "plate_reader_x"
        version = "1"
        extensions = (".txt",)
        techniques = ("plate_reader", "mass_spec")

        def sniff(self, head: bytes, path: Path) -> bool:
            return False

        def parse(self, path: Path) -> ParsedFile:
            raise ParseError("never")

    with pytest.raises(ConfigError, match=r"'techniques' is \('plate_reader', 'mass_spec'\)"):
        check_parser_class(Reader, origin="test")
