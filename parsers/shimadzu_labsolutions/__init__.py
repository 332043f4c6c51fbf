"""Shimadzu LabSolutions / LCsolution ASCII exports."""
