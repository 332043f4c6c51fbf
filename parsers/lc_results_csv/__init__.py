"""LC results CSV: one row per sample and peak, as a lab's own LC software or export script writes it."""
