"""Agilent OpenLab CDS reports (RDL templates) exported as text: boxes drawn with box-drawing characters.

Besides ``reader`` (text -> boxes of logical rows), ``parser`` and ``constants``, one module:

- ``cells``: putting a cell's pieces back together when the report wrapped it over several lines
  (numbers cut after their decimal mark, names cut at a word or a punctuation mark).
"""
