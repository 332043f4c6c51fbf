"""Tenant configuration reads the resolver needs besides schemas: dropdowns and projects."""

from __future__ import annotations

from ingest.benchling.models import Dropdown, Project
from ingest.benchling.pages import iterate_pages
from ingest.benchling.transport import ApiTransport


class TenantConfigEndpoints:
    def __init__(self, transport: ApiTransport) -> None:
        self._t = transport

    def dropdown(self, dropdown_id: str) -> Dropdown:
        response = self._t.request(
            "GET", "/dropdowns/{dropdown_id}", path_params={"dropdown_id": dropdown_id}
        )
        return Dropdown.model_validate(response.json())

    def projects(self) -> list[Project]:
        return [Project.model_validate(item) for item in iterate_pages(self._t, "/projects", "projects")]
