"""Benchmarks run by ``make bench`` (``python -m bench.run_all``); not part of the installed package."""
