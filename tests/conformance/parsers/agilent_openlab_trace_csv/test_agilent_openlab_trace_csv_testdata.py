"""Agilent OpenLab chromatogram CSV parser against the test data written for it in ``testdata/`` (always run).

The inputs model the real export (UTF-16LE with a BOM, CRLF, tab-separated time and signal, no header,
sample and channel only in the file name), the same export on a decimal-comma Windows locale, and a copy
that lost its BOM and has one time step out of order; and a signal exported from a result set under
OpenLab's own name ``<injection>.dx_<signal>.CSV``, in UTF-8 with commas and full-precision numbers.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers import discover_parsers
from tests.support.golden import Golden
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA)


def test_every_quirk_has_an_input() -> None:
    assert [p.name for p in INPUTS] == [
        "Blank_run_MWD.CSV",
        "KCl-SEC_2H_FLD.CSV",
        "Probe-11_DAD_254.CSV",
        "Run 2024-05-02 10-14-07+02-00-03.dx_VWD1A.CSV",
    ]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "agilent_openlab_trace_csv", golden)


def test_utf16_export_keeps_every_row_at_full_precision() -> None:
    path = TESTDATA / "KCl-SEC_2H_FLD.CSV"
    rows = path.read_bytes().decode("utf-16").splitlines()
    parsed = discover_parsers().parse(path)
    (trace,) = parsed.traces
    assert len(trace.data) == len(rows) == 40
    first_time, first_signal = (float(cell) for cell in rows[0].split("\t"))
    assert trace.data.iloc[0].tolist() == [first_time, first_signal]
    assert dict(parsed.metadata) == {"sample_name": "KCl-SEC_2H_FLD"}
    assert parsed.results.empty and parsed.provenance.encoding == "utf-16"


def test_decimal_commas_are_read_as_decimal_marks() -> None:
    (trace,) = discover_parsers().parse(TESTDATA / "Probe-11_DAD_254.CSV").traces
    assert trace.data.iloc[8].tolist() == pytest.approx([0.4, 120.15])
    assert trace.data["time_min"].is_monotonic_increasing


def test_a_copy_without_bom_is_still_claimed_and_out_of_order_times_are_a_warning() -> None:
    path = TESTDATA / "Blank_run_MWD.CSV"
    assert not path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    parsed = discover_parsers().parse(path)
    assert parsed.provenance.encoding == "utf-16-le"
    assert len(parsed.traces[0].data) == 12
    assert parsed.warnings == (
        f"Times in '{path}' do not increase throughout; the trace is kept as exported.",
    )


def test_a_signal_export_named_by_openlab_is_read_in_utf8_with_commas() -> None:
    path = TESTDATA / "Run 2024-05-02 10-14-07+02-00-03.dx_VWD1A.CSV"
    parsed = discover_parsers().parse(path)
    assert parsed.provenance.encoding == "utf-8"
    assert parsed.metadata == {
        "sample_name": "Run 2024-05-02 10-14-07+02-00-03",
        "injection": "Run 2024-05-02 10-14-07+02-00-03",
        "channel": "VWD1A",
    }
    (trace,) = parsed.traces
    assert (trace.channel, len(trace.data)) == ("VWD1A", 24)
    assert trace.data["time_min"].iloc[0] == 0.004


def test_utf8_rows_of_two_numbers_without_the_openlab_name_are_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "trace.csv"
    path.write_text("0.004,0.0012\r\n0.0107,0.0013\r\n0.0173,0.0011\r\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"OpenLab writes these in UTF-16, or names them"):
        discover_parsers().parse(path)
