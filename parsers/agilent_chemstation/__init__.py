"""Agilent ChemStation exports: the CSV report (``Report00.CSV`` + ``REPORTnn.CSV``), the text
"Area Percent Report" (``Report.TXT``) and the ``.ch`` signal files of a ``.D`` data folder."""
