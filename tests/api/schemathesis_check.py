"""Property-based check of /api/v1/ against its own OpenAPI schema (schemathesis), run by .ci/run.

Not collected by the suite (its name is not ``test_*.py``): .ci/run runs it once, after the
suites, on SQLite, as ``pytest tests/api/schemathesis_check.py``. Every operation gets a few
generated requests (valid and invalid parameters) with an analyst's token; each answer must not be
a server error, must have a documented content type, and a documented status must match its schema.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from api.services import create_token
from api.throttling import TokenRateThrottle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

APP = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", APP)

#: Examples per operation: enough to reach every parameter, short enough for CI (< 1 minute in all).
EXAMPLES = 6


@pytest.fixture
def secret(make_user, monkeypatch) -> str:
    # The checker sends far more requests a minute than the published limit allows.
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"api": "100000/minute"})
    return create_token(user=make_user("analyst", username="schemathesis"), name="schemathesis", days=1)[1]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_answers_as_its_schema_says(case, secret):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {secret}"},
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
    )
