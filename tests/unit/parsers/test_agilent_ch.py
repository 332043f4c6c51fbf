"""``parsers._common.agilent_ch``: ``.ch`` files written with known points decode to those points; files it
cannot decode are warnings, never errors (the report's peak tables stand without them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers._common.agilent_ch import read_signal_traces
from tests.support.chemstation_ch import write_ch_file, write_compressed_ch_file


def test_points_channel_and_unit_come_back_as_written(tmp_path: Path) -> None:
    path = write_ch_file(
        tmp_path / "FLD1A.ch",
        [1.0, 2.0, 4.0, 2.0, 1.0],
        start_min=0.5,
        end_min=0.7,
        description="FLD1 A,  Ex=290, Em=330",
        unit="LU",
        scale=0.25,
    )
    (trace,), warnings = read_signal_traces([path], report_signals=["DAD1 A, Sig=254,4 Ref=off"])
    assert warnings == []
    # No report signal has this description: it is kept with its spacing collapsed.
    assert (trace.channel, trace.signal_unit) == ("FLD1 A, Ex=290, Em=330", "LU")
    assert trace.data["time_min"].tolist() == pytest.approx([0.5, 0.55, 0.6, 0.65, 0.7])
    assert trace.data["signal"].tolist() == pytest.approx([0.25, 0.5, 1.0, 0.5, 0.25])


def test_a_file_without_a_signal_description_is_named_after_the_file(tmp_path: Path) -> None:
    path = write_ch_file(tmp_path / "ADC1A.ch", [0.0, 1.0, 0.0], start_min=0, end_min=1, description="")
    (trace,), _ = read_signal_traces([path])
    assert trace.channel == "ADC1A"


def test_a_variant_the_decoder_does_not_know_is_a_warning(tmp_path: Path) -> None:
    path = write_ch_file(tmp_path / "DAD1B.ch", [0.0, 1.0], start_min=0, end_min=1, description="x")
    path.write_bytes(b"\x03999" + path.read_bytes()[4:])  # version "999" instead of "179"
    traces, warnings = read_signal_traces([path])
    assert traces == ()
    assert warnings == [
        f"Signal file '{path}' is of a .ch variant that could not be decoded; it is attached without a trace."
    ]


def test_a_gc_fid_channel_decodes_to_its_single_column(tmp_path: Path) -> None:
    path = write_ch_file(
        tmp_path / "FID1A.ch",
        [5.0, 5.5, 40.0, 6.0, 5.0],
        start_min=1.0,
        end_min=2.0,
        description="FID1 A, Front Signal",
        unit="pA",
    )
    (trace,), warnings = read_signal_traces([path])
    assert warnings == []
    assert (trace.channel, trace.signal_unit) == ("FID1 A, Front Signal", "pA")
    assert trace.data["time_min"].tolist() == pytest.approx([1.0, 1.25, 1.5, 1.75, 2.0])
    assert trace.data["signal"].tolist() == pytest.approx([5.0, 5.5, 40.0, 6.0, 5.0])


def test_a_compressed_gc_channel_gets_one_time_per_decoded_point(tmp_path: Path) -> None:
    counts = [1000, 1010, 1030, 1500, 2400, 1600, 1100, 1040, 1020, 1012, 1008, 1005]
    path = write_compressed_ch_file(tmp_path / "FID2B.ch", counts, start_min=0.0, end_min=1.1, scale=0.5)
    (trace,), warnings = read_signal_traces([path])
    assert warnings == []
    assert trace.channel == "FID2B"  # the compressed layout carries no signal description
    assert trace.data["signal"].tolist() == pytest.approx([c * 0.5 for c in counts])
    assert trace.data["time_min"].tolist() == pytest.approx([i * 0.1 for i in range(len(counts))])
