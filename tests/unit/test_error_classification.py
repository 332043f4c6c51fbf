"""Which errors pause ingestion (configuration: no file is to blame) and which stay with one file
(quarantine, or a retry of that file): every class of the hierarchy is classified here, so a new one
must be, too."""

from __future__ import annotations

import pytest

import ingest.benchling.errors as client_errors
import ingest.errors as errors
import ingest.load.holdings as holdings
import ingest.operations.instance_lock as instance_lock
import ingest.operations.retry as retry
from ingest.errors import IngestError

#: Every error class and whether it pauses ingestion.
PAUSES: dict[type[IngestError], bool] = {
    errors.IngestError: False,
    errors.ConfigError: True,
    errors.ParseError: False,
    errors.NoParserError: False,
    errors.ResolveError: False,
    errors.MappingMismatchError: True,
    errors.EntitiesNotFoundError: False,
    errors.AttachmentError: False,
    errors.AttachmentMissingError: False,
    errors.BenchlingError: False,
    errors.BenchlingRejectedError: False,
    errors.BenchlingAuthError: True,
    errors.BenchlingNotFoundError: False,
    errors.BenchlingUnavailableError: False,
    errors.BenchlingUnreachableError: True,
    errors.RateLimitedError: False,
    errors.AmbiguousWriteError: False,
    errors.ServerAssignedIdsError: False,
    errors.ContentChangedError: False,
    errors.LedgerError: False,
    errors.LedgerUnavailableError: False,
    errors.LeaseLostError: False,
    client_errors.ClientIdsNotKeptError: False,
    holdings.PartialResultsError: False,
    instance_lock.InstanceLockedError: False,
    retry.QuarantineNameError: False,
    errors.RenderError: False,
    errors.RenderProcessLostError: False,
    errors.StopRequestedError: False,
    errors.OtherTenantError: False,
}


def _all_subclasses(cls: type[IngestError]) -> set[type[IngestError]]:
    found = {cls}
    for sub in cls.__subclasses__():
        found |= _all_subclasses(sub)
    return found


def test_every_error_class_is_classified() -> None:
    """Checks the classes of the modules imported above (where every error class of ``ingest`` lives)."""
    project = {c for c in _all_subclasses(IngestError) if c.__module__.startswith("ingest.")}
    assert project - set(PAUSES) == set(), "classify the new error classes in PAUSES"


@pytest.mark.parametrize("cls", list(PAUSES), ids=lambda c: c.__name__)
def test_pauses_ingestion_is_a_class_property(cls: type[IngestError]) -> None:
    assert cls.pauses_ingestion is PAUSES[cls]


def test_the_classification_travels_with_the_error_into_the_ledger() -> None:
    refused = errors.BenchlingAuthError(
        "Benchling refused the credentials for GET /projects with 401.", method="GET", path="/projects"
    )
    bad_value = errors.ResolveError("File 'a.csv' cannot be sent to Benchling: row 3 ...", file="a.csv")
    assert refused.to_dict()["pauses_ingestion"] is True
    assert bad_value.to_dict()["pauses_ingestion"] is False


def test_an_unreachable_benchling_is_retryable_but_pauses() -> None:
    """Unreachable from the start is an unavailability (the file is never at fault) that the service
    waits out paused rather than file by file."""
    assert errors.BenchlingUnreachableError.retryable
    assert errors.BenchlingUnreachableError.pauses_ingestion
