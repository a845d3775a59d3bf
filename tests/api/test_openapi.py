"""The OpenAPI document: valid, stable, and checked for drift against a committed snapshot.

Refresh the snapshot after an intended API change with
    .venv/bin/padu openapi --out tests/api/openapi.snapshot.json
(or run this file with PADU_UPDATE_OPENAPI_SNAPSHOT=1), and review the diff like code."""

import json
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from openapi_spec_validator import validate

from padu.api.openapi import openapi_document, render

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")

ENDPOINTS = {
    ("get", "/api/v1/families"),
    ("post", "/api/v1/families"),
    ("get", "/api/v1/families/{family_id}"),
    ("patch", "/api/v1/families/{family_id}"),
    ("post", "/api/v1/families/{family_id}/members"),
    ("get", "/api/v1/people"),
    ("get", "/api/v1/people/{person_id}"),
    ("patch", "/api/v1/people/{person_id}"),
    ("get", "/api/v1/dwellings/{dwelling_id}"),
    ("patch", "/api/v1/dwellings/{dwelling_id}"),
    ("post", "/api/v1/families/{family_id}/dwelling"),
    ("post", "/api/v1/families/{family_id}/split"),
    ("post", "/api/v1/people/{person_id}/family"),
    ("get", "/api/v1/people/{person_id}/disabilities"),
    ("post", "/api/v1/people/{person_id}/disabilities"),
    ("post", "/api/v1/disabilities/{disability_id}/end"),
    ("get", "/api/v1/people/{person_id}/ppks-assessments"),
    ("post", "/api/v1/people/{person_id}/ppks-assessments"),
    ("get", "/api/v1/periods"),
    ("get", "/api/v1/periods/{month}/summary"),
    ("get", "/api/v1/periods/{month}/families"),
    ("get", "/api/v1/programs/beneficiaries"),
    ("get", "/api/v1/programs/beneficiaries/{beneficiary_id}"),
    ("post", "/api/v1/programs/beneficiaries/{beneficiary_id}/transition"),
    ("get", "/api/v1/programs/decrees"),
    ("post", "/api/v1/programs/decrees/{decree_id}/approve"),
    ("get", "/api/v1/programs/disbursements"),
    ("get", "/api/v1/programs/budget"),
    ("get", "/api/v1/programs/groups"),
    ("post", "/api/v1/programs/candidates/{candidate_id}/field-check"),
    ("post", "/api/v1/programs/beneficiaries/{beneficiary_id}/disbursements"),
    ("get", "/api/v1/programs/beneficiaries/{beneficiary_id}/packages"),
    ("post", "/api/v1/programs/beneficiaries/{beneficiary_id}/packages"),
    ("post", "/api/v1/programs/packages/{package_id}/handover"),
    ("get", "/api/v1/programs/groups/{group_id}"),
    ("post", "/api/v1/programs/groups/{group_id}/members"),
    ("post", "/api/v1/programs/groups/{group_id}/members/{member_id}/role"),
    ("post", "/api/v1/programs/groups/{group_id}/members/{member_id}/remove"),
    ("post", "/api/v1/programs/groups/{group_id}/disbursements"),
    ("get", "/api/v1/programs/courses"),
    ("get", "/api/v1/programs/courses/{course_id}"),
    ("post", "/api/v1/programs/courses/{course_id}/participants"),
    ("post", "/api/v1/programs/courses/{course_id}/attendance"),
    ("post", "/api/v1/programs/courses/{course_id}/participants/{participant_id}/complete"),
    ("get", "/api/v1/programs"),
    ("get", "/api/v1/programs/{program_id}"),
    ("post", "/api/v1/programs/{program_id}/rules"),
    ("get", "/api/v1/cohorts"),
    ("get", "/api/v1/cohorts/{cohort_id}"),
    ("post", "/api/v1/cohorts/{cohort_id}/targeting"),
    ("get", "/api/v1/cohorts/{cohort_id}/candidates"),
    ("get", "/api/v1/cohorts/{cohort_id}/people/{person_id}/explanation"),
    ("get", "/api/v1/change-requests"),
    ("post", "/api/v1/change-requests"),
    ("get", "/api/v1/change-requests/{request_id}"),
    ("post", "/api/v1/change-requests/{request_id}/transitions/{name}"),
    ("post", "/api/v1/verification/requests/{pk}/task"),
    ("get", "/api/v1/verification/tasks"),
    ("get", "/api/v1/verification/tasks/{pk}"),
    ("post", "/api/v1/verification/tasks/{pk}/complete"),
    ("post", "/api/v1/verification/tasks/{pk}/photos"),
    ("post", "/api/v1/verification/tasks/{pk}/reassign"),
    ("get", "/api/v1/muskel/sessions"),
    ("post", "/api/v1/muskel/sessions"),
    ("get", "/api/v1/muskel/sessions/{session_id}"),
    ("post", "/api/v1/muskel/sessions/{session_id}/attendees"),
    ("delete", "/api/v1/muskel/sessions/{session_id}/attendees/{attendee_id}"),
    ("post", "/api/v1/muskel/sessions/{session_id}/agenda"),
    ("post", "/api/v1/muskel/sessions/{session_id}/agenda/{item_id}/decision"),
    ("post", "/api/v1/muskel/sessions/{session_id}/agenda/{item_id}/remove"),
    ("post", "/api/v1/muskel/sessions/{session_id}/close"),
    ("get", "/api/v1/muskel/sessions/{session_id}/berita-acara"),
    ("get", "/api/v1/muskel/sessions/{session_id}/bnba"),
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/notifications/read"),
    ("get", "/api/v1/notifications/unread"),
    ("post", "/api/v1/notifications/{pk}/read"),
}


