"""Settings of the allotropy bridge (environment variables: the bridge is a parser, it reads no config)."""

from __future__ import annotations

BRIDGE_VERSION = "1.0.0"
#: The python of an environment where allotropy is installed (else this interpreter, if it has allotropy).
PYTHON_VARIABLE = "BENCHLING_INGEST_ALLOTROPY_PYTHON"
#: Seconds one conversion may take before the worker is stopped (the first includes allotropy's import).
TIMEOUT_VARIABLE = "BENCHLING_INGEST_ALLOTROPY_TIMEOUT"
DEFAULT_TIMEOUT = 300.0

INSTALL_HINT = (
    "Install allotropy beside benchling-ingest (pip install 'benchling-ingest[allotropy]'), or in an "
    f"environment of its own and set {PYTHON_VARIABLE} to that environment's python (see README, "
    "'Instruments read through allotropy')"
)
