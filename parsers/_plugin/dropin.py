"""Loading parser classes from a drop-in folder of ``.py`` files, for teams that do not package.

Each ``*.py`` file in the folder (not those starting with ``_``) is imported by path under a private
module name derived from its full path, so two folders with a ``my_parser.py`` each never clash with
each other or with installed modules. A file may define several parser classes: either listed in a
module-level ``PARSERS`` sequence, or every class defined in the file that follows the parser protocol.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from pathlib import Path

from ingest.errors import ConfigError
from parsers._plugin.plugin_class import PluginSource, check_parser_class, protocol_problems

_NAMESPACE = "_benchling_ingest_dropin"


def module_name_for(path: Path) -> str:
    """The private module name a drop-in file is imported under (stable for a given absolute path)."""
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:10]
    stem = re.sub(r"\W", "_", path.stem)
    return f"{_NAMESPACE}_{stem}_{digest}"


def load_dropin_folder(folder: Path) -> list[PluginSource]:
    """Every parser class defined by the ``.py`` files of ``folder``, files in name order."""
    if not folder.is_dir():
        raise ConfigError(
            f"Parsers folder '{folder}' does not exist or is not a folder. "
            "Expected a folder of .py parser files.",
            file=folder,
        )
    sources: list[PluginSource] = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        sources.extend(load_dropin_file(path))
    return sources


def load_dropin_file(path: Path) -> list[PluginSource]:
    """Import one drop-in file by path and return its parser classes (at least one, else ConfigError)."""
    name = module_name_for(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"Drop-in parser file '{path}' cannot be imported. Expected a .py file.", file=path)
    module = importlib.util.module_from_spec(spec)
    # Registered before running it: dataclasses and typing look classes' modules up in sys.modules.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise ConfigError(
            f"Drop-in parser file '{path}' failed to import: {type(exc).__name__}: {exc}. "
            "Expected a Python file defining parser classes.",
            file=path,
        ) from exc
    origin = f"file {path}"
    listed = getattr(module, "PARSERS", None)
    if listed is not None:
        candidates = list(listed)
    else:
        candidates = [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and obj.__module__ == name and not protocol_problems(obj)
        ]
    if not candidates:
        raise ConfigError(
            f"Drop-in parser file '{path}' defines no parser class. Expected at least one class with "
            "'name', 'version', 'extensions', 'sniff' and 'parse' (or a PARSERS list).",
            file=path,
        )
    return [PluginSource(check_parser_class(obj, origin=origin), origin, file=path) for obj in candidates]
