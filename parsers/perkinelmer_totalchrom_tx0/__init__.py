"""PerkinElmer TotalChrom text reports (``.TX0``): a quoted key/value header, then report tables."""
