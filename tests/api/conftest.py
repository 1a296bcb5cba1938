"""Fixtures for the API tests: the served OpenAPI document and a checker that validates real
responses against the schemas it declares (JSON Schema 2020-12, ``$ref`` resolved in the document)."""
from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOC_URI = "https://vielstimmig.test/api/v1/openapi.json"
PREFIX = "/api/v1"


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def response_pointer(doc: dict, path: str, status: int) -> str:
    """JSON pointer to the schema of ``GET path`` answering ``status`` (following a response ``$ref``)."""
    response = doc["paths"][path]["get"]["responses"][str(status)]
    base = f"/paths/{_escape(path)}/get/responses/{status}"
    if "$ref" in response:
        base = response["$ref"].removeprefix("#")
    return f"{base}/content/application~1json/schema"


def validator(doc: dict, pointer: str) -> Draft202012Validator:
    registry = Registry().with_resource(DOC_URI, Resource.from_contents(doc, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"{DOC_URI}#{pointer}"}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture()
def api_doc(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture()
def api_get(client, api_doc):
    """GET an API URL and check the answer against the documented schema for its path and status.

    ``path`` is the documented path template (``/consultations/{slug}``); returns the response."""

    def _get(url: str, path: str, status: int = 200, *, via=None, **kwargs):
        response = (via or client).get(url, **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.mimetype == "application/json"
        errors = sorted(validator(api_doc, response_pointer(api_doc, path, status)).iter_errors(response.get_json()),
                        key=str)
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
        return response

    return _get


def all_keys(value) -> set[str]:
    """Every object key anywhere inside a JSON value."""
    if isinstance(value, dict):
        return set(value) | set().union(*(all_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(all_keys(v) for v in value))
    return set()
