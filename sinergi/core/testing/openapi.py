"""Responses checked against the published OpenAPI schema (drf-spectacular), for the API tests of every app."""

from __future__ import annotations

import functools


@functools.cache
def _openapi() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return _nullable_to_jsonschema(SchemaGenerator().get_schema(request=None, public=True))


def _nullable_to_jsonschema(node):
    """OpenAPI 3.0 `nullable: true` is not JSON Schema; turn it into `anyOf [..., null]`."""
    if isinstance(node, list):
        return [_nullable_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _nullable_to_jsonschema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def assert_matches_schema(response, path: str, method: str = "get") -> None:
    import jsonschema

    spec = _openapi()
    operation = spec["paths"][path][method]
    content = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    root = {"allOf": [content], "components": spec["components"]}
    jsonschema.validate(response.json(), root)
