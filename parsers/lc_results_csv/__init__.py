"""LC results CSV: one row per sample and peak, as a lab's own LC software or export script writes it.

Besides ``reader``, ``parser`` and ``constants``, two modules, because the format has two more jobs:

- ``columns``: matching the header row to the format's columns (aliases, units in headers, duplicates,
  reserved names), which decides how every column is read;
- ``trace``: reading the chromatogram file a ``Chromatogram`` cell names, a second file format
  (``time_min,signal``) read with the same table reader;
- ``run_metadata``: the run-level columns (one value per file), the injection date in ISO or locale
  form, and the constant columns that become run metadata.
"""
