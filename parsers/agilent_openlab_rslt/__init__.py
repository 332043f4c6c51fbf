"""Agilent OpenLab CDS 2.x result sets (``.rslt``): a folder, or its zip, of ACAML XML and signal packages.

Besides ``reader`` (the folder or zip -> named members, the nested ``.dx``/``.rx`` packages), ``parser``
and ``constants``, one module:

- ``acaml``: the ACAML documents -> injections, signals, samples and peak results (XML walking, kept
  apart from the packaging).
"""
