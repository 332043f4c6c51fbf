"""ASM vocabulary the reader relies on: manifests -> techniques, and the keys of each technique."""

from __future__ import annotations

from ingest.contract import (
    CELL_COUNTING,
    LIQUID_CHROMATOGRAPHY,
    OTHER,
    PLATE_READER,
    QPCR,
    SOLUTION_ANALYSIS,
    SPECTROPHOTOMETRY,
)

MANIFEST_KEY = "$asm.manifest"

#: The manifest's technique folder (``.../manifests/<folder>/REC/2025/03/<name>.manifest``) -> technique.
#: The PCR folder holds both qPCR and digital PCR manifests: the file name decides (see reader).
TECHNIQUE_BY_FOLDER: dict[str, str] = {
    "liquid-chromatography": LIQUID_CHROMATOGRAPHY,
    "plate-reader": PLATE_READER,
    "cell-counting": CELL_COUNTING,
    "spectrophotometry": SPECTROPHOTOMETRY,
    "solution-analyzer": SOLUTION_ANALYSIS,
}
QPCR_MANIFEST_NAMES = ("qpcr", "pcr")

#: Every technique this parser may return.
TECHNIQUES: tuple[str, ...] = (
    LIQUID_CHROMATOGRAPHY,
    PLATE_READER,
    QPCR,
    CELL_COUNTING,
    SPECTROPHOTOMETRY,
    SOLUTION_ANALYSIS,
    OTHER,
)

#: Quantities of a measurement that describe its conditions rather than the measured value: kept as
#: extra columns, never as reads.
CONDITION_QUANTITIES = frozenset(
    {
        "compartment temperature",
        "plate well count",
        "well volume",
        "sample volume setting",
        "dilution factor setting",
        "cell density dilution factor",
    }
)

MEASURED = "measured"
CALCULATED = "calculated"

# Unit spellings that mean the same unit (the micro sign U+00B5 and Greek mu U+03BC both occur).
UNIT_SYNONYMS: dict[str, str] = {"μm": "µm", "μL": "µL", "μg/mL": "µg/mL", "μmol/L": "µmol/L"}

#: Cell counting: ASM quantity -> (our column, the contract's unit, factors from the units ASM writers use).
CELL_COUNTING_FIELDS: dict[str, tuple[str, dict[str, float]]] = {
    "viable cell density (cell counter)": ("viable_cell_density", {"10^6 cells/mL": 1.0, "cells/mL": 1e-6}),
    "viable cell density": ("viable_cell_density", {"10^6 cells/mL": 1.0, "cells/mL": 1e-6}),
    "total cell density (cell counter)": ("total_cell_density", {"10^6 cells/mL": 1.0, "cells/mL": 1e-6}),
    "total cell density": ("total_cell_density", {"10^6 cells/mL": 1.0, "cells/mL": 1e-6}),
    "viability (cell counter)": ("viability_percent", {"%": 1.0}),
    "viability": ("viability_percent", {"%": 1.0}),
    "viable cell count": ("viable_cell_count", {"cells": 1.0, "cell": 1.0, "#": 1.0}),
    "total cell count": ("total_cell_count", {"cells": 1.0, "cell": 1.0, "#": 1.0}),
    "average total cell diameter": ("average_total_cell_diameter_um", {"µm": 1.0, "um": 1.0}),
    "average live cell diameter (cell counter)": ("average_viable_cell_diameter_um", {"µm": 1.0, "um": 1.0}),
    "average viable cell diameter (cell counter)": (
        "average_viable_cell_diameter_um",
        {"µm": 1.0, "um": 1.0},
    ),
    "average live cell diameter": ("average_viable_cell_diameter_um", {"µm": 1.0, "um": 1.0}),
}

#: Time units of cube dimensions and peak times -> minutes.
MINUTES_PER: dict[str, float] = {"s": 1 / 60, "min": 1.0, "h": 60.0, "ms": 1 / 60000}
