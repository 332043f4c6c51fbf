"""Thermo Chromeleon text exports (7.x "Chromatogram Data" and 6.x "Raw Data" layouts).

Besides ``reader``, ``parser`` and ``constants``, one module: ``peaks`` reads the optional peak table
section (``Integration Results:``), whose user-configurable columns are matched by alias and unit; the
exports seen so far are trace-only, so it is kept apart from the trace and metadata reading.
"""
