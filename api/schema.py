"""What every operation of the schema may answer besides its own responses: 401 without a
valid token or session, 403 when the token may not do this, 429 over the rate (with
Retry-After), and for a list read by cursor 404 when the cursor is not one it gave. Each is
`{"detail": "..."}`, so clients and schema checks know them."""

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in words."},
        "code": {"type": "string", "description": "A stable name for it."},
    },
    "required": ["detail"],
}
COMMON = {
    "401": "No valid token or session: sign in, or send `Authorization: Bearer <token>`.",
    "403": "This token or person may not do this (a read-only token writing, for instance).",
    "429": "Too many requests: wait the seconds that Retry-After says.",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer"},
    }
}


def document_common_errors(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: add the common answers to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("ErrorDetail", ERROR)
    reference = {"$ref": "#/components/schemas/ErrorDetail"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue  # a path's own "parameters" or "summary", not an operation
            responses = operation.setdefault("responses", {})
            for status, description in COMMON.items():
                answer = {
                    "description": description,
                    "content": {"application/json": {"schema": reference}},
                }
                if status == "429":
                    answer["headers"] = RETRY_AFTER
                responses.setdefault(status, answer)
            if any(p.get("name") == "cursor" for p in operation.get("parameters", [])):
                responses.setdefault(
                    "404",
                    {
                        "description": "The cursor is not one this list gave (or the object "
                        "is not yours).",
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
