"""Agilent ChemStation CSV report: ``Report00.CSV`` (header) + ``REPORT01..nn.CSV`` (one peak table each).

What it shares with the text report (the ``.D`` unit, peak-table columns, header fields) is in
:mod:`parsers._chemstation`; ``.ch`` signal files are decoded by :mod:`parsers._common.agilent_ch`.
"""
