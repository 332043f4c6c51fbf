"""One parser plugin per allotropy vendor (see :mod:`parsers.allotropy_bridge.vendors`).

Registered through one entry point, :func:`bridge_parsers`, a *provider*: it returns the bridge's parser
classes when allotropy can be run (``$BENCHLING_INGEST_ALLOTROPY_PYTHON`` is set, or allotropy is
installed beside benchling-ingest) and none otherwise, so an installation without the ``allotropy``
extra lists, sniffs and claims nothing through it. Neither discovery nor sniffing imports allotropy or
starts the worker; the first ``parse`` does.

``parse`` has the worker convert the file with the plugin's vendor (each of its vendors in turn, for
formats allotropy cannot tell apart), then reads the ASM as the ``asm`` parser does. allotropy's refusal
becomes a ParseError quoting allotropy's reason.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any, ClassVar

from ingest.models import ParsedFile
from parsers._asm.parsed import parsed_file
from parsers.allotropy_bridge.constants import BRIDGE_VERSION, PYTHON_VARIABLE
from parsers.allotropy_bridge.reader import convert, head_text
from parsers.allotropy_bridge.vendors import VENDORS, VendorSpec


class AllotropyBridgeParser:
    """A file read by allotropy's parser for ``spec``, then as ASM. Each vendor's plugin is a subclass
    named ``allotropy_<vendor>``; this base class is never registered."""

    spec: ClassVar[VendorSpec]
    name: ClassVar[str] = "allotropy_bridge"
    version: ClassVar[str] = BRIDGE_VERSION
    extensions: ClassVar[tuple[str, ...]]
    techniques: ClassVar[tuple[str, ...]]

    def sniff(self, head: bytes, path: Path) -> bool:
        marker = self.spec.marker
        if marker is None or not head or path.suffix.lower() in self.spec.unmarked_extensions:
            return False
        return marker.matches(head_text(head))

    def parse(self, path: Path) -> ParsedFile:
        document, allotropy_version = convert(path, self.spec, parser=self.name)
        return parsed_file(
            document, parser=self.name, version=f"{self.version}+allotropy-{allotropy_version}"
        )


def _plugin_class(spec: VendorSpec) -> type[AllotropyBridgeParser]:
    class_name = "".join(part.title() for part in spec.plugin.split("_")) + "Parser"
    attributes: dict[str, Any] = {
        "spec": spec,
        "name": spec.plugin,
        "extensions": spec.extensions,
        "techniques": (spec.technique,),
        "__doc__": f"{spec.display_name} exports, converted by allotropy and read as ASM.",
        "__module__": __name__,
    }
    return type(class_name, (AllotropyBridgeParser,), attributes)


#: Every bridge plugin class, whether or not allotropy can be run here.
ALL_BRIDGE_PARSERS: tuple[type[AllotropyBridgeParser], ...] = tuple(_plugin_class(s) for s in VENDORS)


def allotropy_available() -> bool:
    """Whether a worker could be started: the variable names an interpreter, or allotropy is beside us."""
    return (
        bool(os.environ.get(PYTHON_VARIABLE, "").strip()) or importlib.util.find_spec("allotropy") is not None
    )


def bridge_parsers() -> tuple[type[AllotropyBridgeParser], ...]:
    """The entry point's provider: every bridge plugin when allotropy can be run here, else none."""
    return ALL_BRIDGE_PARSERS if allotropy_available() else ()


bridge_parsers.provides_parsers = True  # type: ignore[attr-defined]  # marks a provider for the loader
