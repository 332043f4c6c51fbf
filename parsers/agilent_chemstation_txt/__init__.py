"""Agilent ChemStation text report: ``Report.TXT`` (e.g. "Area Percent Report"), one table per signal.

What it shares with the CSV report (the ``.D`` unit, peak-table columns, header fields) is in
:mod:`parsers._chemstation`; ``.ch`` signal files are decoded by :mod:`parsers._common.agilent_ch`.
"""
