"""The keys of EZStart/EZChrom ASCII headers, their per-channel lists, axis titles and units.

Keys are compared lower-case without spaces and without the colon. The per-channel keys hold one value
per channel (``Maxchannels``), the last cell may name a unit (``Hz``, ``Pts.``).
"""

from __future__ import annotations

from typing import Final

#: The first header key of every export, and the one giving the channel count.
VERSION_KEY: Final = "version"
CHANNELS_KEY: Final = "maxchannels"
#: Keys every export has; ``sniff`` wants the first and two of the others in the head.
SNIFF_KEYS: Final = ("maxchannels:", "sampling rate:", "total data points:", "y axis multiplier:")

SAMPLING_RATE_KEY: Final = "samplingrate"
POINTS_KEY: Final = "totaldatapoints"
X_TITLE_KEY: Final = "xaxistitle"
Y_TITLE_KEY: Final = "yaxistitle"
X_MULTIPLIER_KEY: Final = "xaxismultiplier"
Y_MULTIPLIER_KEY: Final = "yaxismultiplier"
PER_CHANNEL_KEYS: Final = (
    SAMPLING_RATE_KEY,
    POINTS_KEY,
    X_TITLE_KEY,
    Y_TITLE_KEY,
    X_MULTIPLIER_KEY,
    Y_MULTIPLIER_KEY,
)
#: Units written after the per-channel values.
RATE_UNITS: Final = frozenset({"hz"})
POINTS_UNITS: Final = frozenset({"pts.", "pts", "points"})

#: Text keys -> metadata keys.
TEXT_KEYS: Final[dict[str, str]] = {
    "sampleid": "sample_id",
    "samplename": "sample_name",
    "vialnumber": "vial",
    "vial": "vial",
    "username": "operator",
    "pretreatname": "pretreat_name",
    "instrumentname": "instrument",
    "instrument": "instrument",
    "sequencename": "sequence",
    "sequence": "sequence",
}
DATE_KEY: Final = "acquisitiondateandtime"
DATA_FILE_KEY: Final = "datafile"
METHOD_KEY: Final = "method"
VOLUME_KEY: Final = "volume"
#: Numeric keys kept as numbers.
NUMBER_KEYS: Final[dict[str, str]] = {
    "sampleamount": "sample_amount",
    "dilutionfactor": "dilution_factor",
    "dilution": "dilution_factor",
    "internalstdamount": "internal_std_amount",
    "istdamount": "internal_std_amount",
}
#: EZChrom's placeholder for an empty name.
NONE_VALUES: Final = frozenset({"(none)", ""})

#: EZChrom records the injection volume in microlitres without repeating the unit.
INJECTION_VOLUME_UNIT: Final = "µL"

#: X axis titles -> minutes per unit of that axis.
X_AXIS_MINUTES: Final[dict[str, float]] = {
    "seconds": 1 / 60,
    "second": 1 / 60,
    "sec": 1 / 60,
    "s": 1 / 60,
    "minutes": 1.0,
    "minute": 1.0,
    "min": 1.0,
    "milliseconds": 1 / 60000,
    "msec": 1 / 60000,
    "ms": 1 / 60000,
}
#: Y axis titles -> the unit we store.
Y_AXIS_UNITS: Final[dict[str, str]] = {
    "volts": "V",
    "volt": "V",
    "v": "V",
    "mvolts": "mV",
    "millivolts": "mV",
    "mv": "mV",
    "uvolts": "µV",
    "µvolts": "µV",
    "microvolts": "µV",
    "uv": "µV",
    "µv": "µV",
    "au": "AU",
    "mau": "mAU",
    "lu": "LU",
    "counts": "counts",
}
