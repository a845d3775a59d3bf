"""Forms of the moves between families and dwellings (a family into another dwelling, a KK
split, a member into another family) and of the dwelling a new family names: each a form, then
a confirmation, then the service (`registry/views/households.py`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from padu.core.records.derive import form_fields
from padu.core.records.forms import RecordForm
from padu.core.schemas import DB_INT_MAX

from .declarations import DWELLING, FAMILY, PERSON
from .declarations.dwelling import HOUSING_FIELDS
from .forms import DwellingForm


def relationship_choices() -> list:
    """The KK codes of a relationship to the head, as the person's declared field offers them."""
    field = PERSON["relationship"]
    return form_fields(field.kind, field)[field.name].choices


class TransitionFields(forms.Form):
    """What every move of people or families asks: why (kept in the history)."""

    required_css_class = "required"

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Required, kept in the history. E.g. a new KK issued, or a home visit."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DwellingPick(forms.Form):
    """Where a family lives: one of `options` (`SAME`, `OWN` a new dwelling, `OTHER` an existing
    one named by `reference`, which the view looks up inside the user's area)."""

    SAME, OWN, OTHER = "same", "own", "other"
    LABELS = {
        SAME: _("Stays in the same dwelling"),
        OWN: _("A new dwelling of its own"),
        OTHER: _("Another dwelling, already registered"),
    }

    where = forms.ChoiceField(label=_("Dwelling"), widget=forms.RadioSelect)
    reference = forms.CharField(
        label=_("Dwelling ID, KK number or NIK of someone living there"),
        required=False,
        max_length=40,
        help_text=_("For another dwelling: its ID (e.g. R-1A2B3C4D5E), or a family's KK number."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, options=(OWN, OTHER), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["where"].choices = [(o, self.LABELS[o]) for o in options]
        self.fields["where"].initial = options[0]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("where") and not self.fields["where"].required:
            cleaned["where"] = self.fields["where"].initial
        if cleaned.get("where") == self.OTHER and not cleaned.get("reference", "").strip():
            self.add_error(
                "reference", _("Enter the dwelling's ID, a KK number or a member's NIK.")
            )
        return cleaned

    def not_found(self) -> None:
        self.add_error(
            "reference",
            _("No dwelling with this ID, KK number or NIK was found in your area."),
        )


class RegisterDwellingForm(DwellingPick, RecordForm):
    """Where a family being registered lives: a new dwelling with its housing attributes (the
    dwelling's declared fields), or an existing one."""

    record = DWELLING
    exclude = DwellingForm.exclude

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not chosen (a form of an older page, a client posting only the family): a new one.
        self.fields["where"].required = False

    def housing_fields(self):
        return self.group("housing") + self.group("assets")

    def housing(self) -> dict:
        """The housing attributes entered, for a new dwelling (a data dict)."""
        data = self.to_data()
        return {k: data[k] for k in HOUSING_FIELDS}


class FamilyDwellingForm(DwellingPick, TransitionFields):
    """The family moves into another dwelling, or into one of its own."""


class FamilySplitForm(DwellingPick, TransitionFields, RecordForm):
    """Members leave to form a new family: its KK number (the declared field), for each active
    member but the head either "stays" or his relationship to the new head (exactly one "head
    of family": the new head), and where the new family lives."""

    record = FAMILY
    exclude = tuple(f.name for f in FAMILY.writable if f.name != "kk_number")
    STAYS = ""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, options=(self.SAME, self.OWN, self.OTHER), **kwargs)
        choices = [(self.STAYS, _("— stays in this family —")), *relationship_choices()[1:]]
        self.members = list(members)
        for person in self.members:
            self.fields[self.member_key(person)] = forms.TypedChoiceField(
                label=person.name, choices=choices, coerce=int, required=False, empty_value=None
            )

    @staticmethod
    def member_key(person) -> str:
        return f"member_{person.pk}"

    def member_fields(self) -> list:
        return [self[self.member_key(p)] for p in self.members]

    def leaving(self) -> list[tuple]:
        """(person, relationship to the new head) of each member who leaves."""
        return [
            (p, self.cleaned_data[self.member_key(p)])
            for p in self.members
            if self.cleaned_data.get(self.member_key(p)) is not None
        ]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(self.member_key(p)) is not None for p in self.members):
            self.add_error(None, _("Members: choose who leaves to form the new family."))
        return cleaned


class MemberMoveForm(TransitionFields):
    """The member moves to another family (chosen among the search's results, `family`) with
    his relationship to its head."""

    # The search's results are radio buttons the template writes (a family's id).
    family = forms.IntegerField(label=_("New family"), min_value=1, max_value=DB_INT_MAX)
    relationship = forms.TypedChoiceField(
        label=_("Relationship to the head of the new family"), coerce=int, choices=()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relationship"].choices = relationship_choices()
        self.fields["family"].error_messages["required"] = _(
            "Choose the new family among the search results."
        )
        self.fields = {k: self.fields[k] for k in ("family", "relationship", "reason")}
