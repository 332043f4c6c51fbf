"""One parser plugin per allotropy vendor (see :mod:`parsers.allotropy_bridge.vendors`).

Registered through one entry point, :func:`bridge_parsers`, a *provider*: it returns the bridge's parser
classes when allotropy can be run (``$BENCHLING_INGEST_ALLOTROPY_PYTHON`` is set, or allotropy is
installed beside benchling-ingest) and none otherwise, so an installation without the ``allotropy``
extra lists, sniffs and claims nothing through it. Neither discovery nor sniffing imports allotropy or
starts the worker; the first ``parse`` does.

``parse`` asks the worker to convert the file with the plugin's vendor (each of its vendors in turn, for
formats allotropy cannot tell apart), then reads the ASM through :mod:`parsers.asm`. allotropy's refusal
becomes a ParseError quoting allotropy's reason.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import Any, ClassVar

from ingest.errors import ParseError
from ingest.models import ParsedFile
from parsers.allotropy_bridge.vendors import VENDORS, VendorSpec
from parsers.allotropy_bridge.worker_client import (
    PYTHON_VARIABLE,
    WorkerUnavailableError,
    shared_worker,
    unavailable,
)
from parsers.asm.parser import parsed_file
from parsers.asm.reader import document_from_object

BRIDGE_VERSION = "1.0.0"


def head_text(head: bytes) -> str:
    """A file head as text for the markers: UTF-16 and UTF-8 byte-order marks honoured, else UTF-8."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head[: len(head) - (len(head) % 2)]
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8-sig", errors="replace")


def bom_encoding(path: Path) -> str | None:
    """The encoding a byte-order mark announces (allotropy reads UTF-8 unless told otherwise)."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
    except OSError as exc:
        raise ParseError(f"File '{path}' could not be read: {exc.strerror}.", file=path) from exc
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return None


class AllotropyBridgeParser:
    """A file read by allotropy's parser for ``spec``, then by the ASM parser."""

    spec: ClassVar[VendorSpec]
    name: ClassVar[str]
    version: ClassVar[str] = BRIDGE_VERSION
    extensions: ClassVar[tuple[str, ...]]
    techniques: ClassVar[tuple[str, ...]]

    def sniff(self, head: bytes, path: Path) -> bool:
        marker = self.spec.marker
        if marker is None or not head or path.suffix.lower() in self.spec.unmarked_extensions:
            return False
        return marker.matches(head_text(head))

    def parse(self, path: Path) -> ParsedFile:
        if not path.is_file():
            raise ParseError(
                f"File '{path}' could not be read: it does not exist or is not a file.", file=path
            )
        try:
            worker = shared_worker()
        except WorkerUnavailableError as exc:
            raise unavailable(exc, path) from exc
        refusals: list[str] = []
        request = {"op": "convert", "path": str(path.resolve()), "encoding": bom_encoding(path)}
        for vendor in self.spec.vendors:
            try:
                answer = worker.request({**request, "vendor": vendor})
            except WorkerUnavailableError as exc:
                raise unavailable(exc, path) from exc
            if answer.get("ok"):
                return self._parsed(path, answer)
            if answer.get("error") == "AllotropyMissing":
                raise ParseError(
                    f"'{path}' cannot be converted through allotropy: the worker's python has no allotropy "
                    f"({answer.get('message')}). Expected {PYTHON_VARIABLE} to name an environment with "
                    "allotropy installed.",
                    file=path,
                )
            refusals.append(f"{vendor}: {answer.get('error')}: {answer.get('message')}")
        raise ParseError(
            f"allotropy could not read '{path}' as a {self.spec.display_name} export ("
            + "; ".join(refusals)
            + f"). Expected a {self.spec.display_name} file allotropy converts.",
            file=path,
            parser=self.name,
            reasons=refusals,
        )

    def _parsed(self, path: Path, answer: dict[str, Any]) -> ParsedFile:
        asm = answer.get("asm")
        if not isinstance(asm, dict):
            raise ParseError(f"The allotropy worker returned no ASM document for '{path}'.", file=path)
        document = document_from_object(asm, path, None)
        allotropy_version = answer.get("allotropy_version", "unknown")
        return parsed_file(
            document,
            parser=self.name,
            version=f"{self.version}+allotropy-{allotropy_version}",
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
    import importlib.util

    return (
        bool(os.environ.get(PYTHON_VARIABLE, "").strip()) or importlib.util.find_spec("allotropy") is not None
    )


def bridge_parsers() -> tuple[type[AllotropyBridgeParser], ...]:
    """The entry point's provider: every bridge plugin when allotropy can be run here, else none."""
    return ALL_BRIDGE_PARSERS if allotropy_available() else ()


bridge_parsers.provides_parsers = True  # type: ignore[attr-defined]  # marks a provider for the loader
