"""Shimadzu LabSolutions / LCsolution / GCsolution "ASCII convert" exports.

Besides ``reader`` (text -> named sections of split rows), ``parser`` and ``constants``, two modules,
because the format is big (INI-like sections of several kinds):

- ``tables``: typed reading of the counted table sections (peak tables, compound results) and of the
  chromatogram sections (settings, then time/intensity points);
- ``metadata``: run metadata gathered from five key/value sections (dates, volumes, file paths).
"""
