"""The built-in parser specs whose modules exist in this tree (others may still be in progress)."""

from __future__ import annotations

import importlib.util

from parsers.builtin import BUILTIN_PARSERS


def available_builtins() -> tuple[str, ...]:
    """The built-in parser specs whose modules exist in this tree (others may still be in progress).

    The registry tests then check that, among every parser present, exactly ours claims each file.
    """
    return tuple(spec for spec in BUILTIN_PARSERS if _module_exists(spec.partition(":")[0]))


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # its package is missing
        return False
