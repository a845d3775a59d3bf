"""The codes of the updates workflow: what a change request asks, where it comes from, where it
stands, and the answers of the field verification form (DOMAIN.md §2.3). Labels are English
msgids translated to Indonesian."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    NEW_FAMILY = "keluarga_baru", _("New family")
    NEW_MEMBER = "anggota_baru", _("New family member")
    CHANGE = "perubahan", _("Change of data")
    # A member moves to another family, or some members form a new KK (pecah KK).
    MOVE = "pindah_kk", _("Move or KK split")
    REMOVAL = "penghapusan", _("Removal")
    OBJECTION = "sanggah", _("Objection (sanggah)")
    WITHDRAWAL = "mundur", _("Own withdrawal")


class RequestSource(models.TextChoices):
    PSM = "psm", _("PSM")
    KELURAHAN = "kelurahan", _("Kelurahan")
    TKSK = "tksk", _("TKSK")
    OPERATOR = "operator", _("Dinsos operator")
    IMPORT = "import", _("Import")
    CITIZEN = "warga", _("Citizen")


class RequestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    FIELD_VERIFICATION = "field_verification", _("In field verification")
    VERIFIED = "verified", _("Verified")
    NOT_VERIFIABLE = "not_verifiable", _("Could not be verified")
    ON_AGENDA = "on_agenda", _("On the Muskel agenda")
    AGREED = "agreed", _("Agreed in Muskel")
    REJECTED_IN_MUSKEL = "rejected_in_muskel", _("Rejected in Muskel")
    CHECKED = "checked", _("Checked by Dinsos")
    APPROVED = "approved", _("Approved and applied")
    RETURNED = "returned", _("Returned for correction")
    REJECTED = "rejected", _("Rejected")
    LAPSED = "lapsed", _("Lapsed")


# States from which nothing follows.
FINAL_STATES = frozenset({RequestState.APPROVED, RequestState.REJECTED, RequestState.LAPSED})


class RemovalReason(models.TextChoices):
    DECEASED = "meninggal", _("Deceased")
    MOVED = "pindah", _("Moved away")
    WELL_OFF = "mampu", _("Well-off")
    DUPLICATE = "ganda", _("Duplicate")
    NOT_FOUND = "tidak_ditemukan", _("Not found")
    REFUSED = "menolak", _("Refused")


class EvidenceKind(models.TextChoices):
    PHOTO = "foto", _("Photo")
    DOCUMENT = "dokumen", _("Document")


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class NotFoundReason(models.TextChoices):
    """Alasan tidak ditemukan (verval form)."""

    MOVED = "pindah", _("Moved away")
    DECEASED = "meninggal", _("Deceased")
    UNKNOWN = "tidak_tahu", _("Whereabouts unknown")
    NO_ADDRESS = "alamat_tidak_ada", _("Address not in this kelurahan")


class MemberPresence(models.IntegerChoices):
    """Status keberadaan ART (verval form), one per member in a task's checklist."""

    LIVES_HERE = 1, _("Lives in the household")
    DECEASED = 2, _("Deceased")
    MOVED = 3, _("Moved away")
    NEW = 4, _("New member")
    PRELIST_ERROR = 5, _("Wrong in the list")
    NOT_FOUND = 6, _("Not found")


class DukcapilMatch(models.TextChoices):
    MATCHED = "padan", _("Matches Dukcapil")
    NOT_MATCHED = "tidak_padan", _("Does not match Dukcapil")
    NOT_CHECKED = "belum", _("Not yet checked")


class SessionState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    DECIDED = "decided", _("Decided")


class AttendeeRole(models.TextChoices):
    RT = "rt", _("RT")
    RW = "rw", _("RW")
    LURAH = "lurah", _("Lurah")
    PSM = "psm", _("PSM")
    TKSK = "tksk", _("TKSK")
    OTHER = "lainnya", _("Other")


class MuskelDecision(models.TextChoices):
    AGREED = "agreed", _("Agreed")
    REJECTED = "rejected", _("Rejected")
