"""Thermo Chromeleon text exports (6.x and 7.x)."""
