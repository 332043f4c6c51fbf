"""LC results CSV: one row per sample and peak, as a lab's own LC software or export script writes it.

Besides ``reader``, ``parser`` and ``constants``, eight modules, because the format has more jobs:

- ``columns``: matching the header row to the format's columns (aliases, units in headers, duplicates,
  reserved names), which decides how every column is read;
- ``trace``: reading the chromatogram file a ``Chromatogram`` cell names, a second file format
  (``time_min,signal``) read with the same table reader;
- ``plain_reader``: the fast path for the common file (UTF-8, decimal point, no grouping): numeric
  columns cast as pyarrow reads them, the file's bytes not kept; anything else is left to ``reader``;
- ``run_metadata``: the run-level columns (one value per file), the injection date in ISO or locale
  form;
- ``constant_columns``: the result columns holding one value on every row, which both paths also keep
  as run metadata (decided on pyarrow columns and on lists alike);
- ``small_table`` and ``small_path``: the small-file path: a file of a few KiB split into cells by
  Python (``small_table``) and typed by the same rules in plain Python (``small_path``), where pyarrow's
  fixed costs would be most of the time; anything it does not mirror is handed to the ordinary path;
- ``notes``: the warnings both paths give, worded once.
"""
