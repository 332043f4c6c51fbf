"""PerkinElmer TotalChrom text reports (``.TX0``): a quoted key/value header, then report tables.

Besides ``reader``, ``parser`` and ``constants``, ``dates`` reads the header's acquisition and report
dates (the PC's short date, with dashes), kept apart so that the parser stays within the module size.
"""
