"""Parsers for the JSON that Benchling's connectors write for Thermo Chromeleon and Waters Empower."""
