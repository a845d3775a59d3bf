"""Objects the tests of beneficiaries, benefits, groups and training share."""

import datetime
from decimal import Decimal

from padu.periods.models import Period
from padu.programs.codes import CandidateState
from padu.programs.models import Award, BeneficiaryDecree
from tests.factories import JPEG_BYTES, CandidateFactory

PHOTO = ("foto.jpg", JPEG_BYTES)
DAY = datetime.date(2026, 1, 20)  # before the `clock` fixture's today (2026-01-31)


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


ENROLLED = CandidateState.ENROLLED
