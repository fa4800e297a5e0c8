"""Open311 GeoReport v2's two formats from one structure: JSON, and XML whose element names the
specification gives (a list of ``service`` in ``services``, ``error`` in ``errors`` …), UTF-8, and
its errors (``[{"code": 404, "description": …}]``, ``<errors><error><code>…``) for every failure."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from fastapi.responses import Response

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# the element each item of a list is written as, by the list's element name
ITEM_OF = {"services": "service", "attributes": "attribute", "values": "value", "errors": "error",
           "endpoints": "endpoint", "formats": "format", "service_requests": "request", "requests": "request",
           "service_request_updates": "request_update"}


class Open311Error(Exception):
    """An answer in the specification's error format."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _element(name: str, value: Any) -> ElementTree.Element:
    element = ElementTree.Element(name)
    if isinstance(value, dict):
        for key, item in value.items():
            element.append(_element(key, item))
    elif isinstance(value, list):
        for item in value:
            element.append(_element(ITEM_OF.get(name, "item"), item))
    else:
        element.text = _text(value)
    return element


def render(fmt: str, root: str, body: Any, *, status: int = 200) -> Response:
    """``body`` (a list or a dict) as JSON, or as XML under ``root``."""
    if fmt == "xml":
        document = ElementTree.tostring(_element(root, body), encoding="utf-8", xml_declaration=True)
        return Response(document, status_code=status, media_type=FORMATS["xml"])
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type=FORMATS["json"])


def error(fmt: str, status: int, description: str) -> Response:
    return render(fmt if fmt in FORMATS else "json", "errors", [{"code": status, "description": description}], status=status)


def split_format(name: str) -> tuple[str, str]:
    """``services.xml`` -> ("services", "xml"); a format other than json and xml is a 400."""
    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt not in FORMATS:
        raise Open311Error(400, "the format must be .json or .xml")
    return stem, fmt
