"""The parsers shipped with benchling-ingest, as ``"module:Class"`` strings.

They are imported by :func:`parsers._plugin.registry.discover_parsers`, never when ``parsers`` is
imported, so a broken built-in is reported at discovery with its name instead of breaking every import.
"""

from __future__ import annotations

BUILTIN_PARSERS: tuple[str, ...] = (
    "parsers.lc_results_csv.parser:LcResultsCsvParser",
    "parsers.agilent_chemstation.parser:ChemStationCsvReportParser",
    "parsers.agilent_chemstation.text_report:ChemStationTextReportParser",
    "parsers.agilent_openlab.parser:OpenLabTraceCsvParser",
    "parsers.shimadzu_labsolutions.parser:ShimadzuAsciiParser",
    "parsers.thermo_chromeleon.parser:ChromeleonTextParser",
    "parsers.waters_empower.parser:EmpowerArwParser",
    "parsers.benchling_connector.parser:ChromeleonConnectorJsonParser",
    "parsers.benchling_connector.parser:EmpowerConnectorJsonParser",
)
