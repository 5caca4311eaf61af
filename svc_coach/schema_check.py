"""A small JSON Schema checker for the subset `knowledge/schema.json` uses.

jsonschema is a dev dependency only (the tests' reference validator), so the service interprets
the schema itself: type, enum, pattern, minLength, minItems, minProperties, required, properties,
additionalProperties, propertyNames, items and local `$ref`s. Unknown keywords are ignored.
"""

from __future__ import annotations

import re
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
}


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported: {ref}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def validate(instance: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> list[str]:
    """Every violation as 'path: message'; an empty list means the instance is valid."""
    if "$ref" in schema:
        return validate(instance, _resolve(root, schema["$ref"]), root, path)
    kind = schema.get("type")
    if kind is not None:
        ok = isinstance(instance, _TYPES[kind]) and not (
            kind in ("integer", "number") and isinstance(instance, bool)
        )
        if not ok:
            return [f"{path}: expected {kind}, got {type(instance).__name__}"]
    errors: list[str] = []
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{path}: {instance!r} is not one of {schema['enum']}")
    if isinstance(instance, str):
        if len(instance) < schema.get("minLength", 0):
            errors.append(f"{path}: shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            errors.append(f"{path}: {instance!r} does not match {schema['pattern']}")
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            errors.append(f"{path}: needs at least {schema['minItems']} entries")
        if "items" in schema:
            for i, value in enumerate(instance):
                errors += validate(value, schema["items"], root, f"{path}[{i}]")
    if isinstance(instance, dict):
        errors += _validate_object(instance, schema, root, path)
    return errors


def _validate_object(
    instance: dict[str, Any], schema: dict[str, Any], root: dict[str, Any], path: str
) -> list[str]:
    errors = [f"{path}: missing '{key}'" for key in schema.get("required", ()) if key not in instance]
    if len(instance) < schema.get("minProperties", 0):
        errors.append(f"{path}: needs at least {schema['minProperties']} entries")
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, value in instance.items():
        where = f"{path}.{key}"
        if "propertyNames" in schema:
            errors += validate(key, schema["propertyNames"], root, f"{where} (name)")
        if key in properties:
            errors += validate(value, properties[key], root, where)
        elif extra is False:
            errors.append(f"{path}: unexpected '{key}'")
        elif isinstance(extra, dict):
            errors += validate(value, extra, root, where)
    return errors
