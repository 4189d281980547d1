"""Property-based: schemathesis drives every operation of the app's own OpenAPI document.

No input may cause a 5xx, and every response must match what the document declares
(status code, content type, headers, body schema). Each generated request is sent
without a key, as a supplier and as a reviewer.
"""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from litestar import Litestar
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation.case import Case

from registry.wiring import Services
from tests.conftest import Keys, bearer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25


@pytest.mark.slow
def test_api_conforms_to_its_openapi(app: Litestar, seeded: Services, keys: Keys) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi/openapi.json", app)
    identities = [{}, bearer(keys.supplier), bearer(keys.reviewer)]
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case: Case[Any]) -> None:
            for identity in identities:
                headers = {**dict(case.headers or {}), **identity}
                case.call_and_validate(headers=headers, checks=CHECKS)

        conforms()
