"""Box labels and peak-table column aliases of OpenLab RDL text reports, and the sniff markers.

Labels and headers are compared lower-case without spaces and without a trailing colon, so ``RT
[min]`` (wrapped as ``RT`` over ``[min]``) and ``Acq. Operator:`` meet their aliases. RDL templates are
written by each lab, so only retention time and area are required of a peak table.
"""

from __future__ import annotations

from typing import Final

#: Box-drawing characters of the report grid.
VERTICAL: Final = "│"
TOP_CORNERS: Final = "┌"
BOTTOM_CORNERS: Final = "└"
ROW_RULE: Final = "├"
PAGE_RULE: Final = "═"

#: Label of the key/value box naming the signal of the peak table that follows it.
SIGNAL_LABELS: Final = frozenset({"signal", "signaldescription", "detector"})
#: Label of the box starting a new sample (a Cross Sequence report lists several).
SAMPLE_NAME_LABELS: Final = frozenset({"samplename", "sample", "probenname", "probe"})

#: Key/value labels -> metadata keys (per sample; see the parser for the run's shared values).
FIELD_LABELS: Final[dict[str, str]] = {
    "samplename": "sample_name",
    "sample": "sample_name",
    "sampleid": "sample_id",
    "limsid": "sample_id",
    "injectiondate": "injection_time",
    "injectiondate/time": "injection_time",
    "acq.date-time": "injection_time",
    "acquisitiondate": "injection_time",
    "acquireddate": "injection_time",
    "injectiontime": "injection_time",
    "acq.operator": "operator",
    "operator": "operator",
    "acquiredby": "operator",
    "acq.method": "method",
    "acquisitionmethod": "method",
    "method": "method",
    "instrumentmethod": "method",
    "processingmethod": "processing_method",
    "dataanalysismethod": "processing_method",
    "sequence": "sequence",
    "sequencename": "sequence",
    "instrument": "instrument",
    "instrumentname": "instrument",
    "acq.instrument": "instrument",
    "vial": "vial",
    "location": "vial",
    "vialnumber": "vial",
    "injection": "injection",
    "inj": "injection",
    "injectionnumber": "injection",
    "sampletype": "sample_type",
    "type": "sample_type",
    # German templates
    "probenname": "sample_name",
    "probe": "sample_name",
    "injektionsdatum": "injection_time",
    "bediener": "operator",
    "methode": "method",
    "sequenz": "sequence",
    "gerät": "instrument",
    "probentyp": "sample_type",
}
#: Labels holding an injection volume (a number, maybe with its unit).
VOLUME_LABELS: Final = frozenset(
    {"injectionvolume", "inj.volume", "injvolume", "injvol", "injektionsvolumen"}
)

#: Volume units as reports print them -> ours.
VOLUME_UNITS: Final[dict[str, str]] = {"µl": "µL", "ul": "µL", "nl": "nL", "ml": "mL"}

#: Peak table column -> accepted header names (lower-case, no spaces); ``*`` ends a prefix alias.
PEAK_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "peak_number": ("#", "peak#", "peak", "no.", "peakno."),
    "retention_time_min": (
        "rt[min]",
        "rt",
        "rettime[min]",
        "retentiontime[min]",
        "retentiontime",
        "rettime",
        "ret.zeit[min]",
        "ret.zeit",
        "retentionszeit[min]",
        "retentionszeit",
    ),
    "peak_type": ("type", "peaktype", "typ", "bl"),
    "width_min": ("width[min]", "width", "peakwidth[min]", "peakwidth", "breite[min]", "breite"),
    "area_percent": (
        "area%",
        "area[%]",
        "%area",
        "areapercent",
        "relativearea",
        "relativearea[%]",
        "fläche%",
        "fläche[%]",
        "%fläche",
    ),
    "area": ("area", "area[*", "fläche", "fläche[*"),
    "height": ("height", "height[*", "höhe", "höhe[*"),
    "peak_name": ("name", "compound", "compoundname", "peakname"),
    "amount": ("amount", "amount[*", "conc.", "concentration"),
    "symmetry": ("symmetry", "symm.", "tailing", "usptailing"),
    "plates": ("plates", "platecount", "theoreticalplates"),
    "resolution": ("resolution", "uspresolution"),
}
PEAK_REQUIRED: Final = ("retention_time_min", "area")
TEXT_COLUMNS: Final = frozenset({"peak_type", "peak_name"})
#: Numeric extra columns kept after the normalized ones.
EXTRA_NUMBER_COLUMNS: Final = ("width_min", "amount", "symmetry", "plates", "resolution")
EXTRA_TEXT_COLUMNS: Final = ("peak_type", "report_title")
#: Texts marking a table's total row instead of a peak.
TOTAL_MARKERS: Final = frozenset({"sum", "sum:", "total", "total:", "totals", "totals:", "summe", "somme"})

#: Area percentages are printed rounded (two decimals at least); they are checked to this tolerance.
AREA_PERCENT_ABSOLUTE_TOLERANCE: Final = 0.011
