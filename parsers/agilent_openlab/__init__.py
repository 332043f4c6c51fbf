"""Agilent OpenLab CDS exports: the "Export data as CSV" chromatogram trace."""
