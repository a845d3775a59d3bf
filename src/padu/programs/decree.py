"""The beneficiary decree (SK penetapan penerima) as a PDF with the office's letterhead
(core/documents.py, as the Muskel's Berita Acara): its number, the program's legal basis, the
finalised data period the selection was based on, the amounts in figures and in words (lokal's
terbilang, as decrees write them), the beneficiary list and the signature block. Identifiers
are shown as the downloading user may see them (registry.disclosure); the view access-logs it."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from lokal import terbilang

from padu.core.documents import OfficialDocument, Signature
from padu.core.formats import rupiah
from padu.periods import months
from padu.registry.disclosure import Disclosure

from .benefit_codes import DecreeState
from .models import Award, BeneficiaryDecree


def in_words(amount: Decimal) -> str:
    """`Rp 5.000.000 (lima juta rupiah)`: whole rupiah in figures and in words."""
    whole = int(amount)
    return f"{rupiah(whole)} ({terbilang(whole, currency=True)})"


def decree_awards(decree: BeneficiaryDecree):
    """The decree's lines with who each beneficiary is, in rank order."""
    return decree.awards.select_related(
        "candidate__person__family", "candidate__family", "candidate__region"
    ).order_by("candidate__rank", "pk")


def beneficiary_row(award: Award, show: Disclosure) -> dict:
    c = award.candidate
    # A family program's candidate names his family; a person's lives in his person's.
    family = c.family or (c.person.family if c.person else None)
    return {
        "name": c.person.name if c.person else str(family),
        "identifier": show.number(c.person.nik if c.person else family.kk_number),
        "address": family.address if family else "",
        "rt_rw": f"{family.rt or '-'}/{family.rw or '-'}" if family else "",
        "kelurahan": c.region.name,
        "amount": award.amount,
    }


def decree_pdf(decree: BeneficiaryDecree, user) -> bytes:
    cohort, program = decree.cohort, decree.cohort.program
    awards = list(decree_awards(decree))
    total = sum((a.amount for a in awards), Decimal(0))
    doc = OfficialDocument(
        title=_("Decree on the beneficiaries of %(program)s") % {"program": program.name},
        number=decree.number,
        subtitle=(
            _("DRAFT — not yet approved") if decree.state == DecreeState.DRAFT else cohort.name
        ),
    )
    if program.legal_basis:
        doc.paragraph(_("Based on: %(basis)s.") % {"basis": program.legal_basis})
    doc.paragraph(
        _(
            "Considering the finalised social welfare data of period %(period)s, from which the "
            "cohort %(cohort)s was selected by the program's eligibility rules%(rules)s and "
            "verified in the field,"
        )
        % {
            "period": months.label(decree.period_id),
            "cohort": cohort.name,
            "rules": (
                _(" (version %(version)d)") % {"version": cohort.rule_set.version}
                if cohort.rule_set_id
                else ""
            ),
        }
    )
    doc.paragraph(_("DECIDES:"))
    doc.paragraph(
        _(
            "First: to determine as beneficiaries of %(program)s the %(count)d people listed in "
            "the attachment to this decree."
        )
        % {"program": program.name, "count": len(awards)}
    )
    doc.paragraph(
        _("Second: each beneficiary receives %(amount)s.") % {"amount": in_words(decree.amount)}
    )
    doc.paragraph(
        _("Third: the total of %(total)s is charged to the %(source)s budget.")
        % {"total": in_words(total), "source": program.get_funding_source_display()}
    )
    doc.paragraph(_("Fourth: this decree takes effect on the date it is set."))
    show = Disclosure(user)
    rows = [beneficiary_row(a, show) for a in awards]
    doc.table(
        [_("No."), _("Name"), _("NIK/KK"), _("Address"), _("RT/RW"), _("Kelurahan"), _("Amount")],
        [
            [
                n,
                r["name"],
                r["identifier"],
                r["address"],
                r["rt_rw"],
                r["kelurahan"],
                rupiah(r["amount"]),
            ]
            for n, r in enumerate(rows, start=1)
        ],
        widths=[9, 36, 31, 36, 13, 23, 22],
    )
    doc.paragraph(
        _("Total: %(count)d beneficiaries, %(total)s.")
        % {"count": len(rows), "total": rupiah(total)}
    )
    doc.signatures(
        [Signature(decree.signer_function, decree.signer_name)],
        place=decree.place,
        day=decree.decided_on,
    )
    return doc.render()
