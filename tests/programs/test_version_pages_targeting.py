"""The catalogue and cohort pages send back the version they showed (a program's form, its
compatibility form and rule editor; a cohort's form, its run button; a candidate's drop): sent
from a page someone else's change made stale, the form shows that the record changed and saves
nothing; the page shown again carries the new version."""

import pytest
from django.db.models import F
from django.forms.models import model_to_dict
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.programs.codes import CandidateState as S
from padu.programs.codes import CohortState
from padu.programs.models import Candidate, Cohort, Program, ProgramCompatibility, RuleSet
from padu.programs.services.catalogue import PROGRAM_FIELDS
from tests.factories import (
    KEC_A,
    KOTA,
    CandidateFactory,
    CohortFactory,
    ProgramFactory,
    RuleSetFactory,
    make_user,
)

from .helpers import stale_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = make_user(Role.OPERATOR, scope=KOTA)
    client.force_login(user)
    return user


def _moved(model, pk) -> int:
    """Someone else changed the record since the page was shown; returns the version shown."""
    shown = model._base_manager.get(pk=pk).version
    model._base_manager.filter(pk=pk).update(version=F("version") + 1)
    return shown


def _shown_again(response, version: int) -> None:
    """The form again with the message, and the record's version now in it."""
    page = response.content.decode()
    assert stale_message() in page
    assert f'name="version" value="{version}"' in page


def _told(response) -> None:
    """Sent back to the page it came from (followed), which says that the record changed."""
    assert response.redirect_chain
    assert stale_message() in response.content.decode()


def test_the_pages_show_the_version_in_their_forms(client, operator):
    program = RuleSetFactory().program
    cohort = CohortFactory(program=program)
    Program.objects.filter(pk=program.pk).update(version=1432)
    Cohort.objects.unscoped().filter(pk=cohort.pk).update(version=2718)
    # Never written as "1.432": the page's numbers are localised, a version is not.
    for name, pk, version in [
        ("programs:detail", program.pk, 1432),
        ("programs:edit", program.pk, 1432),
        ("programs:rules", program.pk, 1432),
        ("programs:cohort_detail", cohort.pk, 2718),
        ("programs:cohort_edit", cohort.pk, 2718),
    ]:
        page = client.get(reverse(name, args=[pk])).content.decode()
        assert f'name="version" value="{version}"' in page, name


def test_a_program_edited_from_a_stale_page(client, operator):
    program = ProgramFactory(name="Lama")
    values = {k: v for k, v in model_to_dict(program, fields=PROGRAM_FIELDS).items() if v}
    shown = _moved(Program, program.pk)
    url = reverse("programs:edit", args=[program.pk])
    _shown_again(client.post(url, {**values, "name": "Baru", "version": shown}), shown + 1)
    assert Program.objects.get(pk=program.pk).name == "Lama"
    assert not AuditEntry.objects.filter(action="program.changed").exists()
    assert client.post(url, {**values, "name": "Baru", "version": shown + 1}).status_code == 302
    assert Program.objects.get(pk=program.pk).name == "Baru"


def test_a_pair_and_rules_from_a_stale_page(client, operator):
    program, other = RuleSetFactory().program, ProgramFactory()
    shown = _moved(Program, program.pk)
    pair = {"other": other.pk, "compatible": "0", "version": shown}
    _told(client.post(reverse("programs:compatibility", args=[program.pk]), pair, follow=True))
    assert not ProgramCompatibility.objects.exists()
    rules = reverse("programs:rules", args=[program.pk])
    row = {"match": "all", "field_a": "family.desil", "op_a": "le", "value_a": "3"}
    _shown_again(client.post(rules, {**row, "version": shown}), shown + 1)
    assert RuleSet.objects.filter(program=program).count() == 1
    assert client.post(rules, {**row, "version": shown + 1}).status_code == 302
    assert RuleSet.objects.filter(program=program).count() == 2
    assert not AuditEntry.objects.filter(action="program_compatibility.set").exists()


def test_a_cohort_edited_or_run_from_a_stale_page(client, operator):
    cohort = CohortFactory(name="Lama")
    shown = _moved(Cohort, cohort.pk)
    edit = reverse("programs:cohort_edit", args=[cohort.pk])
    form = {
        "name": "Baru",
        "region": KOTA,
        "quotas": f"{KEC_A} 4",
        "priority_1": "desil",
        "waiting_factor": "1",
    }
    _shown_again(client.post(edit, {**form, "version": shown}), shown + 1)
    cohort.refresh_from_db()
    assert (cohort.name, cohort.quotas.count()) == ("Lama", 0)
    run = reverse("programs:cohort_target", args=[cohort.pk])
    _told(client.post(run, {"version": shown}, follow=True))
    cohort.refresh_from_db()
    assert (cohort.state, cohort.targeted_at) == (CohortState.DRAFT, None)
    assert not AuditEntry.objects.filter(action__startswith="cohort.").exists()
    assert client.post(edit, {**form, "version": shown + 1}).status_code == 302
    assert client.post(run, {"version": shown + 2}).status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.state) == ("Baru", CohortState.TARGETED)


def test_a_candidate_dropped_from_a_stale_list(client, operator):
    candidate = CandidateFactory(state=S.CANDIDATE)
    shown = _moved(Candidate, candidate.pk)
    url = reverse("programs:candidate_drop", args=[candidate.pk])
    _told(client.post(url, {"reason": "Pindah", "version": shown}, follow=True))
    assert Candidate.objects.unscoped().get(pk=candidate.pk).state == S.CANDIDATE
    assert client.post(url, {"reason": "Pindah", "version": shown + 1}).status_code == 302
    assert Candidate.objects.unscoped().get(pk=candidate.pk).state == S.DROPPED


def test_a_version_that_is_no_number_is_a_bad_request(client, operator):
    program = ProgramFactory(name="Lama")
    values = {k: v for k, v in model_to_dict(program, fields=PROGRAM_FIELDS).items() if v}
    sent = client.post(
        reverse("programs:edit", args=[program.pk]), {**values, "name": "Baru", "version": "x"}
    )
    assert sent.status_code == 400
    assert Program.objects.get(pk=program.pk).name == "Lama"
