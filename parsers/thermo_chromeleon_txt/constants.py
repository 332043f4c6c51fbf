"""Section titles, field names and peak-table column aliases of Chromeleon text exports."""

from __future__ import annotations

#: Section titles (normalized) that prove a file is a Chromeleon export.
CHROMELEON_SECTIONS = frozenset(
    {
        "injection information",
        "chromatogram data information",
        "raw data header information",
        "signal parameter information",
        "chromatogram data",
        "raw data",
    }
)
#: The trace section: "Chromatogram Data:" in 7.x, "Raw Data:" in 6.x.
DATA_SECTIONS = frozenset({"chromatogram data", "raw data"})
#: Titles an optional peak table section goes by.
PEAK_SECTIONS = frozenset({"integration results", "peak results", "peak table", "integration"})

#: Chromeleon PCs outside Central Europe write cp1252 when the export is not UTF-8.
ENCODINGS = ("utf-8", "cp1252", "cp1250", "latin-1")

#: Extra result columns after the normalized ones, in this order.
EXTRA_COLUMNS = ("amount", "height_percent", "peak_type", "start_time_min", "end_time_min")
#: Key/value sections metadata is read from, in this order (the first occurrence of a key wins).
INFO_SECTIONS = (
    "injection information",
    "sample information",
    "chromatogram data information",
    "raw data header information",
    "signal parameter information",
)

#: Normalized key -> metadata key, first match wins (7.x names first, then 6.x).
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "sample_name": ("injection", "sample", "sample name"),
    "sample_id": ("sample id",),
    "injection": ("injection number", "sample number"),
    "vial": ("position", "sample position"),
    "method": ("instrument method", "pgm file", "program"),
    "processing_method": ("processing method", "qnt method"),
    "sequence": ("sequence",),
    "sample_type": ("type",),
    "operator": ("operator",),
    "instrument": ("instrument", "timebase"),
    "detector": ("detector",),
    "data_vault": ("data vault", "datasource"),
    "software": ("generating data system", "data system"),
    "comment": ("comment",),
    "wavelength": ("wavelength",),
}

#: Peak-table column key -> accepted header names (canonical: lower case, no spaces, dots, units).
PEAK_COLUMNS: dict[str, tuple[str, ...]] = {
    "peak_number": ("no", "peakno", "peaknumber", "#", "peak#", "pk#"),
    "peak_name": ("peakname", "name", "component", "compound"),
    "retention_time_min": ("retentiontime", "rettime", "rt", "r.time"),
    "area": ("area",),
    "height": ("height",),
    "area_percent": ("relarea", "relativearea", "area%", "%area", "areapercent"),
    "height_percent": ("relheight", "relativeheight", "height%", "%height"),
    "amount": ("amount", "concentration", "conc"),
    "peak_type": ("type", "peaktype"),
    "start_time_min": ("peakstart", "starttime", "start"),
    "end_time_min": ("peakstop", "peakend", "stoptime", "endtime", "end", "stop"),
}
PEAK_TEXT_COLUMNS = frozenset({"peak_name", "peak_type"})
PEAK_TIME_COLUMNS = frozenset({"retention_time_min", "start_time_min", "end_time_min"})
PEAK_REQUIRED = ("retention_time_min", "area")
#: First cells of a peak table's footer row (not a peak).
FOOTERS = frozenset({"total", "total:", "sum", "sum:", "totals"})
