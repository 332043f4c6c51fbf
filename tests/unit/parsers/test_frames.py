"""``parsers._plugin.frames``: both builders give the contract's shape, whatever the rows hold."""

from __future__ import annotations

import pytest

from ingest.contract import FLOAT, INT, RESULT_COLUMNS, STRING
from parsers import ResultColumns, empty_results, results_frame
from parsers._common.run_metadata import shared_values


def test_results_frame_types_extras_by_their_values() -> None:
    frame = results_frame(
        [{"sample_id": "S1", "peak_number": 2, "dilution": 2, "note": "ok"}], extra=("dilution", "note")
    )
    assert list(frame.columns) == [*RESULT_COLUMNS, "dilution", "note"]
    assert (frame["peak_number"].dtype, frame["dilution"].dtype, frame["note"].dtype) == (INT, FLOAT, STRING)
    assert list(empty_results().columns) == list(RESULT_COLUMNS)


def test_result_columns_keep_their_dtypes_when_a_file_fills_none() -> None:
    columns = ResultColumns({"amount": FLOAT, "peak_type": STRING})
    columns.append({"sample_id": "S1", "retention_time_min": 1.5})
    frame = columns.frame()
    assert len(columns) == 1
    assert (frame["amount"].dtype, frame["peak_type"].dtype) == (FLOAT, STRING)
    assert frame["amount"].isna().all()


def test_result_columns_reject_unknown_and_clashing_names() -> None:
    with pytest.raises(ValueError, match="repeat normalized ones"):
        ResultColumns({"area": FLOAT})
    with pytest.raises(KeyError, match="unknown result columns"):
        ResultColumns({}).append({"typo": 1})


def test_shared_values_keep_only_what_every_record_agrees_on() -> None:
    records = [{"volume": 10.0, "vial": "1", "type": None}, {"volume": 10.0, "vial": "2", "type": None}]
    assert shared_values(records, ("volume", "vial", "type")) == {"volume": 10.0}
    assert shared_values([{"volume": 10}, {"volume": 10.0}], ("volume",)) == {}  # int and float differ
    assert shared_values([], ("volume",)) == {}
