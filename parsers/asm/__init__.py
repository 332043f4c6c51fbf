"""Allotrope Simple Model (ASM) JSON documents, as Benchling Connect, allotropy or a vendor writes them.

The reading itself lives in ``parsers._asm``, shared with the allotropy bridge.
"""
