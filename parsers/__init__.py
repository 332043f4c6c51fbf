"""Parser plugins: one package per export format, plus the plugin machinery.

The rest of the project uses only the names below (``from parsers import discover_parsers``); they are
loaded on first use, so importing this package does not import any parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parsers.registry import ParserEntry, ParserRegistry, discover_parsers

__all__ = ["ParserEntry", "ParserRegistry", "discover_parsers"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from parsers import registry

        return getattr(registry, name)
    raise AttributeError(f"module 'parsers' has no attribute {name!r}")
