"""Header field names of Empower ARW exports and what they normalize to; the zones Empower writes."""

from __future__ import annotations

import re

#: Field name (lower case, no spaces/underscores) -> normalized metadata key.
FIELDS: dict[str, str] = {
    "samplename": "sample_name",
    "sampleid": "sample_id",
    "channel": "channel",
    "channelname": "channel",
    "channeldescription": "channel",
    "samplesetname": "sequence",
    "instrumentmethodname": "method",
    "instrumentmethod": "method",
    "injection": "injection",
    "injectionid": "injection",
    "vial": "vial",
    "systemname": "instrument",
    "instrumentname": "instrument",
    "acquiredby": "operator",
    "sampletype": "sample_type",
}
#: Fields holding the injection date and time.
DATE_FIELDS = frozenset({"dateacquired", "acquisitiondate", "injectiondate"})
#: Fields holding the injection volume (in microlitres).
VOLUME_FIELDS = frozenset({"injectionvolume", "injvolume", "volume"})
#: Fields holding the signal unit.
UNIT_FIELDS = frozenset({"units", "yunits", "channelunits", "detectorunits"})

#: Zone abbreviations Empower appends to "Date Acquired" (it writes the site's local zone).
ZONES = {
    "UTC": 0,
    "GMT": 0,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
}

#: A date followed by a zone abbreviation ("5/26/2021 10:05:37 AM EDT").
ZONE_SUFFIX = re.compile(r"^(?P<stamp>.*?)\s+(?P<zone>[A-Za-z]{3,4})$")

#: Empower stores injection volumes in microlitres; the export does not repeat the unit.
INJECTION_VOLUME_UNIT = "µL"

#: Metadata every export should give, and where it is looked for (missing ones are warnings).
EXPECTED = {"sample_name": "a 'SampleName' field"}
