"""Objects the tests of beneficiaries, benefits, decrees, groups and training share."""

import datetime
from decimal import Decimal

from django.utils import translation
from django.utils.html import escape

from padu.accounts.capabilities import Role
from padu.periods.models import Period
from padu.programs.benefit_codes import GroupRole
from padu.programs.codes import CandidateState
from padu.programs.models import Award, BeneficiaryDecree, BenefitGroup
from padu.programs.services.groups import group_member_add
from tests.factories import (
    JPEG_BYTES,
    KEL_A,
    BenefitGroupFactory,
    CandidateFactory,
    PersonFactory,
    make_user,
)

PHOTO = ("foto.jpg", JPEG_BYTES)
DAY = datetime.date(2026, 1, 20)  # before the `clock` fixture's today (2026-01-31)


def stale_message() -> str:
    """The message a page shows for a form sent from a stale page, in the office's language
    (escaped as the page writes it)."""
    with translation.override("id"):
        return escape(
            translation.gettext(
                "Someone else changed this record after you opened it; nothing was saved. "
                "Check it as it is now, then try again."
            )
        )


def closed_period(month: int = 202512) -> Period:
    return Period.objects.get_or_create(month=month, defaults={"status": Period.Status.CLOSED})[0]


def candidate_in(state: str, amount: Decimal | None = None, **kwargs):
    """A candidate already in `state`; with `amount`, on an approved decree granting it."""
    candidate = CandidateFactory(state=state, **kwargs)
    if amount is not None:
        decree = BeneficiaryDecree.objects.create(
            cohort=candidate.cohort,
            region_id=candidate.cohort.region_id,
            number=f"SK/{candidate.pk}",
            decided_on=DAY,
            period=closed_period(),
            amount=amount,
            place="Padang",
            signer_function="Kepala Dinas Sosial",
            state="approved",
        )
        Award.objects.create(
            decree=decree, candidate=candidate, region_id=candidate.region_id, amount=amount
        )
    return candidate


def decree_values(number: str = "400/12/SK-DINSOS/2026") -> dict:
    """What the decree form asks, for `decree_prepare`."""
    return {
        "number": number,
        "decided_on": DAY,
        "period": closed_period(),
        "amount": "5000000",
        "place": "Padang",
        "signer_function": "Kepala Dinas Sosial",
    }


def group_to_form() -> BenefitGroup:
    """A forming KUBE of kecamatan A with a bank account and five members, three of them its
    officers: ready to be confirmed formed."""
    group = BenefitGroupFactory(
        bank_name="Bank Nagari", bank_account_number="2101-0123", bank_account_holder="KUBE"
    )
    operator = make_user(Role.OPERATOR)
    roles = (GroupRole.CHAIR, GroupRole.SECRETARY, GroupRole.TREASURER, *[GroupRole.MEMBER] * 2)
    for role in roles:
        group_member_add(
            actor=operator, group=group, person=PersonFactory(family__region_id=KEL_A), role=role
        )
    group.refresh_from_db()
    return group


ENROLLED = CandidateState.ENROLLED
