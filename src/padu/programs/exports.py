"""The programs' downloads (CSV/XLSX through core.exports): the list of decrees, a decree's
beneficiaries (by name, by address; identifiers as the downloading user may export them), and
the disbursement report."""

from __future__ import annotations

from django.utils.translation import gettext as _

from padu.core.exports import Table
from padu.registry.disclosure import Disclosure

from .decree import beneficiary_row, decree_awards


def decree_list_table(decrees) -> Table:
    return Table(
        [
            _("Number"),
            _("Date"),
            _("Program"),
            _("Cohort"),
            _("Data period"),
            _("State"),
            _("Beneficiaries"),
            _("Amount each (Rp)"),
            _("Total (Rp)"),
        ],
        (
            [
                d.number,
                d.decided_on,
                d.cohort.program.code,
                d.cohort.name,
                d.period.text,
                d.get_state_display(),
                d.beneficiaries,
                int(d.amount),
                int(d.total or 0),
            ]
            for d in decrees
        ),
        title=_("Beneficiary decrees"),
    )


def decree_beneficiaries_table(decree, user) -> Table:
    show = Disclosure.for_export(user)
    rows = [beneficiary_row(a, show) for a in decree_awards(decree)]
    return Table(
        [
            _("No."),
            _("Name"),
            _("NIK/KK"),
            _("Address"),
            _("RT/RW"),
            _("Kelurahan"),
            _("Amount (Rp)"),
        ],
        (
            [
                n,
                r["name"],
                r["identifier"],
                r["address"],
                r["rt_rw"],
                r["kelurahan"],
                int(r["amount"]),
            ]
            for n, r in enumerate(rows, start=1)
        ),
        title=_("Decree %(number)s") % {"number": decree.number},
    )


def disbursement_table(disbursements, user) -> Table:
    show = Disclosure.for_export(user)

    def recipient(d):
        if d.group_id:
            return d.group.name, ""
        c = d.candidate
        if c.person_id:
            return c.person.name, show.number(c.person.nik)
        return str(c.family), show.number(c.family.kk_number)

    return Table(
        [
            _("Paid on"),
            _("Program"),
            _("Recipient"),
            _("NIK/KK"),
            _("Area"),
            _("Amount (Rp)"),
            _("Channel"),
            _("Transaction reference"),
        ],
        (
            [
                d.paid_on,
                d.program.code,
                *recipient(d),
                d.region.name,
                int(d.amount),
                d.get_channel_display(),
                d.reference,
            ]
            for d in disbursements
        ),
        title=_("Disbursement report"),
    )
