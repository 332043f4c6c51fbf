"""Reading Allotrope Simple Model (ASM) documents, shared by ``asm`` (ASM files) and ``allotropy_bridge``
(instrument files allotropy converts to ASM).

``document`` finds the technique and aggregate document; ``node`` reads ASM's quantities, documents,
custom information and error documents; ``measurements`` walks measurements and calculated data;
``cubes`` turns data cubes over time into traces; one reader per technique (``value_rows`` for plate
readers, spectrophotometry and any other technique, ``qpcr``, ``cell_counting``, ``solution_analysis``,
``liquid_chromatography``) gives rows in a ``technique_output``; ``rows`` builds the frame and keeps
units; ``metadata`` reads run metadata; ``parsed`` puts a ParsedFile together; ``vocabulary`` holds the
ASM terms and unit tables they rely on.
"""