def test_document_is_valid_openapi():
    document = openapi_document()
    validate(document)
    assert document["openapi"].startswith("3.")


def test_document_lists_every_endpoint_with_token_auth():
    document = openapi_document()
    found = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert found == ENDPOINTS
    schemes = document["components"]["securitySchemes"]
    assert schemes == {"TokenAuth": {"type": "http", "scheme": "bearer"}}
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            assert op["security"] == [{"TokenAuth": []}], (method, path)
            assert {"401", "403"} <= set(op["responses"]), (method, path)
            assert op.get("summary"), (method, path)


def test_document_does_not_depend_on_language():
    with translation.override("id"):
        in_indonesian = render(openapi_document())
    with translation.override("en"):
        in_english = render(openapi_document())
    assert in_indonesian == in_english


def test_document_matches_snapshot():
    current = render(openapi_document())
    if os.environ.get("PADU_UPDATE_OPENAPI_SNAPSHOT"):
        SNAPSHOT.write_text(current, encoding="utf-8")
        pytest.skip("snapshot refreshed")
    assert SNAPSHOT.is_file(), (
        "no snapshot yet: run `padu openapi --out tests/api/openapi.snapshot.json`"
    )
    assert json.loads(SNAPSHOT.read_text(encoding="utf-8")) == json.loads(current), (
        "The API schema changed. If that was intended, refresh the snapshot with "
        "`.venv/bin/padu openapi --out tests/api/openapi.snapshot.json` and commit it with the "
        "change."
    )


def test_command_checks_and_writes(tmp_path):
    out = tmp_path / "schema.json"
    call_command("openapi", out=out)
    assert json.loads(out.read_text()) == openapi_document()
    call_command("openapi", check=out)
    out.write_text("{}")
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="out of date"):
        call_command("openapi", check=out)


@pytest.mark.django_db
def test_openapi_json_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["paths"].keys() == openapi_document()["paths"].keys()


@pytest.mark.django_db
def test_docs_page_lists_every_operation_of_the_document_in_indonesian(client):
    """Padu's own page (no Swagger UI): the layout, every operation with its method, path and
    summary, every schema, the link to the JSON document, and no script of its own."""
    response = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Dokumentasi Padu API" in html
    assert 'href="/api/v1/openapi.json"' in html
    document = openapi_document()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert f'id="{operation["operationId"]}"' in html
            assert f'{method.upper()} <code class="api-path">{path}</code>' in html
            with translation.override("id"):
                summary = translation.gettext(operation["summary"])
            assert summary != operation["summary"], f"{operation['summary']} is not translated"
            assert summary in html.replace("&#x27;", "'")
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in html
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert "swagger" not in html.lower()
    assert html.count("<script") == 2  # the layout's own: htmx and padu.js
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe" not in csp


@pytest.mark.django_db
def test_every_schema_a_page_links_to_is_on_it(client):
    html = client.get("/api/v1/docs").content.decode()
    targets = set(re.findall(r'href="#(schema-[^"]+)"', html))
    assert targets
    assert all(f'id="{target}"' in html for target in targets)


def test_schema_names_are_unique():
    """The document names each schema by its class: two classes of one name would silently share
    one component, and one of them would be documented wrongly."""
    from ninja import Schema

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names: dict[str, set[str]] = {}
    for cls in subclasses(Schema):
        if cls.__module__.startswith("padu."):
            names.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {n: m for n, m in names.items() if len(m) > 1} == {}
