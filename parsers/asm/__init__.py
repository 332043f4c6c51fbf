"""Allotrope Simple Model (ASM) JSON documents, as Benchling Connect, allotropy or a vendor writes them."""
