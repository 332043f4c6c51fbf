"""What a TotalChrom report holds: its header keys, the peak-table column aliases, its sniff markers.

Header keys are compared lower-case with spaces and the trailing colon removed (``"Raw Data File :"``
and ``"Raw Data File:"`` meet the same key). Table columns are named by two header rows, a name and a
bracketed unit (``"Time"`` over ``"[min]"``); they are compared joined and without spaces
(``time[min]``). Report formats are user-defined, so only retention time and area are required.
"""

from __future__ import annotations

from typing import Final

#: Header lines every TotalChrom report starts with; two of them make a file a TotalChrom report.
SNIFF_KEYS: Final = (
    '"software version:"',
    '"reprocess number:"',
    '"a/d mv range:"',
    '"raw data file :"',
    '"result file :"',
    '"data acquisition time:"',
    '"sampling rate:"',
)
#: The header block is framed by lines of '=' characters.
RULE_CHAR: Final = "="

#: Header key -> metadata key, for values kept as text.
TEXT_KEYS: Final[dict[str, str]] = {
    "softwareversion": "software_version",
    "reprocessnumber": "reprocess_number",
    "operator": "operator",
    "samplename": "sample_name",
    "samplenumber": "sample_id",
    "study": "study",
    "autosampler": "autosampler",
    "instrumentname": "instrument",
    "channel": "channel",
    "instrumentserial#": "instrument_serial",
    "cycle": "cycle",
    "rawdatafile": "raw_data_file",
    "resultfile": "result_file",
    "reportformatfile": "report_format_file",
    "sequencefile": "sequence_file",
    "instmethod": "method_file",
    "procmethod": "processing_method_file",
    "calibmethod": "calibration_method_file",
    "description": "description",
    "sampledescription": "description",
}
#: Header key -> metadata key, for numeric values (written with the PC's decimal mark, unquoted).
NUMBER_KEYS: Final[dict[str, str]] = {
    "a/dmvrange": "ad_range_mv",
    "delaytime": "delay_time_min",
    "endtime": "end_time_min",
    "samplingrate": "sampling_rate",
    "samplevolume": "injection_volume",
    "areareject": "area_reject",
    "sampleamount": "sample_amount",
    "dilutionfactor": "dilution_factor",
    "internalstdamount": "internal_std_amount",
    "istdamount": "internal_std_amount",
}
#: Header keys holding date-times: the acquisition (the injection) and the report's own date.
ACQUISITION_KEY: Final = "dataacquisitiontime"
REPORT_DATE_KEY: Final = "date"
#: A key holding two numbers: rack and vial.
RACK_VIAL_KEY: Final = "rack/vial"

#: Volume units as TotalChrom writes them -> ours.
VOLUME_UNITS: Final[dict[str, str]] = {"ul": "µL", "µl": "µL", "nl": "nL", "ml": "mL"}

#: Result column -> accepted joined header names (name + unit, lower-case, no spaces).
PEAK_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "peak_number": ("peak#", "peak", "peakno.", "peaknumber", "#"),
    "retention_time_min": ("time[min]", "rettime[min]", "retentiontime[min]", "rt[min]"),
    "retention_time_s": ("time[s]", "rettime[s]", "retentiontime[s]", "rt[s]"),
    "area": ("area[µv·s]", "area[µv*s]", "area[uv*s]", "area[µvs]", "area[uv-s]", "area[µv-s]", "area"),
    "height": ("height[µv]", "height[uv]", "height"),
    "area_percent": ("area[%]", "area%", "%area"),
    "normalized_area_percent": ("norm.area[%]", "normarea[%]", "normalizedarea[%]"),
    "baseline_code": ("bl", "baseline", "blcode"),
    "area_height_ratio_s": ("area/height[s]",),
    "peak_name": ("component", "componentname", "name", "peakname", "compound"),
    "amount": ("rawamount", "amount", "adjustedamount", "adjamount"),
    "width_s": ("width[s]", "width50%[s]", "width"),
    "resolution": ("resolution",),
    "plates": ("plates", "theoreticalplates", "n"),
    "asymmetry": ("asymmetry", "asym"),
}
PEAK_REQUIRED: Final = ("area",)
PEAK_TEXT_COLUMNS: Final = frozenset({"peak_name", "baseline_code"})

#: The units the header row states for areas and heights, as we write them.
AREA_UNITS: Final[dict[str, str]] = {"[µv·s]": "µV*s", "[µv*s]": "µV*s", "[uv*s]": "µV*s", "[µvs]": "µV*s"}
HEIGHT_UNITS: Final[dict[str, str]] = {"[µv]": "µV", "[uv]": "µV"}

#: The title of the section listing calibrated components that were not found.
MISSING_COMPONENTS_TITLE: Final = "missing component report"

#: Extra result columns after the normalized ones, with their kinds.
EXTRA_NUMBER_COLUMNS: Final = (
    "normalized_area_percent",
    "area_height_ratio_s",
    "amount",
    "width_s",
    "resolution",
    "plates",
    "asymmetry",
)
EXTRA_TEXT_COLUMNS: Final = ("baseline_code",)
