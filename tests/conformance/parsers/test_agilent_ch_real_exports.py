"""ChemStation ``.ch`` signal files decoded into traces, checked against independent decodings."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from parsers._common.agilent_ch import read_signal_traces


def test_brown_dad1a_matches_the_expected_csv(instrument_exports: Path) -> None:
    root = instrument_exports / "agilent-chemstation-ch" / "rainbow"
    (trace,), warnings = read_signal_traces([root / "brown.D" / "dad1A.ch"])
    assert warnings == []
    with (root / "expected_outputs" / "brown" / "dad1A.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["RT (min)", "254"]
    expected = [(float(t), float(v)) for t, v in rows[1:]]
    info = json.loads((root / "expected_outputs" / "brown" / "info.json").read_text())["datafiles"][
        "dad1A.ch"
    ]
    assert len(trace.data) == len(expected) == info["shape"][0] == 1351
    assert trace.data["time_min"].tolist() == pytest.approx([t for t, _ in expected], abs=1e-9)
    assert trace.data["signal"].tolist() == pytest.approx([v for _, v in expected], abs=1e-9)
    assert trace.channel == "DAD A, Sig=254,10 Ref=off" == info["metadata"]["signal"]
    assert trace.signal_unit == info["metadata"]["unit"] == "mAU"


def test_ca5_trace_has_the_points_of_the_allotrope_document(instrument_exports: Path) -> None:
    root = instrument_exports / "agilent-chemstation-ch" / "chromatopy"
    (trace,), warnings = read_signal_traces([root / "CA5_50uM.D" / "dad1A.ch"])
    assert warnings == []
    document = json.loads((root / "CA5_50uM.json").read_text())
    cube = document["liquid chromatography aggregate document"]["liquid chromatography document"][0][
        "measurement document"
    ]["chromatogram data cube"]
    assert len(trace.data) == len(cube["data"]["measures"][0]) == 3001
    assert trace.signal_unit == cube["cube-structure"]["measures"][0]["unit"] == "mAU"
    assert trace.data["time_min"].is_monotonic_increasing
