"""The programs pages and API with the client: the rule editor (rows, checks, a new version), a
cohort made, targeted and listed (masked numbers, the download audited), dropping out, and one
person's explanation, inside the user's area only."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.core.models import AccessLog, AuditEntry
from padu.programs.models import Candidate, Cohort, RuleSet
from padu.registry.masks import mask_number
from tests.api.conftest import ApiClient, key_for

from ..factories import (
    KEC_A,
    KEL_A,
    KEL_B,
    KOTA,
    FamilyFactory,
    PersonFactory,
    ProgramFactory,
    RuleSetFactory,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def operator(client):
    user = make_user(Role.OPERATOR, scope=KOTA, language="en")
    client.force_login(user)
    return user


@pytest.fixture
def program():
    return RuleSetFactory(
        program=ProgramFactory(code="LATIH"),
        tree={"all": [{"field": "family.desil", "op": "le", "value": 3}]},
    ).program


@pytest.fixture
def people():
    return {
        "poor_a": PersonFactory(family=FamilyFactory(region_id=KEL_A, desil=1)),
        "poorer_b": PersonFactory(family=FamilyFactory(region_id=KEL_B, desil=2)),
        "rich_a": PersonFactory(family=FamilyFactory(region_id=KEL_A, desil=9)),
    }


def test_the_rule_editor_saves_a_new_version(client, operator, program):
    url = reverse("programs:rules", kwargs={"pk": program.pk})
    page = client.get(url)
    assert page.status_code == 200 and b"family.desil" in page.content
    row = client.get(
        reverse("programs:rule_row", kwargs={"pk": program.pk}),
        {"row": "x1", "field_x1": "person.employment"},
        headers={"HX-Request": "true"},
    )
    assert b"Not working" in row.content and b'name="values_x1"' in row.content
    bad = client.post(url, {"match": "all", "field_a": "age", "op_a": "between", "value_a": "x"})
    assert bad.status_code == 200
    assert b"Condition 1 (Age on the reference date (years)): enter a number." in bad.content
    good = client.post(
        url,
        {
            "match": "all",
            "field_a": "age",
            "op_a": "between",
            "value_a": "18",
            "value2_a": "59",
            "field_b": "person.employment",
            "op_b": "in",
            "values_b": ["9"],
            "not_b": "1",
            "note": "usia produktif",
        },
    )
    assert good.status_code == 302
    latest = RuleSet.objects.filter(program=program).order_by("-version").first()
    assert latest.version == 1 + program.rule_sets.order_by("version").first().version
    assert latest.note == "usia produktif"
    assert latest.tree == {
        "all": [
            {"field": "age", "op": "between", "value": [18, 59]},
            {"not": {"field": "person.employment", "op": "in", "value": [9]}},
        ]
    }


def test_a_cohort_from_new_to_candidates_and_an_explanation(
    client, operator, program, people, django_capture_on_commit_callbacks
):
    response = client.post(
        reverse("programs:cohort_new"),
        {
            "program": program.pk,
            "name": "Angkatan I 2026",
            "region": KOTA,
            "quotas": f"{KEC_A} 1\n13.71.04 1",
            "priority_1": "desil",
            "priority_2": "waiting",
            "waiting_factor": "1",
        },
    )
    assert response.status_code == 302, response.content
    cohort = Cohort.objects.unscoped().get()
    assert (
        client.post(reverse("programs:cohort_target", kwargs={"pk": cohort.pk})).status_code == 302
    )
    detail = client.get(reverse("programs:cohort_detail", kwargs={"pk": cohort.pk}))
    assert b"Funnel" in detail.content and b"DTSEN desil at most 3" in detail.content
    # A TKSK of kecamatan A sees the cohort and its candidates of his kecamatan only.
    client.force_login(make_user(Role.TKSK, scope=KEC_A, language="en"))
    listing = client.get(reverse("programs:candidate_list", kwargs={"pk": cohort.pk}))
    poor = people["poor_a"]
    assert poor.name.encode() in listing.content
    assert people["poorer_b"].name.encode() not in listing.content
    # A leader sees the whole city's, with numbers masked.
    client.force_login(make_user(Role.PIMPINAN, scope=KOTA, language="en"))
    listing = client.get(reverse("programs:candidate_list", kwargs={"pk": cohort.pk}))
    assert mask_number(poor.nik).encode() in listing.content
    assert poor.nik.encode() not in listing.content
    assert AccessLog.objects.filter(purpose="candidate_list").exists()
    download = client.get(
        reverse("programs:candidate_export", kwargs={"pk": cohort.pk}), {"format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [r[3] for r in rows[1:]] == [mask_number(poor.nik), mask_number(people["poorer_b"].nik)]
    assert AuditEntry.objects.filter(action="programs.candidates.exported").exists()
    explained = client.get(
        reverse("programs:explain", kwargs={"pk": cohort.pk, "person_pk": poor.pk})
    )
    assert (
        b"Meets the rules." in explained.content and b"Holds a place, rank 1." in explained.content
    )
    client.force_login(make_user(Role.TKSK, scope=KEC_A, language="en"))
    other = client.get(
        reverse("programs:explain", kwargs={"pk": cohort.pk, "person_pk": people["poorer_b"].pk})
    )
    assert other.status_code == 404


def test_dropping_out_from_the_list(client, operator, program, people):
    extra = PersonFactory(family=FamilyFactory(region_id=KEL_A, desil=3))
    client.post(
        reverse("programs:cohort_new"),
        {
            "program": program.pk,
            "name": "A",
            "region": KOTA,
            "quotas": f"{KEC_A} 1",
            "priority_1": "desil",
            "waiting_factor": "1",
        },
    )
    cohort = Cohort.objects.unscoped().get()
    client.post(reverse("programs:cohort_target", kwargs={"pk": cohort.pk}))
    placed = Candidate.objects.unscoped().get(cohort=cohort, on_waiting_list=False)
    response = client.post(
        reverse("programs:candidate_drop", kwargs={"pk": placed.pk}),
        {"reason": "Pindah", "version": placed.version},
        follow=True,
    )
    assert extra.name.encode() in response.content
    assert Candidate.objects.unscoped().get(person=extra).on_waiting_list is False


def test_the_api_runs_targeting_and_explains(program, people, django_capture_on_commit_callbacks):
    api = ApiClient()
    operator = make_user(Role.OPERATOR, scope=KOTA)
    key = key_for(operator)
    from padu.programs.services.cohorts import cohort_save

    cohort = cohort_save(actor=operator, program=program, name="API", region_code=KOTA)
    with django_capture_on_commit_callbacks(execute=True):
        ran = api.post(f"/api/v1/cohorts/{cohort.pk}/targeting", {"version": 1}, token=key)
    assert ran.status_code == 200
    assert ran.data["rule_version"] == program.rule_sets.get().version
    funnel = api.get(f"/api/v1/cohorts/{cohort.pk}", token=key).data["funnel"]
    assert [s["removed"] for s in funnel] == [0, 1]
    page = api.get(f"/api/v1/cohorts/{cohort.pk}/candidates", token=key)
    assert [c["person_id"] for c in page.data["items"]] == [
        people["poor_a"].pk,
        people["poorer_b"].pk,
    ]
    why = api.get(
        f"/api/v1/cohorts/{cohort.pk}/people/{people['rich_a'].pk}/explanation", token=key
    )
    assert why.data["eligible"] is False
    assert why.data["steps"]["children"][0]["value"] == "9"
    bad = api.post(
        f"/api/v1/programs/{program.pk}/rules",
        {"tree": {"all": [{"field": "age", "op": "ge", "value": "x"}]}},
        token=key,
    )
    # The message names the condition by its number, in the office's language (Indonesian).
    assert bad.status_code == 400 and "Syarat 1" in bad.data["errors"]["tree"][0]
    stale = api.post(f"/api/v1/cohorts/{cohort.pk}/targeting", {"version": 1}, token=key)
    assert stale.status_code == 409
