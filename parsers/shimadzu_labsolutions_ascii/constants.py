"""Section kinds and column aliases of Shimadzu ASCII exports, normalized by ``tables.canonical_header``.

Header cells are compared in lower case without spaces and without a bracketed unit, so ``R.Time``,
``R. Time (min)`` and ``Ret.Time[min]`` meet the same alias. LabSolutions lets the user choose the
peak-table columns, so only retention time and area are required.
"""

from __future__ import annotations

from typing import Final

SECTION_HEADER: Final = "header"
SECTION_FILE: Final = "file information"
SECTION_SAMPLE: Final = "sample information"
SECTION_FILES: Final = "original files"
SECTION_CONFIGURATION: Final = "configuration"
SECTION_PEAK_TABLE: Final = "peak table"
SECTION_COMPOUNDS: Final = "compound results"
#: GCsolution writes the same layout under "[GC Chromatogram(...)]", LabSolutions GC under
#: "[Chromatogram (Ch1)]" (beside "[Peak Table(Ch1)]").
SECTION_CHROMATOGRAMS: Final = ("lc chromatogram", "gc chromatogram", "chromatogram")
#: Section titles some programs of the family spell their own way -> the usual kind (PACsolution writes
#: "[Configration]").
SECTION_ALIASES: Final = {"configration": SECTION_CONFIGURATION}
#: Key/value sections whose fields become metadata (known keys mapped, every other key kept raw).
KEY_VALUE_SECTIONS: Final = (
    SECTION_HEADER,
    SECTION_FILE,
    SECTION_SAMPLE,
    SECTION_FILES,
    "file description",
    "file comment",
    SECTION_CONFIGURATION,
)
#: Sections of free text (the user's description or comment of the data file): their lines are kept
#: together under the section's name (``file_comment``), not read as key/value fields.
FREE_TEXT_SECTIONS: Final = ("file description", "file comment")
#: Metadata every export should give, and where it is looked for (missing ones are warnings).
EXPECTED: Final = {
    "sample_name": "'Sample Name' in [Sample Information]",
    "injection_time": "'Acquired' or 'Acquisition Date' in [Sample Information]",
}

PEAK_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "peak_number": ("peak#", "peakno.", "peakno", "peaknumber", "pkno."),
    "retention_time": ("r.time", "ret.time", "rt", "retentiontime", "r.t."),
    "start_time": ("i.time", "starttime"),
    "end_time": ("f.time", "endtime"),
    "area": ("area",),
    "height": ("height",),
    "area_percent": ("area%", "%area", "areapercent", "area%(%)"),
    "concentration": ("conc.", "conc", "concentration", "amount"),
    "mark": ("mark",),
    "compound_id": ("id#", "idno.", "id"),
    "name": ("name", "peakname", "compoundname"),
    "plates": ("plate#", "plateno.", "platenumber", "plates"),
    "tailing": ("tailing", "tailingfactor"),
    "resolution": ("resolution",),
}
PEAK_REQUIRED: Final = ("retention_time", "area")
PEAK_TEXT_COLUMNS: Final = frozenset({"mark", "compound_id", "name"})

COMPOUND_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "compound_id": ("id#", "idno.", "id"),
    "name": ("name", "compoundname"),
    "retention_time": ("r.time", "ret.time", "rt", "retentiontime"),
    "area": ("area",),
    "height": ("height",),
    "concentration": ("conc.", "conc", "concentration", "amount"),
}
COMPOUND_REQUIRED: Final = ("name", "retention_time")
COMPOUND_TEXT_COLUMNS: Final = frozenset({"compound_id", "name"})

#: Keys of the injection's date and time in [Sample Information]: LabSolutions/LCsolution, PACsolution.
ACQUIRED_KEYS: Final = ("acquired", "acquisition date")

#: Count lines opening a table section.
PEAK_COUNT_KEYS: Final = frozenset({"# of peaks", "number of peaks", "no. of peaks"})
COMPOUND_COUNT_KEYS: Final = frozenset({"# of ids", "number of ids", "no. of ids"})
POINT_COUNT_KEYS: Final = frozenset({"# of points", "number of points", "no. of points"})

#: LabSolutions records injection volumes in microlitres; the export does not repeat the unit.
INJECTION_VOLUME_UNIT: Final = "µL"

#: Peak retention times in compound results and peak tables are written with three decimals.
RETENTION_TIME_TOLERANCE_MIN: Final = 0.0005

#: Extra result columns after the normalized ones, in this order.
EXTRA_COLUMNS: Final = (
    "concentration",
    "compound_id",
    "start_time_min",
    "end_time_min",
    "peak_mark",
    "plates",
    "tailing_factor",
    "resolution",
)
#: Extra columns holding text (the others are numbers), typed so whatever a file holds.
TEXT_EXTRA_COLUMNS: Final = ("compound_id", "peak_mark")
