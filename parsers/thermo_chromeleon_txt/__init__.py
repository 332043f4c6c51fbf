"""Thermo Chromeleon text exports (7.x "Chromatogram Data", 6.x "Raw Data", "Chromatogram and Results").

Besides ``reader``, ``parser`` and ``constants``, two modules:

- ``peaks`` reads the optional peak table section (``Integration Results``), whose user-configurable
  columns are matched by alias and unit, with the report's unit and channel rows and total row;
- ``metadata`` maps the key/value fields of every version (7.2, 7.3+, the report, 6.x) to the normalized
  metadata and keeps every other field under its own name.
"""
