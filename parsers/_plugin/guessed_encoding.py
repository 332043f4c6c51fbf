"""The registry's guarantee that a code page read by guess is never silent, whatever the parser.

Built-in text parsers pass on the warning of :func:`parsers._common.decoding.decode_bytes` when it guessed
a legacy code page. A parser that does not (a JSON reader, a plugin written before the warning existed)
still names the encoding it read in its provenance: when that is a legacy code page and the site set no
``encoding``, the registry adds the warning itself.
"""

from __future__ import annotations

import codecs
import dataclasses
from pathlib import Path

from ingest.models import ParsedFile

#: Said by every warning about a guessed encoding (the decoder's and this one).
GUESSED = "its site sets no encoding"


def warn_of_guessed_encoding(parsed: ParsedFile, *, file: Path, hinted: str | None) -> ParsedFile:
    """``parsed``, with a warning when it was read in a legacy code page that the site did not set."""
    encoding = parsed.provenance.encoding
    if hinted or not encoding or _is_unicode(encoding) or any(GUESSED in w for w in parsed.warnings):
        return parsed
    warning = (
        f"File '{file}' is not UTF-8 and {GUESSED}: it was read as {encoding}. If names look wrong, set "
        f"the export's code page in schemas_map.yaml; to keep this reading, set 'encoding: {encoding}'."
    )
    return dataclasses.replace(parsed, warnings=(*parsed.warnings, warning))


def _is_unicode(encoding: str) -> bool:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(("utf-8", "utf-16", "utf-32")) or name in ("ascii", "us-ascii")
