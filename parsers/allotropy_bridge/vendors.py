"""allotropy's vendor parsers as seen from here: names, extensions, techniques and content markers.

Kept as a table so discovery never imports allotropy (which takes seconds): ``test_allotropy_vendors``
checks it against the installed allotropy's ``Vendor`` list (every vendor present, same extensions).

A vendor's *marker* is what its files look like in their first bytes: regular expressions that must
all match within the first ``lines`` lines of the decoded head (for an extension no other format uses,
any content: a Biacore ``.blr``). Vendors whose files cannot be told apart
cheaply (workbooks, XML, zip archives, formats allotropy itself accepts without looking) have no marker:
their plugin is listed and parses a file it is asked to by name (``benchling-ingest parse --parser``),
but never claims a file by itself. Formats allotropy sniffs identically (Gen5 and Gen5 Image, Echo cherry
pick and plate reformat, Luminex xPONENT and INTELLIFLEX) are one plugin that tries its vendors in order.
The Benchling Chromeleon and Empower connector JSON are left out, and OpenLab CDS result sets are never
claimed by the bridge: built-in parsers read them (``agilent_openlab_rslt``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.contract import (
    CELL_COUNTING,
    LIQUID_CHROMATOGRAPHY,
    OTHER,
    PLATE_READER,
    QPCR,
    SOLUTION_ANALYSIS,
    SPECTROPHOTOMETRY,
)


@dataclass(frozen=True)
class Marker:
    """Regular expressions (multi-line mode) that must all match within the first ``lines`` lines."""

    patterns: tuple[str, ...]
    lines: int = 20

    def matches(self, text: str) -> bool:
        head = "\n".join(text.splitlines()[: self.lines])
        return all(re.search(p, head, flags=re.MULTILINE) for p in self.patterns)


@dataclass(frozen=True)
class VendorSpec:
    """One bridge plugin: allotropy vendor(s) it converts with, in order, and how its files are found."""

    plugin: str
    vendors: tuple[str, ...]
    display_name: str
    extensions: tuple[str, ...]
    technique: str
    marker: Marker | None = None
    #: Extensions allotropy reads but the marker does not cover (workbooks): parse by name only.
    unmarked_extensions: tuple[str, ...] = ()


#: A zip archive (an OpenLab CDS result set is one).
ZIP = r"\APK\x03\x04"
#: Any non-empty file: for extensions no other format uses (allotropy itself accepts every such file).
ANY_CONTENT = Marker((r"(?s).",), lines=1)

#: allotropy's technique names -> ours.
TECHNIQUES = {
    "Plate Reader": PLATE_READER,
    "qPCR": QPCR,
    "Cell Counting": CELL_COUNTING,
    "Spectrophotometry": SPECTROPHOTOMETRY,
    "Solution Analyzer": SOLUTION_ANALYSIS,
    "Liquid Chromatography": LIQUID_CHROMATOGRAPHY,
}

#: Vendors read by built-in parsers instead (their files would be claimed twice).
LEFT_TO_BUILTINS = frozenset({"BENCHLING_CHROMELEON", "BENCHLING_EMPOWER"})


def _spec(
    vendors: str | tuple[str, ...],
    display_name: str,
    extensions: tuple[str, ...],
    technique: str,
    marker: Marker | None = None,
    unmarked: tuple[str, ...] = (),
) -> VendorSpec:
    names = (vendors,) if isinstance(vendors, str) else vendors
    return VendorSpec(
        plugin=f"allotropy_{names[0].lower()}",
        vendors=names,
        display_name=display_name,
        extensions=extensions,
        technique=technique,
        marker=marker,
        unmarked_extensions=unmarked,
    )


VENDORS: tuple[VendorSpec, ...] = (
    _spec(
        ("AGILENT_GEN5", "AGILENT_GEN5_IMAGE"),
        "Agilent Gen5 (and Gen5 Image)",
        (".txt",),
        PLATE_READER,
        Marker((r"^Software Version\t",), lines=5),
    ),
    _spec(
        "AGILENT_OPENLAB_CDS",
        "Agilent OpenLab CDS",
        (".rslt", ".zip"),
        LIQUID_CHROMATOGRAPHY,
    ),
    _spec("AGILENT_TAPESTATION_ANALYSIS", "Agilent TapeStation Analysis", (".xml",), OTHER),
    _spec(
        "APPBIO_ABSOLUTE_Q",
        "AppBio AbsoluteQ",
        (".csv", ".zip"),
        OTHER,
        Marker((r"\bInstrument\b", r"\bPlate\b", r"\b(Dye|Target|Channels)\b"), lines=2),
    ),
    _spec(
        "APPBIO_QUANTSTUDIO",
        "AppBio QuantStudio RT-PCR",
        (".txt", ".xlsx"),
        QPCR,
        Marker((r"^\* [^\n=]+ = ",), lines=10),
        unmarked=(".xlsx",),
    ),
    _spec(
        "APPBIO_QUANTSTUDIO_DESIGNANDANALYSIS",
        "AppBio QuantStudio Design & Analysis",
        (".xlsx", ".xls"),
        QPCR,
    ),
    _spec(
        "BECKMAN_COULTER_BIOMEK",
        "Beckman Coulter Biomek",
        (".csv", ".log"),
        OTHER,
        Marker((r"\A(?:[^\n]*Well Index|Method = )",), lines=1),
    ),
    _spec(
        ("BECKMAN_ECHO_CHERRY_PICK", "BECKMAN_ECHO_PLATE_REFORMAT"),
        "Beckman Echo (cherry pick, plate reformat)",
        (".csv",),
        OTHER,
        Marker((r"^\[[^\]\n]+\]",), lines=20),
    ),
    _spec("BMG_LABTECH_SMART_CONTROL", "BMG Labtech SMART Control", (".xlsx",), PLATE_READER),
    _spec(
        "BMG_MARS",
        "BMG Labtech MARS",
        (".csv",),
        PLATE_READER,
        Marker((r"^[^\n,]+:\s+\S", r"^\s*Raw Data"), lines=200),
    ),
    _spec("BECKMAN_PHARMSPEC", "Beckman Coulter PharmSpec", (".xlsx", ".xls"), SOLUTION_ANALYSIS),
    _spec(
        "BECKMAN_VI_CELL_BLU",
        "Beckman Coulter Vi-Cell BLU",
        (".csv",),
        CELL_COUNTING,
        Marker((r"Viability \(%\)", r"Viable \(x10\^6\) cells/mL"), lines=1),
    ),
    _spec(
        "BECKMAN_VI_CELL_XR",
        "Beckman Coulter Vi-Cell XR",
        (".txt", ".xls", ".xlsx"),
        CELL_COUNTING,
        Marker((r"\A\s*[^\n]*Vi-C(?:ELL|ell)",), lines=3),
        unmarked=(".xls", ".xlsx"),
    ),
    _spec("BD_BIOSCIENCES_FACSDIVA", "BD Biosciences FACSDiva", (".xml",), OTHER),
    _spec("BIORAD_BIOPLEX", "Bio-Rad Bio-Plex Manager", (".xml",), OTHER),
    _spec(
        "CFXMAESTRO",
        "Bio-Rad CFX Maestro",
        (".csv",),
        QPCR,
        Marker((r"\bWell\b", r"\bFluor\b", r"\bCq\b"), lines=1),
    ),
    _spec(
        "CHEMOMETEC_NC_VIEW",
        "ChemoMetec NC View",
        (".csv",),
        CELL_COUNTING,
        Marker((r"INSTRUMENT", r"VIABILITY"), lines=1),
    ),
    _spec(
        "CHEMOMETEC_NUCLEOVIEW",
        "ChemoMetec Nucleoview",
        (".csv",),
        CELL_COUNTING,
        Marker((r"Viability \(%\)", r"^[^\n]*(?::\t|;)"), lines=5),
    ),
    _spec("CTL_IMMUNOSPOT", "CTL ImmunoSpot", (".txt",), PLATE_READER, Marker((r"ImmunoSpot",), lines=20)),
    _spec("CYTIVA_BIACORE_INSIGHT", "Cytiva Biacore Insight", (".xlsx", ".xlsm"), OTHER),
    _spec("CYTIVA_BIACORE_T200_CONTROL", "Cytiva Biacore T200 Control", (".blr",), OTHER, ANY_CONTENT),
    _spec("CYTIVA_BIACORE_T200_EVALUATION", "Cytiva Biacore T200 Evaluation", (".bme",), OTHER, ANY_CONTENT),
    _spec("CYTIVA_UNICORN", "Cytiva Unicorn", (".zip",), LIQUID_CHROMATOGRAPHY),
    _spec("EXAMPLE_WEYLAND_YUTANI", "Example Weyland Yutani", (".csv",), PLATE_READER),
    _spec("FLOWJO", "FlowJo", (".wsp",), OTHER, Marker((r"\A\s*<",), lines=1)),
    _spec(
        ("LUMINEX_XPONENT", "LUMINEX_INTELLIFLEX"),
        "Luminex xPONENT (and INTELLIFLEX)",
        (".csv", ".xlsx"),
        OTHER,
        Marker((r'\A\s*(?:"?Program"?,|[^\n]*INSTRUMENT TYPE[^\n]*WELL LOCATION)',), lines=2),
        unmarked=(".xlsx",),
    ),
    _spec("MABTECH_APEX", "Mabtech Apex", (".xlsx",), PLATE_READER),
    _spec(
        "METHODICAL_MIND",
        "MSD Methodical Mind",
        (".txt",),
        PLATE_READER,
        Marker((r"^=+Data=+\s*$",), lines=50),
    ),
    _spec(
        "MOLDEV_SOFTMAX_PRO",
        "Molecular Devices SoftMax Pro",
        (".txt",),
        PLATE_READER,
        Marker((r"\A\s*##BLOCKS=\s*\d+",), lines=3),
    ),
    _spec(
        "MSD_WORKBENCH",
        "MSD Discovery Workbench",
        (".csv", ".txt", ".xlsx"),
        PLATE_READER,
        Marker((r"\A\s*(?:Plate_|FileName\s*:\t|Plate\s*#)",), lines=1),
        unmarked=(".xlsx",),
    ),
    _spec("REVVITY_MATRIX", "Revvity Matrix", (".csv", ".xlsx"), CELL_COUNTING),
    _spec(
        "NOVABIO_FLEX2",
        "NovaBio Flex2",
        (".csv",),
        SOLUTION_ANALYSIS,
        Marker((r"Date & Time",), lines=1),
    ),
    _spec(
        "PERKIN_ELMER_ENVISION",
        "PerkinElmer Envision",
        (".csv",),
        PLATE_READER,
        Marker((r"^Plate information",), lines=20),
    ),
    _spec(
        "QIACUITY_DPCR",
        "Qiacuity dPCR",
        (".csv",),
        OTHER,
        Marker((r"\A\W*sep=", r"(?:Partitions|Sample/NTC)"), lines=2),
    ),
    _spec(
        "REVVITY_KALEIDO",
        "Revvity Kaleido",
        (".csv",),
        PLATE_READER,
        Marker((r"Exported with Kaleido",), lines=100000),
    ),
    _spec(
        "ROCHE_CEDEX_BIOHT",
        "Roche Cedex BioHT",
        (".txt",),
        SOLUTION_ANALYSIS,
        Marker((r"#ARC-FILE#",), lines=1),
    ),
    _spec(
        "ROCHE_CEDEX_HIRES",
        "Roche Cedex HiRes",
        (".csv", ".xlsx"),
        CELL_COUNTING,
        Marker((r"Cedex ID|identifer",), lines=1),
        unmarked=(".xlsx",),
    ),
    _spec("TECAN_MAGELLAN", "Tecan Magellan", (".xlsx",), PLATE_READER),
    _spec("THERMO_FISHER_DIOMNI", "Thermo Fisher Diomni", (".xlsx",), QPCR),
    _spec(
        "THERMO_FISHER_GENESYS30",
        "Thermo Fisher Scientific Genesys30",
        (".csv", ".tsv"),
        SPECTROPHOTOMETRY,
        Marker((r"\AScan[\t,]", r"^(?:[^\n]*[\t,])?\s*[Mm]ode\s*(?:[\t,]|$)"), lines=2),
    ),
    _spec(
        ("THERMO_FISHER_GENESYS_ON_BOARD", "THERMO_FISHER_VISIONLITE"),
        "Thermo Fisher Scientific Genesys On-Board (and VISIONlite)",
        (".csv",),
        SPECTROPHOTOMETRY,
        Marker((r"(?i)\A\s*(?:sample name|well position|[^\n]*\n\s*nm,)",), lines=2),
    ),
    _spec(
        "THERMO_FISHER_NANODROP_8000",
        "Thermo Fisher Scientific NanoDrop 8000",
        (".txt",),
        SPECTROPHOTOMETRY,
        Marker((r"(?i)(?:^|\t)plate id(?:\t|$)",), lines=5),
    ),
    _spec(
        "THERMO_FISHER_NANODROP_EIGHT",
        "Thermo Fisher Scientific NanoDrop Eight",
        (".txt", ".tsv"),
        SPECTROPHOTOMETRY,
        Marker((r"(?im)^(?:application|serial number|user name):\t",), lines=5),
    ),
    _spec(
        "THERMO_FISHER_NANODROP_ONE",
        "Thermo Fisher Scientific Nanodrop One",
        (".csv", ".xlsx"),
        SPECTROPHOTOMETRY,
    ),
    _spec(
        "THERMO_FISHER_QUBIT4",
        "Thermo Fisher Scientific Qubit 4",
        (".csv", ".xlsx"),
        SPECTROPHOTOMETRY,
        Marker((r"\A[^\n]*Test Date[^\n]*(?:Green RFU|Far Red RFU)",), lines=1),
        unmarked=(".xlsx",),
    ),
    _spec(
        "THERMO_FISHER_QUBIT_FLEX",
        "Thermo Fisher Scientific Qubit Flex",
        (".csv", ".xlsx"),
        SPECTROPHOTOMETRY,
        Marker((r"\A(?:sep=[^\n]*\n)?[^\n]*Test Date[^\n]*Run ID",), lines=2),
        unmarked=(".xlsx",),
    ),
    _spec("THERMO_SKANIT", "Thermo Fisher Scientific SkanIt", (".xlsx",), PLATE_READER),
    _spec("UNCHAINED_LABS_LUNATIC", "Unchained Labs Lunatic & Stunner", (".csv", ".xlsx"), PLATE_READER),
)


def spec_named(plugin: str) -> VendorSpec:
    return next(s for s in VENDORS if s.plugin == plugin)
