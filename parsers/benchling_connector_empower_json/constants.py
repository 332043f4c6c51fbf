"""Field names of the Empower connector JSON, the units Empower reports in, and the sniff keys."""

from __future__ import annotations

from ingest.contract import FLOAT, INT, STRING

#: Who writes the format, for messages.
SOURCE = "the Benchling connector"

#: Empower reports areas in µV·s and heights in µV whatever the detector (it scales every channel to µV).
AREA_UNIT = "µV*s"
HEIGHT_UNIT = "µV"
#: Empower stores injection volumes in microlitres.
INJECTION_VOLUME_UNIT = "µL"

#: Extra result columns after the normalized ones, with their dtypes.
EXTRA_COLUMNS = {
    "injection_time": STRING,
    "sample_type": STRING,
    "injection_volume": FLOAT,
    "injection_volume_unit": STRING,
    "vial": STRING,
    "injection_number": INT,
    "label": STRING,
    "instrument_method": STRING,
    "acquired_by": STRING,
    "channel": STRING,
    "processing_method": STRING,
    "result_id": STRING,
    "date_processed": STRING,
    "peak_type": STRING,
    "integration_type": STRING,
    "amount": FLOAT,
    "concentration": FLOAT,
    "amount_percent": FLOAT,
    "height_percent": FLOAT,
    "start_time_min": FLOAT,
    "end_time_min": FLOAT,
    "width_s": FLOAT,
    "resolution": FLOAT,
    "plates": FLOAT,
    "tailing": FLOAT,
    "relative_retention_time": FLOAT,
}

#: Per-injection keys that become run metadata when every injection in the file agrees.
SHARED_KEYS = (
    "sample_name",
    "injection_time",
    "injection_volume",
    "injection_volume_unit",
    "vial",
    "instrument_method",
    "acquired_by",
)

#: Numeric peak columns -> Empower's field names for them (first present wins).
PEAK_FLOATS: dict[str, tuple[str, ...]] = {
    "amount": ("Amount",),
    "concentration": ("Concentration",),
    "amount_percent": ("PctAmount",),
    "height_percent": ("PctHeight",),
    "start_time_min": ("StartTime",),
    "end_time_min": ("EndTime",),
    "width_s": ("Width",),
    "resolution": ("USPResolution", "Resolution"),
    "plates": ("USPPlateCount", "PlateCount"),
    "tailing": ("USPTailing", "Tailing"),
    "relative_retention_time": ("RelativeRT", "RRT~", "RRT"),
}

#: Empower field names (CamelCase) from the sample set, injections and channels; two must appear in the head.
SNIFF_KEYS = (
    "SampleSetName",
    "SampleSetId",
    "InjectionId",
    "ChannelId",
    "DateAcquired",
    "SampleSetMethod",
)
