"""Agilent OpenLab CDS "Export data as CSV" chromatogram trace (UTF-16, tab-separated time/signal rows)."""
