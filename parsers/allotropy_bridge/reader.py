"""An instrument file -> an ASM document, converted by allotropy in the worker; what the markers read.

allotropy reads UTF-8 unless told otherwise, so a byte-order mark's encoding is passed on. Each of a
plugin's vendors is tried in turn; allotropy's refusals become one ParseError quoting every reason.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

from ingest.errors import ParseError
from parsers._asm.document import AsmDocument, document_from_object
from parsers.allotropy_bridge.constants import PYTHON_VARIABLE
from parsers.allotropy_bridge.vendors import VendorSpec
from parsers.allotropy_bridge.worker_client import WorkerUnavailableError, shared_worker, unavailable


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


def convert(path: Path, spec: VendorSpec, *, parser: str) -> tuple[AsmDocument, str]:
    """The ASM document allotropy makes of ``path``, and allotropy's version; ParseError when it cannot."""
    if not path.is_file():
        raise ParseError(f"File '{path}' could not be read: it does not exist or is not a file.", file=path)
    try:
        worker = shared_worker()
    except WorkerUnavailableError as exc:
        raise unavailable(exc, path) from exc
    request = {"op": "convert", "path": str(path.resolve()), "encoding": bom_encoding(path)}
    refusals: list[str] = []
    for vendor in spec.vendors:
        try:
            answer = worker.request({**request, "vendor": vendor})
        except WorkerUnavailableError as exc:
            raise unavailable(exc, path) from exc
        if answer.get("ok"):
            return _document(path, answer), str(answer.get("allotropy_version", "unknown"))
        if answer.get("error") == "AllotropyMissing":
            raise ParseError(
                f"'{path}' cannot be converted through allotropy: the worker's python has no allotropy "
                f"({answer.get('message')}). Expected {PYTHON_VARIABLE} to name an environment with "
                "allotropy installed.",
                file=path,
            )
        refusals.append(f"{vendor}: {answer.get('error')}: {answer.get('message')}")
    raise ParseError(
        f"allotropy could not read '{path}' as a {spec.display_name} export ("
        + "; ".join(refusals)
        + f"). Expected a {spec.display_name} file allotropy converts.",
        file=path,
        parser=parser,
        reasons=refusals,
    )


def _document(path: Path, answer: dict[str, Any]) -> AsmDocument:
    asm = answer.get("asm")
    if not isinstance(asm, dict):
        raise ParseError(f"The allotropy worker returned no ASM document for '{path}'.", file=path)
    return document_from_object(asm, path, None)
