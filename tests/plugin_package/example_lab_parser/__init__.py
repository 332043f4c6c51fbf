"""Placeholder: filled by the parser plugin work."""
