"""allotropy's vendor parsers as plugins: files converted to ASM by allotropy, then read by the ASM parser."""
