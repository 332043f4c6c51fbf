"""Cytiva UNICORN (ÄKTA) curve exports: a pair of columns per curve, numeric curves and text events."""
