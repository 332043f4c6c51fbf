"""What the two ChemStation report formats share: the ``.D`` unit, the peak table and the header fields.

ChemStation prints one report two ways: as a CSV report (``agilent_chemstation_csv``) and as a text
report (``agilent_chemstation_txt``). Both carry the same header fields (Sample Name, Injection Date,
Inj Volume, ...), the same peak-table columns (a report template chooses which), and both sit in a
``.D`` data folder beside the binary ``.ch`` signal files. This package holds that shared model, so
each format folder holds only how its own file is laid out. It is not a format (it has no parser),
hence the underscore.

- ``data_folder``: the ``.D`` unit (its report and signal files) and which parser claims a folder.
- ``names``: peak-table column aliases, units and name normalization.
- ``peak_table``: matching a table's columns, one result row per peak, the typed results frame.
- ``report_fields``: header fields -> normalized run metadata (dates, paths, volumes).
- ``parsed_report``: the ParsedFile of a report with the folder's ``.ch`` files attached and decoded.
"""
