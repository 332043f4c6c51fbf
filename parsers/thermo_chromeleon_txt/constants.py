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
#: Titles of the "Chromatogram and Results" report (and other report templates), which Chromeleon prints
#: on a line of their own without a colon; with the sections above, they are the titles recognised so.
REPORT_SECTIONS = frozenset(
    {"chromatogram and results", "injection details", "integration results", "peak results", "chromatogram"}
)
#: Titles whose presence on a line of its own shows a Chromeleon export (for ``sniff``).
SNIFF_TITLES = CHROMELEON_SECTIONS | {"injection details", "integration results", "chromatogram and results"}

#: The trace section: "Chromatogram Data:" in 7.x, "Raw Data:" in 6.x.
DATA_SECTIONS = frozenset({"chromatogram data", "raw data"})
#: Titles an optional peak table section goes by.
PEAK_SECTIONS = frozenset({"integration results", "peak results", "peak table", "integration"})

#: Chromeleon PCs outside Central Europe write cp1252 when the export is not UTF-8.
ENCODINGS = ("utf-8", "cp1252", "cp1250", "latin-1")

#: Extra result columns after the normalized ones, in this order.
EXTRA_COLUMNS = ("amount", "height_percent", "peak_type", "start_time_min", "end_time_min")
#: Key/value sections metadata is read from first, in this order (the first occurrence of a key wins);
#: any other section that is not a table is read after them, so that none of its fields is lost.
INFO_SECTIONS = (
    "injection information",
    "injection details",
    "sample information",
    "chromatogram data information",
    "raw data header information",
    "signal parameter information",
)

#: Normalized key -> metadata key, first match wins: 7.2 names, 7.3+ names, the "Chromatogram and
#: Results" report's names, then 6.x names.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "sample_name": ("injection", "name", "injection name", "sample", "sample name"),
    "sample_id": ("sample id",),
    "injection": ("injection number", "number", "sample number"),
    "vial": ("position", "vial number", "vial", "sample position"),
    "method": ("instrument method", "pgm file", "program"),
    "processing_method": ("processing method", "qnt method"),
    "sequence": ("sequence", "sequence name"),
    "sample_type": ("type", "injection type", "sample type"),
    "calibration_level": ("calibration level", "level"),
    "operator": ("operator",),
    "instrument": ("instrument", "timebase"),
    "detector": ("detector",),
    "data_vault": ("data vault", "datasource"),
    "software": ("generating data system", "data system"),
    "comment": ("comment",),
    "wavelength": ("wavelength",),
}
#: Where the injection's date and time are: a date and a time key (7.2, 6.x), or one key with both
#: (7.3+ "Inject Time", the report's "Injection Date/Time").
DATE_KEYS = ("injection date", "date")
TIME_KEYS = ("injection time", "time")
DATE_TIME_KEYS = (
    "inject time",
    "injection date/time",
    "injection date time",
    "date/time",
    "acquisition time",
)
#: Keys of the injection volume (unit in brackets, in the next cell, or microlitres).
VOLUME_KEYS = ("injection volume", "volume", "inj. volume")
#: Keys holding the path of the injection (7.3+ "URL"), which names the sequence.
PATH_KEYS = ("file path", "filepath", "url")
#: Numeric keys -> metadata key.
NUMBER_FIELDS = {
    "dilution factor": "dilution_factor",
    "weight": "weight",
    "sample weight": "weight",
    "amount": "amount",
    "sample amount": "amount",
}
#: Metadata every export should give, and where it is looked for (missing ones are warnings).
EXPECTED = {
    "sample_name": "'Injection', 'Name', 'Injection Name' or 'Sample'",
    "injection_time": "'Injection Date' with 'Injection Time', 'Inject Time' or 'Injection Date/Time'",
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
