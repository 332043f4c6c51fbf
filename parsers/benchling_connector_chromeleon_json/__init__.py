"""Thermo Chromeleon 7 results as JSON written by Benchling's Chromeleon connector."""
