"""Property-based: schemathesis drives every operation of /openapi.json with a valid token.

No server errors, and every response (status, content type, body) matches
the document.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aurora_cloud.api import openapi

schema = schemathesis.openapi.from_dict(openapi.build())
# Valid and invalid requests both: invalid ones must be 4xx problems, never 5xx.
schema.config.generation.update(modes=list(GenerationMode))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def fuzz_user(make_user: Any) -> Any:
    return make_user()


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case: Any, stack: Any, fuzz_user: Any) -> None:
    case.call_and_validate(base_url=stack.url, headers=fuzz_user.headers, checks=CHECKS)
