"""How people's data was read, in words: the `purpose` codes of the access log."""

from django.utils.translation import gettext_lazy as _

PATHS = {
    "person_detail": _("Person's page"),
    "family_detail": _("Family's page"),
    "person_edit": _("Person's edit form"),
    "family_edit": _("Family's edit form"),
    "person_status": _("Person's status form"),
    "family_status": _("Family's status and head form"),
    "member_add": _("Add-member form of the family"),
    "person_export": _("Download of the list of people"),
    "family_export": _("Download of the list of families"),
    "api_person_detail": _("API: one person"),
    "api_family_detail": _("API: one family"),
    "api_person_list": _("API: list of people"),
    "api_family_list": _("API: list of families"),
    "import_error_report": _("Download of an import's error report"),
    "muskel_berita_acara": _("Download of a Muskel's Berita Acara"),
    "muskel_agenda_export": _("Download of a Muskel's by-name-by-address list"),
    "request_detail": _("Change request's page"),
    "request_evidence": _("A change request's photo or document"),
    "api_request_detail": _("API: one change request"),
    "program_beneficiary": _("A program beneficiary's page"),
    "program_proof": _("A benefit's proof or a field check's photo"),
    "program_decree": _("A beneficiary decree's page"),
    "program_decree_pdf": _("Download of a beneficiary decree (PDF)"),
    "program_decree_export": _("Download of a decree's beneficiary list"),
    "api_program_beneficiary": _("API: one program beneficiary"),
}


def path_label(code: str) -> str:
    return str(PATHS.get(code, code))
