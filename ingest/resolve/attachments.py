"""Finding an export's attachment files without ever leaving the export's folder.

A column or pattern may name a file; the name is taken relative to the export's folder. ``..``
segments, absolute paths, drive letters and links that resolve outside the folder are refused: an
export must not be able to make the service upload arbitrary files from the instrument PC.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from ingest.errors import AttachmentError


def export_folder(export: Path) -> Path:
    """The folder an export's attachments must live in (the unit folder itself for a ``.D`` folder)."""
    return export if export.is_dir() else export.parent


def resolve_attachment(export: Path, name: str, *, what: str) -> Path:
    """The attachment path for ``name`` relative to the export's folder, checked to stay inside it.

    Raises AttachmentError naming the export, the offending name and the rule it breaks. Whether the
    file exists is the caller's question.
    """
    text = name.strip()
    if not text:
        raise AttachmentError(f"{what} in '{export}' is empty. Expected a file name.", file=str(export))
    windows, posix = PureWindowsPath(text), PurePosixPath(text)
    if windows.is_absolute() or posix.is_absolute() or windows.drive:
        raise AttachmentError(
            f"{what} {text!r} in '{export}' is an absolute path. "
            "Expected a name relative to the export's folder.",
            file=str(export),
            attachment=text,
        )
    if ".." in windows.parts or ".." in posix.parts:
        raise AttachmentError(
            f"{what} {text!r} in '{export}' contains '..'. Expected a file inside the export's folder.",
            file=str(export),
            attachment=text,
        )
    folder = export_folder(export)
    candidate = folder.joinpath(*windows.parts)
    resolved = candidate.resolve()
    if not resolved.is_relative_to(folder.resolve()):
        raise AttachmentError(
            f"{what} {text!r} in '{export}' resolves to '{resolved}', outside the export's folder "
            f"'{folder}'. Links out of the folder are not followed.",
            file=str(export),
            attachment=text,
        )
    return candidate


def check_inside(export: Path, path: Path, *, what: str) -> Path:
    """Check that a path a parser reported lies inside the export's folder (after resolving links)."""
    folder = export_folder(export).resolve()
    if not path.resolve().is_relative_to(folder):
        raise AttachmentError(
            f"{what} '{path}' of '{export}' lies outside the export's folder '{folder}'.",
            file=str(export),
            attachment=str(path),
        )
    return path
