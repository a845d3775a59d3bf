"""Schemathesis against the OpenAPI document: generated requests (valid, invalid, and the
boundaries of every documented bound) to every endpoint, as an operator who may read and write in
his kecamatan. Every answer must be documented: no 5xx, a documented status, a JSON body that fits
its schema, and 405 with an Allow header for a method an address does not take.

The seed is fixed and the examples bounded, so that a run is the same each time and stays short;
to fuzz harder by hand, raise `max-examples` or drop the seed."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from padu.accounts.capabilities import Role
from padu.api.openapi import openapi_document
from tests.factories import (
    BenefitGroupFactory,
    CandidateFactory,
    CohortQuotaFactory,
    PersonFactory,
    TrainingCourseFactory,
    make_user,
)

from .conftest import key_for

CONFIG = {
    "seed": 20261203,
    "generation": {"max-examples": 25, "database": "none"},
    "checks": {
        "enabled": False,
        **{
            name: {"enabled": True}
            for name in (
                "not_a_server_error",
                "status_code_conformance",
                "content_type_conformance",
                "response_schema_conformance",
                "response_headers_conformance",
                "unsupported_method",
            )
        },
    },
}

schema = schemathesis.openapi.from_dict(
    openapi_document(), config=schemathesis.Config.from_dict(CONFIG)
)
# The whole Django stack, middleware included, as a WSGI server would call it.
schema.app = WSGIHandler()


@pytest.fixture
def operator_key(db):
    """A key of an operator, with people of his area to find, change and add to, and a
    program's cohort with a quota and a candidate, a group and a course to reach."""
    # The handler closes the database connection after each request, as a server does; here it
    # holds the test's transaction (Django's test client disconnects the same signal).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    people = PersonFactory.create_batch(3)
    quota = CohortQuotaFactory()
    CandidateFactory(cohort=quota.cohort, person=people[0])
    BenefitGroupFactory()
    TrainingCourseFactory()
    yield key_for(make_user(Role.OPERATOR))
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_is_documented(case, operator_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {operator_key}"})
