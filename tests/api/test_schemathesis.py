"""schemathesis against the served OpenAPI document: every operation, with a token, on each database.

No response may be a server error, and every response must match what the document says
(status code, content type, headers and body schema). The operations are walked in one
test per database (schemathesis's own pytest plugin does not run under pytest 9 yet).
"""

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance, not_a_server_error, response_headers_conformance, response_schema_conformance,
    status_code_conformance,
)

from helpdesk.extensions import db
from tests import factories

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
EXAMPLES = 15  # per operation: the whole walk stays around a minute per database


def test_every_operation_conforms(app, users, clock):
    """Generated requests with a valid admin token never fail the server and always match the spec."""
    secret = factories.api_token(users["admin"], now=clock.now(), scope="admin")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    limit = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = "100000 per minute"  # the walk makes hundreds of calls a minute
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ("receiver.example.se",)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20
        for operation in operations:
            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def conforms(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            conforms()
    finally:
        app.config["API_RATE_LIMIT"] = limit
        app.config["WEBHOOK_ALLOWED_HOSTS"] = ()
