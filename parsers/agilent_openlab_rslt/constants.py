"""Names inside an OpenLab CDS result set: member suffixes, ACAML element names, units, limits."""

from __future__ import annotations

from typing import Final

#: The result set's main document, one per set, at its root.
ACAML_SUFFIX: Final = ".acaml"
#: Per-injection packages (zip): raw signals (``.dx``) and processing results (``.rx``).
RAW_SUFFIX: Final = ".dx"
RESULT_SUFFIX: Final = ".rx"
#: Inside a ``.rx``: the injection's results document; inside a ``.dx``: the injection's run record.
RESULT_DOCUMENT: Final = "InjectionACAML"
RUN_RECORD_SUFFIX: Final = ".acmd"
#: Signal files inside a ``.dx`` are named ``<TraceID>.CH``.
SIGNAL_FILE_SUFFIX: Final = ".ch"

#: Members a zip of a result set carries that are not part of it (macOS resource forks).
IGNORED_PREFIXES: Final = ("__MACOSX/",)
IGNORED_NAME_PREFIX: Final = "._"

#: Signal types whose traces are chromatograms (the others are instrument curves: pressure, temperatures).
CHROMATOGRAM_TYPE: Final = "Chromatogram"

#: Units as ACAML writes them -> ours.
UNITS: Final[dict[str, str]] = {
    "mAU·s": "mAU*s",
    "mAU*s": "mAU*s",
    "pA·s": "pA*s",
    "LU·s": "LU*s",
    "nRIU·s": "nRIU*s",
}
#: Minutes per time unit.
MINUTES: Final[dict[str, float]] = {"min": 1.0, "s": 1 / 60, "ms": 1 / 60000, "h": 60.0, "": 1.0}

#: Peak elements read as numbers (besides retention time, area, height and area percent) -> column.
PEAK_NUMBERS: Final[dict[str, str]] = {
    "HeightPercent": "height_percent",
    "Symmetry": "symmetry",
    "TailingFactor_USP": "tailing",
    "TheoreticalPlates_USP": "plates",
    "Resolution_USP": "resolution",
    "Amount": "amount",
}
#: Peak elements holding times (converted to minutes) -> column.
PEAK_TIMES: Final[dict[str, str]] = {
    "BeginTime": "start_time_min",
    "EndTime": "end_time_min",
    "WidthBase": "width_base_min",
    "Width_50Perc": "width_half_height_min",
}

#: A member larger than this (uncompressed) is refused rather than read into memory.
MAX_MEMBER_BYTES: Final = 512 * 1024 * 1024
