"""A DCI transaction: one request a client sent (search or txn-status), what became of it, and
the delivery of its callback.

It keeps no personal data beyond the request itself, and only until it is answered: the search
is run when the callback is sent (`services.transaction_process`), the records go out in the
callback and are not stored, and `request` is emptied once answered. What stays is what
`registry/txn/status` reports: per reference_id, the status, the reason and the number of
records found. A transaction belongs to the client (`user`) that sent it; only that client reads
it back (`selectors.transaction_find`), so it has no region and no ScopedManager. It is kept
`PADU_DCI_TRANSACTION_RETENTION_DAYS` days (`padu dci prune`, `services.transactions_prune`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.core.models import BaseModel


class DciTransaction(BaseModel):
    class Action(models.TextChoices):
        SEARCH = "search", _("search")
        TXN_STATUS = "txn-status", _("transaction status")

    class Status(models.TextChoices):
        """The standard's request status (RequestStatus)."""

        RECEIVED = "rcvd", _("received")
        PENDING = "pdng", _("pending")
        SUCCEEDED = "succ", _("succeeded")
        REJECTED = "rjct", _("rejected")

    class Delivery(models.TextChoices):
        NONE = "", _("no callback (synchronous)")
        QUEUED = "queued", _("callback queued")
        SENDING = "sending", _("callback being sent")
        DELIVERED = "delivered", _("callback delivered")
        FAILED = "failed", _("callback failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    synchronous = models.BooleanField(_("synchronous"), default=False)
    transaction_id = models.CharField(_("transaction id"), max_length=99, blank=True)
    correlation_id = models.CharField(_("correlation id"), max_length=99, unique=True)
    message_id = models.CharField(_("message id"), max_length=200)
    sender_id = models.CharField(_("sender id"), max_length=200)
    callback_url = models.URLField(_("callback address"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    client_ip = models.GenericIPAddressField(_("client IP address"), null=True, blank=True)
    request = models.JSONField(_("request"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=4, choices=Status.choices, default=Status.RECEIVED
    )
    # Per reference_id: status, reason, message, timestamp and the number of records found.
    outcome = models.JSONField(_("outcome"), default=list, blank=True)
    delivery = models.CharField(
        _("callback"), max_length=10, choices=Delivery.choices, default=Delivery.NONE, blank=True
    )
    delivery_error = models.CharField(_("callback error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("callback sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("DCI transaction")
        verbose_name_plural = _("DCI transactions")
        indexes = [
            models.Index(fields=["user", "transaction_id"], name="dci_txn_user_txn_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "message_id"], name="dci_txn_user_message"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.correlation_id}"


class DciClientKey(BaseModel):
    """A DCI client's signing key: the public half of an ed25519 key the client signs its
    requests with (`signing.verify`), registered by the office (`padu dci key-add`). A client with
    an active key must sign every request. The key id is the `{unique_key_id}` of the
    signature's kidId; a revoked key stays for the record and verifies nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="dci_keys",
    )
    key_id = models.CharField(_("key id"), max_length=100)
    public_key = models.CharField(_("public key (base64)"), max_length=100)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("DCI client signing key")
        verbose_name_plural = _("DCI client signing keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key_id"], name="dci_key_user_key_id"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}|{self.key_id}"
