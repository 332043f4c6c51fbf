"""The results frame of a ChemStation peak table, with its text columns typed as text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ingest.contract import STRING
from parsers._plugin.frames import results_frame
from parsers.agilent_chemstation.columns import PeakLayout


def typed_results(rows: Sequence[Mapping[str, Any]], layout: PeakLayout) -> pd.DataFrame:
    """``results_frame`` with the layout's extras; text extras stay text even when all empty."""
    frame = results_frame(rows, extra=layout.extras)
    for column in layout.text_extras:
        frame[column] = frame[column].astype(STRING)
    return frame
