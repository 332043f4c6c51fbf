"""Column names and aliases of the LC results CSV format.

Headers are matched after lower-casing and removing all whitespace, so ``Sample ID``, ``sample id``
and ``SampleID`` are the same column. A header may carry its unit in brackets or parentheses
(``Area [mAU*s]``, ``Height (mAU)``, ``RT (s)``).
"""

from __future__ import annotations

#: Canonical key -> (display name used in messages, accepted header spellings).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sample_id": ("Sample ID", ("Sample ID", "SampleID", "Registry ID", "Sample Registry ID")),
    "sample_name": ("Sample Name", ("Sample Name", "Sample", "SampleName")),
    "injection": ("Injection", ("Injection", "Injection #", "Injection No", "Injection Number", "Inj")),
    "injection_time": (
        "Injection Date",
        ("Injection Date", "Injection Time", "Injection Date/Time", "Date Acquired", "Acquired"),
    ),
    "instrument": ("Instrument", ("Instrument", "Instrument Name", "System")),
    "method": ("Method", ("Method", "Method Name", "Instrument Method")),
    "signal": ("Signal", ("Signal", "Channel", "Detector")),
    "peak_number": ("Peak", ("Peak", "Peak #", "Peak No", "Peak Number", "Peak#")),
    "peak_name": ("Peak Name", ("Peak Name", "Compound", "Component", "Name")),
    "retention_time_min": ("RT (min)", ("RT (min)", "RT", "Retention Time", "RT [min]", "R.Time")),
    "area": ("Area", ("Area",)),
    "area_unit": ("Area Unit", ("Area Unit", "Area Units")),
    "height": ("Height", ("Height",)),
    "height_unit": ("Height Unit", ("Height Unit", "Height Units")),
    "area_percent": ("Area %", ("Area %", "Area%", "Area Percent", "Rel. Area (%)", "Area (%)")),
    "chromatogram": ("Chromatogram", ("Chromatogram", "Chromatogram File", "Trace File", "Trace")),
}

#: Columns without which a file is not an LC results CSV.
REQUIRED: tuple[str, ...] = ("sample_id", "retention_time_min", "area")

#: Columns every row must fill with a number (a peak without them is not a result).
REQUIRED_VALUES: tuple[str, ...] = ("retention_time_min", "area")

#: Columns holding numbers; the rest are text.
NUMERIC: tuple[str, ...] = ("peak_number", "retention_time_min", "area", "height", "area_percent")

#: Columns whose unit may be written in the header; the unit then goes to this companion column.
UNIT_COLUMNS: dict[str, str] = {"area": "area_unit", "height": "height_unit"}

#: Run-level columns: every row of one file must agree (one file is one run).
RUN_LEVEL: tuple[str, ...] = ("injection_time", "instrument", "method")

#: Retention-time units accepted in the header, as factors to minutes.
RT_UNITS: dict[str, float] = {"min": 1.0, "minutes": 1.0, "s": 1 / 60, "sec": 1 / 60, "seconds": 1 / 60}

#: Trace files: the first column is time in minutes, the second the detector signal.
TRACE_TIME_HEADERS: tuple[str, ...] = ("time_min", "time (min)", "time [min]", "time", "rt (min)")

#: Chromatogram files read as trace CSVs (others, such as a PNG, are only attached).
TRACE_SUFFIXES: tuple[str, ...] = (".csv", ".txt")
