"""Shimadzu EZStart / EZChrom ASCII exports (``.asc``): key lines, then every channel's raw counts in turn."""
