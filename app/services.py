"""The app's long-lived parts, made once by the factory and reached through one typed
accessor: `services()` inside a request, `services(app)` outside one."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from study_guide.config import Settings
from study_guide.content.catalogue import Catalogue
from study_guide.llm import LLMClient
from study_guide.publish.asset_store import AssetStore
from study_guide.web.page_cache import PageCache

EXTENSION = "study_guide"


@dataclass(frozen=True)
class Services:
    settings: Settings
    catalogue: Catalogue  # every volume, and the owner's changes to them
    pages: PageCache  # rendered pages kept compressed, one per change of the volumes
    assets: AssetStore  # the static files under content-hashed names
    llm: LLMClient  # the model server that drafts volumes (disabled without LLM_API_URL)

    def install(self, app: Flask) -> None:
        app.extensions[EXTENSION] = self


def services(app: Flask | None = None) -> Services:
    return (app or current_app).extensions[EXTENSION]
