"""The OpenAPI document: valid OpenAPI 3.1, and describing exactly the routes the API has."""
from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.api.conftest import PREFIX, validator


def test_document_is_valid_openapi_31(api_doc):
    assert api_doc["openapi"] == "3.1.0"
    validate(api_doc)


def test_document_served_as_json_with_open_data_headers(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_documented_paths_are_exactly_the_api_routes(app, api_doc):
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(PREFIX))
        for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
    }
    assert routes == set(api_doc["paths"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}
    for path, item in api_doc["paths"].items():
        assert set(item) == {"get"}, path
        assert "200" in item["get"]["responses"]


def test_every_component_schema_is_valid_json_schema(api_doc):
    for name, schema in api_doc["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
        # Object schemas say which fields are always there and allow no others.
        if schema.get("type") == "object" and name != "Translations":
            assert set(schema["required"]) == set(schema["properties"]), name
            assert schema["additionalProperties"] is False, name


def test_nullable_fields_use_type_arrays(api_doc):
    consultation = api_doc["components"]["schemas"]["Consultation"]["properties"]
    for field in ("district", "department", "opens_at", "closes_at"):
        assert consultation[field]["type"] == ["string", "null"], field
    page = api_doc["components"]["schemas"]["ConsultationPage"]["properties"]
    assert page["next"]["type"] == ["string", "null"]
    assert "nullable" not in str(api_doc)


def test_parameters_are_described(app, api_doc):
    parameters = api_doc["components"]["parameters"]
    assert parameters["per_page"]["schema"]["maximum"] == app.config["API_MAX_PER_PAGE"]
    assert parameters["per_page"]["schema"]["default"] == app.config["PER_PAGE"]
    assert parameters["status"]["schema"]["enum"] == ["open", "closed", "evaluated"]
    assert set(parameters["scope"]["schema"]["enum"]) == {"state", "city_bremen", "bremerhaven", "district"}
    listed = [p["$ref"].rsplit("/", 1)[1] for p in api_doc["paths"]["/consultations"]["get"]["parameters"]]
    assert listed == ["page", "per_page", "action_field", "status", "scope"]


def test_error_schema_matches_real_errors(client, api_doc):
    check = validator(api_doc, "/components/schemas/Error")
    for url, status in ((f"{PREFIX}/consultations/nope", 404), (f"{PREFIX}/consultations?page=0", 400),
                        (f"{PREFIX}/no-such-endpoint", 404)):
        response = client.get(url)
        assert response.status_code == status
        body = response.get_json()
        check.validate(body)
        assert body["error"]["status"] == status


@pytest.mark.parametrize("path", ["/action-fields", "/consultations", "/consultations/{slug}",
                                  "/consultations/{slug}/contributions"])
def test_data_endpoints_document_their_errors(api_doc, path):
    responses = api_doc["paths"][path]["get"]["responses"]
    assert responses["200"]["content"]["application/json"]["schema"]["$ref"].startswith("#/components/schemas/")
    if "{slug}" in path:
        assert responses["404"] == {"$ref": "#/components/responses/NotFound"}
    if path != "/consultations/{slug}":
        assert responses["400"] == {"$ref": "#/components/responses/BadRequest"}


def test_post_is_refused_with_json_405(client):
    response = client.post(f"{PREFIX}/consultations")
    assert response.status_code == 405
    assert response.get_json()["error"]["status"] == 405
