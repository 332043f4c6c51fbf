"""lc_results_csv against the demo exports in sample_data/exports/lc, compared with their expected outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.models import ParsedFile
from parsers import validate_parsed
from parsers.lc_results_csv.parser import LcResultsCsvParser
from tests.support.golden import Golden

DEMO_EXPORTS = Path(__file__).parent / "demo_exports"
REPO = Path(__file__).resolve().parents[4]
DEMO = REPO / "sample_data" / "exports" / "lc"
DEMO_FILES = sorted(p for p in DEMO.glob("*.csv") if not p.stem.endswith("_trace"))


def summary(parsed: ParsedFile) -> dict[str, Any]:
    """A JSON-able view of a ParsedFile: everything but the trace points themselves."""
    return {
        "metadata": dict(parsed.metadata),
        "results": json.loads(parsed.results.to_json(orient="records")),
        "dtypes": {c: str(t) for c, t in parsed.results.dtypes.items()},
        "traces": [
            {
                "channel": t.channel,
                "points": len(t.data),
                "time_range": [float(t.data["time_min"].min()), float(t.data["time_min"].max())],
                "max_signal": round(float(t.data["signal"].max()), 3),
                "signal_unit": t.signal_unit,
            }
            for t in parsed.traces
        ],
        "attachments": [p.name for p in parsed.attachments],
        "warnings": list(parsed.warnings),
        "encoding": parsed.provenance.encoding,
    }


def test_there_are_three_demo_exports() -> None:
    assert len(DEMO_FILES) == 3


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.stem)
def test_demo_export_matches_golden(path: Path, golden: Golden) -> None:
    parsed = validate_parsed(LcResultsCsvParser().parse(path), file=path)
    assert LcResultsCsvParser().sniff(path.read_bytes()[:65536], path)
    assert parsed.traces and parsed.attachments, "every demo export names a trace file beside it"
    assert set(parsed.results["sample_id"]) <= {f"SMP-{n:03d}" for n in range(1, 13)}
    golden.check(DEMO_EXPORTS / f"{path.stem}.json", summary(parsed))
