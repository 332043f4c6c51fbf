"""The mapping a running ``watch`` uses, kept in step with its file under the start's rules: a saved
content is used only when it loads with the installed parsers (``load_mapping``'s checks, its messages)
and fits the tenant (``doctor``'s mapping check, with the start checks' client that does not wait)."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.errors import ConfigError
from ingest.operations.doctor_checks import mapping_fit
from ingest.operations.preflight import add_check_counters, check_stats, checking, reason_of
from ingest.pipeline import Pipeline
from ingest.pipeline.factory import parse_mapping
from ingest.pipeline.mapping_reload import MappingReload
from ingest.resolve import SchemaMap
from ingest.settings import Settings


@dataclass(frozen=True)
class MappingAtStart:
    """The mapping file as read once at start: the pipeline is made with ``schema_map``, and changes
    are judged against ``content``."""

    content: bytes
    schema_map: SchemaMap


def read_mapping(settings: Settings) -> MappingAtStart:
    """Read and load the mapping file (ConfigError naming the file and line, as at start)."""
    path = settings.map_path
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"Mapping file '{path}' could not be read: {exc.strerror}.", file=path) from exc
    return MappingAtStart(content, MappingParser(settings)(content))


@dataclass(frozen=True)
class MappingParser:
    """The mapping file's bytes -> the mapping, with the installed parsers (``ParseMapping``)."""

    settings: Settings

    def __call__(self, content: bytes) -> SchemaMap:
        path = self.settings.map_path
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"Mapping file '{path}' is not UTF-8 text (byte {exc.start} cannot be read). Expected a "
                "YAML file saved as UTF-8.",
                file=path,
            ) from None
        return parse_mapping(self.settings, text)


def kept_in_step(
    settings: Settings,
    pipeline: Pipeline,
    start: MappingAtStart,
    *,
    settle_seconds: float = 1.0,
    poll_seconds: float = 0.5,
    retry_seconds: float = 60.0,
) -> MappingReload:
    """The :class:`MappingReload` for ``pipeline`` (made with ``start.schema_map``)."""

    def fits(schema_map: SchemaMap) -> str | None:
        with checking(settings, budget=pipeline.client.budget) as context:
            try:
                return reason_of([mapping_fit(schema_map, context.tenant(), settings.map_path)])
            finally:
                add_check_counters(pipeline, check_stats(context))

    return MappingReload(
        settings.map_path,
        start.content,
        start.schema_map,
        parse=MappingParser(settings),
        fits=fits,
        apply=pipeline.use_mapping,
        settle_seconds=settle_seconds,
        poll_seconds=poll_seconds,
        retry_seconds=retry_seconds,
    )
