"""Field names of the Chromeleon connector JSON, the extra result columns they fill, and the sniff keys."""

from __future__ import annotations

import re

from ingest.contract import FLOAT, STRING

#: Who writes the format, for messages.
SOURCE = "the Benchling connector"

#: Extra result columns after the normalized ones: per-injection values, then peak figures.
EXTRA_COLUMNS = {
    "injection_time": STRING,
    "sample_type": STRING,
    "injection_volume": FLOAT,
    "injection_volume_unit": STRING,
    "vial": STRING,
    "injection_identifier": STRING,
    "injection_status": STRING,
    "sample_description": STRING,
    "instrument_method": STRING,
    "processing_method": STRING,
    "signal_wavelength_nm": FLOAT,
    "peak_identifier": STRING,
    "peak_type": STRING,
    "amount": FLOAT,
    "height_percent": FLOAT,
    "start_time_min": FLOAT,
    "end_time_min": FLOAT,
    "width_half_height_min": FLOAT,
    "width_5pct_min": FLOAT,
    "width_10pct_min": FLOAT,
    "width_baseline_min": FLOAT,
    "resolution": FLOAT,
    "resolution_usp": FLOAT,
    "plates": FLOAT,
    "asymmetry_5pct": FLOAT,
    "asymmetry_aia": FLOAT,
    "capacity_factor": FLOAT,
    "relative_retention_time": FLOAT,
}

#: Per-injection keys that become run metadata when every injection in the file agrees.
SHARED_KEYS = (
    "sample_name",
    "sample_id",
    "injection_time",
    "injection_volume",
    "injection_volume_unit",
    "vial",
    "injection",
    "instrument_method",
    "processing_method",
)

#: The connector does not state signal units. Absorbance channels (UV_VIS_1, DAD..., PDA...) are in mAU
#: in Chromeleon; for other detectors (conductivity, fluorescence, charged aerosol...) the unit depends
#: on the instrument, so it is left empty rather than guessed.
ABSORBANCE_SIGNAL = re.compile(r"^(uv|dad|pda|vwd|mwd)", re.IGNORECASE)

#: Numeric peak columns -> the connector's field names for them (first present wins).
PEAK_FLOATS: dict[str, tuple[str, ...]] = {
    "amount": ("amount",),
    "height_percent": ("relative peak height",),
    "start_time_min": ("start time",),
    "end_time_min": ("end time",),
    "width_half_height_min": ("peak width at half height",),
    "width_5pct_min": ("peak width at 5 % of height",),
    "width_10pct_min": ("peak width at 10 % of height",),
    "width_baseline_min": ("peak width at baseline",),
    "resolution": ("chromatographic peak resolution",),
    "resolution_usp": ("chromatographic peak resolution (USP)",),
    "plates": ("number of theoretical plates by peak width at half height",),
    "asymmetry_5pct": ("asymmetry factor measured at 5 % height",),
    "asymmetry_aia": ("asymmetry aia",),
    "capacity_factor": ("capacity factor",),
    "relative_retention_time": ("relative retention time",),
}

#: Keys only Chromeleon's connector writes (lower case with spaces); two must appear in the head.
SNIFF_KEYS = (
    "injections",
    "injection identifier",
    "injection volume setting",
    "signal name",
    "sequence directory",
    "device information",
)
#: Keys of Empower's connector (CamelCase field names): a head holding two of them is Empower's, not ours,
#: even when it also holds some of :data:`SNIFF_KEYS` (Empower's export has an ``injections`` array too).
EMPOWER_KEYS = (
    "SampleSetName",
    "SampleSetId",
    "InjectionId",
    "ChannelId",
    "DateAcquired",
    "SampleSetMethod",
)
