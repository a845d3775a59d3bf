"""Background jobs of the DCI endpoints."""

from django_tasks import task

from .answers import transaction_answer


@task()
def dci_answer(transaction_pk: int) -> None:
    """Answer an asynchronous DCI request and post the answer to the client's callback."""
    transaction_answer(transaction_pk=transaction_pk)
