"""The parsers shipped with benchling-ingest, as ``"module:Class"`` strings.

They are imported by :func:`parsers._plugin.registry.discover_parsers`, never when ``parsers`` is
imported, so a broken built-in is reported at discovery with its name instead of breaking every import.
"""

from __future__ import annotations

BUILTIN_PARSERS: tuple[str, ...] = (
    "parsers.lc_results_csv.parser:LcResultsCsvParser",
    "parsers.agilent_chemstation_csv.parser:ChemStationCsvReportParser",
    "parsers.agilent_chemstation_txt.parser:ChemStationTextReportParser",
    "parsers.agilent_openlab_trace_csv.parser:OpenLabTraceCsvParser",
    "parsers.shimadzu_labsolutions_ascii.parser:ShimadzuAsciiParser",
    "parsers.thermo_chromeleon_txt.parser:ChromeleonTextParser",
    "parsers.waters_empower_arw.parser:EmpowerArwParser",
    "parsers.benchling_connector_chromeleon_json.parser:ChromeleonConnectorJsonParser",
    "parsers.benchling_connector_empower_json.parser:EmpowerConnectorJsonParser",
)
