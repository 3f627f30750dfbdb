"""What an `OPTIONS` request answers: the endpoint's name, description and media types.

DRF's default metadata also describes the fields a `PUT` or `POST` would accept, and to
do so it fetches the object (a generic view's `get_object`) and builds the view's one
serializer. Many Masar endpoints read with one serializer and write with another, and
some resolve their object inside the handler, so that description would be wrong where
it did not fail outright. The request bodies are documented in the OpenAPI schema
(`/api/v1/schema/`); `OPTIONS` points there and touches no data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.metadata import SimpleMetadata

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings
    from rest_framework.request import Request
    from rest_framework.views import APIView


class MasarMetadata(SimpleMetadata):
    def determine_metadata(self, request: Request, view: APIView) -> dict[str, Any]:
        metadata = {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "allowed_methods": sorted(view.allowed_methods),
            "schema": "/api/v1/schema/",
        }
        return metadata
