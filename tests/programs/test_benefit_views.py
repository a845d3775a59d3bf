"""The programs' pages beyond the permission matrix: what they show, their downloads, and that
each is recorded."""

from decimal import Decimal

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.core.models import AccessLog, AuditEntry
from padu.programs.codes import CandidateState as S
from padu.programs.services.benefits import disbursement_record
from tests.factories import downloaded, make_user

from .helpers import DAY, PHOTO, candidate_in

pytestmark = pytest.mark.django_db


def _login(client, role):
    user = make_user(role)
    client.force_login(user)
    return user


def test_the_person_page_loads_his_programs(client):
    enrolled = candidate_in(S.ENROLLED)
    exited = candidate_in(S.EXITED, person=enrolled.person)
    _login(client, Role.PIMPINAN)
    page = client.get(reverse("registry:person_detail", args=[enrolled.person_id]))
    url = reverse("beneficiaries:person_programs", args=[enrolled.person_id])
    assert url in page.content.decode()
    fragment = client.get(url).content.decode()
    assert enrolled.cohort.program.name in fragment
    assert exited.cohort.program.name in fragment
    family = client.get(reverse("beneficiaries:family_programs", args=[enrolled.person.family_id]))
    assert enrolled.cohort.program.name in family.content.decode()


def test_a_field_worker_without_programs_sees_no_section(client):
    candidate = candidate_in(S.ENROLLED)
    _login(client, Role.KELURAHAN)
    page = client.get(reverse("registry:person_detail", args=[candidate.person_id]))
    assert "beneficiaries" not in page.content.decode()


def test_the_beneficiary_page_offers_the_next_steps_and_is_logged(client):
    candidate = candidate_in(S.DELIVERED)
    _login(client, Role.OPERATOR)
    page = client.get(reverse("beneficiaries:detail", args=[candidate.pk])).content.decode()
    assert 'value="complete"' in page and 'value="exit"' in page
    assert 'value="reject"' not in page
    assert AccessLog.objects.filter(purpose="program_beneficiary").count() == 1


def test_a_refused_payment_shows_the_reason_and_writes_nothing(client, clock):
    candidate = candidate_in(S.ENROLLED, amount=Decimal(1_000_000))
    _login(client, Role.OPERATOR)
    response = client.post(
        reverse("beneficiaries:disburse", args=[candidate.pk]),
        {"amount": "2000000", "paid_on": "2026-01-10", "channel": "transfer", "proofs": []},
    )
    assert response.status_code == 400
    assert "Proof" in response.content.decode() or "Bukti" in response.content.decode()
    assert not candidate.disbursements.exists()


def test_the_decree_pages_pdf_and_list(client, clock):
    from padu.programs.services.decrees import decree_prepare

    from .helpers import closed_period

    candidate = candidate_in(S.VERIFIED)
    decree = decree_prepare(
        actor=make_user(Role.OPERATOR),
        cohort=candidate.cohort,
        number="400/7/SK/2026",
        decided_on=DAY,
        period=closed_period(),
        amount="6000000",
        place="Padang",
        signer_function="Kepala Dinas Sosial",
    )
    _login(client, Role.PIMPINAN)
    detail = client.get(reverse("decrees:detail", args=[decree.pk])).content.decode()
    assert "enam juta rupiah" in detail
    assert client.post(reverse("decrees:approve", args=[decree.pk])).status_code == 302
    candidate.refresh_from_db()
    assert candidate.state == S.APPROVED
    pdf = client.get(reverse("decrees:pdf", args=[decree.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    listing = downloaded(client.get(reverse("decrees:export", args=[decree.pk]) + "?format=csv"))
    assert candidate.person.name in listing.decode("utf-8-sig")
    assert candidate.person.nik not in listing.decode("utf-8-sig")  # a leader exports masked
    decrees = downloaded(client.get(reverse("decrees:list") + "?format=xlsx"))
    assert decrees.startswith(b"PK")
    assert AuditEntry.objects.filter(action="programs.decree.exported").count() == 1
    assert AuditEntry.objects.filter(action="programs.decree.list_exported").count() == 1


def test_the_disbursement_report(client, clock):
    candidate = candidate_in(S.ENROLLED, amount=Decimal(5_000_000))
    disbursement_record(
        actor=make_user(Role.OPERATOR),
        candidate=candidate,
        amount="1250000",
        paid_on=DAY,
        channel="transfer",
        proofs=[PHOTO],
    )
    _login(client, Role.OPERATOR)
    page = client.get(reverse("beneficiaries:disbursements")).content.decode()
    assert "Rp\xa01.250.000" in page
    assert "20 Januari 2026" in page
    csv = downloaded(client.get(reverse("beneficiaries:disbursements") + "?format=csv"))
    text = csv.decode("utf-8-sig")
    assert candidate.person.name in text and "1250000" in text
    assert AuditEntry.objects.filter(action="programs.disbursement.exported").count() == 1


def test_the_beneficiary_list_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(5):
        candidate_in(S.ENROLLED)
    _login(client, Role.OPERATOR)
    url = reverse("beneficiaries:list")
    client.get(url)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
