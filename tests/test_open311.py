"""Open311 GeoReport v2 (the part landed so far: discovery, services, service definitions, errors):
each answer's fields against the specification's lists, in JSON and in parsed XML."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
from starlette.testclient import TestClient

from cettar.main import create_app

BASE = "/open311/v2"
# the fields the specification lists (http://wiki.open311.org/GeoReport_v2)
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
ENDPOINT_FIELDS = {"specification", "url", "changeset", "type", "formats"}


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app()) as running:
        yield running


def xml(client: TestClient, path: str, status: int = 200) -> ElementTree.Element:
    answer = client.get(path)
    assert answer.status_code == status and answer.headers["content-type"].startswith("text/xml")
    assert answer.content.startswith(b"<?xml") and b"encoding='utf-8'" in answer.content.split(b"?>")[0].lower()
    return ElementTree.fromstring(answer.content)


def test_the_service_list_in_both_formats(client: TestClient) -> None:
    listed = client.get(f"{BASE}/services.json").json()
    assert {s["service_code"] for s in listed} >= {"fire", "flood", "infrastructure", "environment", "other"}
    for service in listed:
        assert set(service) == SERVICE_FIELDS
        assert service["type"] in {"realtime", "batch", "blackbox"} and isinstance(service["metadata"], bool)
        assert service["service_name"] and service["group"] and service["keywords"]
    root = xml(client, f"{BASE}/services.xml")
    assert root.tag == "services" and [e.tag for e in root] == ["service"] * len(listed)
    for element, service in zip(root, listed, strict=True):
        assert {child.tag for child in element} == SERVICE_FIELDS
        assert element.findtext("service_code") == service["service_code"]
        assert element.findtext("metadata") in {"true", "false"}
    # Indonesian by default; English when the client asks for it
    fire = {s["service_code"]: s for s in listed}["fire"]
    english = {s["service_code"]: s for s in client.get(f"{BASE}/services.json",
                                                           headers={"Accept-Language": "en"}).json()}["fire"]
    assert fire["group"] == "Darurat" and english["group"] == "Emergencies" and fire["service_name"] != english["service_name"]


def test_a_service_definition_in_both_formats(client: TestClient) -> None:
    definition = client.get(f"{BASE}/services/infrastructure.json").json()
    assert definition["service_code"] == "infrastructure" and definition["attributes"]
    for attribute in definition["attributes"]:
        assert set(attribute) - {"values"} == ATTRIBUTE_FIELDS and attribute["datatype"] in DATATYPES
        if attribute["datatype"].endswith("valuelist"):
            assert attribute["values"] and all(set(v) == {"key", "name"} for v in attribute["values"])
    privacy = next(a for a in definition["attributes"] if a["code"] == "privacy")
    assert {v["key"] for v in privacy["values"]} == {"public", "anonymous", "confidential"}
    root = xml(client, f"{BASE}/services/infrastructure.xml")
    assert root.tag == "service_definition" and root.findtext("service_code") == "infrastructure"
    attributes = root.find("attributes")
    assert attributes is not None and len(attributes.findall("attribute")) == len(definition["attributes"])
    values = attributes.find("attribute/values")
    assert values is not None and {v.findtext("key") for v in values.findall("value")} == {"public", "anonymous", "confidential"}


def test_discovery_names_the_path(client: TestClient) -> None:
    discovery = client.get(f"{BASE}/discovery.json").json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(discovery)
    endpoint = discovery["endpoints"][0]
    assert set(endpoint) == ENDPOINT_FIELDS and endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    root = xml(client, f"{BASE}/discovery.xml")
    assert root.tag == "discovery" and root.findtext("endpoints/endpoint/url", "").endswith("/open311/v2")
    assert {f.text for f in root.findall("endpoints/endpoint/formats/format")} == {"application/json", "text/xml"}


@pytest.mark.parametrize(("path", "status"), [
    ("/services/nosuch.json", 404), ("/services/nosuch.xml", 404), ("/services.csv", 400), ("/services", 400),
    ("/nothing.json", 404), ("/services.json?jurisdiction_id=elsewhere.example", 404),
])
def test_errors_come_in_the_specifications_format(client: TestClient, path: str, status: int) -> None:
    answer = client.get(BASE + path)
    assert answer.status_code == status
    if answer.headers["content-type"].startswith("text/xml"):
        root = ElementTree.fromstring(answer.content)
        assert root.tag == "errors" and root.findtext("error/code") == str(status) and root.findtext("error/description")
    else:
        errors = answer.json()
        assert errors[0]["code"] == status and errors[0]["description"]


def test_the_deployments_jurisdiction_is_accepted(client: TestClient) -> None:
    from urllib.parse import urlparse

    from cettar.open311.routes import jurisdiction
    from cettar.settings import get_settings

    assert jurisdiction() == urlparse(get_settings().public_base_url).hostname  # without CETTAR_OPEN311_JURISDICTION
    assert client.get(f"{BASE}/services.json", params={"jurisdiction_id": jurisdiction()}).status_code == 200
