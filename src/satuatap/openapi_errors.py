"""The error responses every API operation can give, added to the OpenAPI document in one place.

Each route declares the errors of its own rules (403, 404, 409, 428…) in `response={…}`. Four
come from the framework and would otherwise be missing from every operation: 401 (no valid
token or session) on every authenticated operation, 400 (a body that is not JSON) on every
operation that takes a body, 422 (a parameter or field that does not fit its schema) on every
operation that takes input, and 503 (a value of the record that no configured key decrypts,
`core/encryption.py`) on every authenticated operation. All use the `{code, message, details}`
body of `satuatap.api`.
"""

from __future__ import annotations

from typing import Any

ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
COMMON_ERRORS = {
    400: "The request body is not valid JSON.",
    401: "No valid bearer token or signed-in session.",
    422: "A parameter or field does not fit the schema; `details` lists which.",
    503: "A value of the record cannot be decrypted with the configured keys (`undecryptable`).",
}


def _applies(status: int, operation: dict[str, Any]) -> bool:
    if status in (401, 503):
        return bool(operation.get("security"))
    if status == 400:
        return "requestBody" in operation
    return bool(operation.get("parameters")) or "requestBody" in operation


def document_common_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the framework's error responses to each operation that can give them."""
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            responses = operation["responses"]
            for status, description in COMMON_ERRORS.items():
                if _applies(status, operation) and not ({status, str(status)} & set(responses)):
                    responses[status] = {"description": description, "content": ERROR_BODY}
    return schema
