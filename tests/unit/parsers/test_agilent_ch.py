"""``parsers._common.agilent_ch``: ``.ch`` files written with known points decode to those points; files it
cannot decode are warnings, never errors (the report's peak tables stand without them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers._common.agilent_ch import read_signal_traces
from tests.support.chemstation_ch import write_ch_file

pytest.importorskip("rainbow", reason="the optional 'ch' extra (rainbow-api) is not installed")


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
