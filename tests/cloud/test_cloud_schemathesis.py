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
# Deleting the account and signing out everywhere end the fuzz user's session: every
# case after them would only see 401 and test nothing. They run apart, a new user each.
ACCOUNT_ENDING = ["deleteAccount", "signOutEverywhere"]
everyday = schema.exclude(operation_id=ACCOUNT_ENDING)
account_ending = schema.include(operation_id=ACCOUNT_ENDING)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def fuzz_user(make_user: Any) -> Any:
    return make_user()


@everyday.parametrize()
@settings(max_examples=75, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case: Any, stack: Any, fuzz_user: Any) -> None:
    case.call_and_validate(base_url=stack.url, headers=fuzz_user.headers, checks=CHECKS)


@account_ending.parametrize()
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_account_operations_conform_to_the_document(case: Any, stack: Any,
                                                     make_user: Any) -> None:
    case.call_and_validate(base_url=stack.url, headers=make_user().headers, checks=CHECKS)
