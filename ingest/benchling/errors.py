"""Errors only the client raises (subclasses of the ``ingest.errors`` hierarchy)."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.errors import BenchlingError


class ClientIdsNotKeptError(BenchlingError):
    """Benchling created the objects but answered other ids than the client-supplied ones.

    Not retryable: sending again creates more objects under more ids Benchling chooses. The objects that
    were created are named in ``assigned_ids`` (by position of ``sent_ids``), so a caller can record or
    archive them; no id that does not exist is ever reported as created.
    """

    def __init__(
        self,
        *,
        what: str,
        method: str,
        path: str,
        sent_ids: Sequence[str],
        assigned_ids: Sequence[str],
        created: bool = True,
    ) -> None:
        differing = [(s, a) for s, a in zip(sent_ids, assigned_ids, strict=False) if s != a]
        shown = ", ".join(f"{s} -> {a}" for s, a in differing[:3]) + (" ..." if len(differing) > 3 else "")
        count = (
            f"answered {len(assigned_ids)} ids for {len(sent_ids)}"
            if len(assigned_ids) != len(sent_ids)
            else f"answered other ids for {len(differing)} of {len(sent_ids)} ({shown})"
        )
        outcome = (
            "The created objects exist under the ids Benchling answered (assigned_ids)."
            if created
            else "Nothing was created: the result transaction was aborted before its commit."
        )
        super().__init__(
            f"Benchling {'created' if created else 'accepted'} the {what} of {method} {path} but {count}: "
            "this tenant assigns its own ids and ignores the ids the client sends, so creating them exactly "
            f"once by a client id is not possible here. {outcome} Look existing objects up by their "
            "content (e.g. the file hash field) before creating, or ask Benchling support to honour "
            "client-supplied ids.",
            method=method,
            path=path,
            what=what,
            sent_ids=list(sent_ids),
            assigned_ids=list(assigned_ids) if created else [],
            created=created,
        )
        self.created = created
        self.sent_ids = list(sent_ids)
        #: The ids that exist now (empty when nothing was created).
        self.assigned_ids = list(assigned_ids) if created else []
