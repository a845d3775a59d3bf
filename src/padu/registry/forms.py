"""Forms of the family and person pages. The record forms' fields are the declarations'
(`core.records.forms.RecordForm`); every rule is the service's (`registry.services`, applying the
declarations), whose errors the views put back on these forms."""

from django import forms
from django.db.models import Q
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from padu.core.records.forms import RecordForm
from padu.regions.models import Region
from padu.regions.selectors import village_choices

from . import codes
from .declarations import DESIL_ENTRY, DWELLING, FAMILY, PERSON, PERSON_DISABILITY, PPKS_ASSESSMENT
from .declarations.dwelling import HOUSING_FIELDS
from .importer.layout import COLUMNS
from .models import PPKSCategory


class ChangeFields(forms.Form):
    """The version the user started from, and why he changes the record."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        help_text=_("Kept in the record's history, e.g. “checked at a home visit”."),
    )


def village_groups(*, user, keep: str | None = None) -> dict[str, list]:
    """The kelurahan valid today in the user's area, grouped by kecamatan name; with `keep`, a
    record's own code as well, marked as ended when a decree ended it."""
    groups: dict[str, list] = {}
    villages = list(village_choices(user=user).select_related("parent"))
    if keep and keep not in {v.code for v in villages}:
        villages += list(Region.objects.filter(code=keep).select_related("parent"))
    for village in villages:
        parent = village.parent.name if village.parent else ""
        label = village.name
        if village.is_ended:
            label = _("%(name)s (ended)") % {"name": village.name}
        groups.setdefault(parent, []).append((village.code, label))
    return groups


class FamilyForm(RecordForm):
    record = FAMILY
    # The desil comes from DTSEN imports and its own corrections, not from this form.
    exclude = ("desil", "desil_period")

    def __init__(self, *args, user, keep_region: str | None = None, **kwargs):
        """`keep_region`: the family's own kelurahan, offered even when a newer decree ended
        it (a family on an ended code keeps it until someone re-codes it); otherwise only the
        codes valid today are offered."""
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            ("", _("— choose —")),
            *village_groups(user=user, keep=keep_region).items(),
        ]

    def address_fields(self):
        return self.group("address")

    def livestock_fields(self):
        return self.group("livestock")


class FamilyEditForm(ChangeFields, FamilyForm):
    pass


class DwellingForm(ChangeFields, RecordForm):
    """The housing attributes of a dwelling (its ID, kelurahan and address follow its
    families)."""

    record = DWELLING
    exclude = tuple(f.name for f in DWELLING.fields if f.name not in HOUSING_FIELDS)

    def housing_fields(self):
        return self.group("housing")


class PersonForm(RecordForm):
    record = PERSON
    group_titles = {
        "identity": _("Identity"),
        "work": _("Education and work"),
        "health": _("Disability and health"),
        "social": _("Social welfare"),
    }

    def __init__(self, *args, ppks_kept=(), ppks_categories=None, **kwargs):
        """`ppks_kept`: the codes the person has now (a retired category stays choosable for
        him); `ppks_categories`: all categories, when the caller already loaded them."""
        super().__init__(*args, **kwargs)
        kept = set(ppks_kept)
        if ppks_categories is None:
            ppks_categories = PPKSCategory.objects.filter(Q(is_active=True) | Q(code__in=kept))
        choices = []
        for category in ppks_categories:
            if not category.is_active and category.code not in kept:
                continue
            label = f"{category.code}. {category.name}"
            if not category.is_active:
                label = _("%(category)s (no longer used)") % {"category": label}
            choices.append((category.code, label))
        self.fields["ppks"].choices = sorted(choices)


class PersonEditForm(ChangeFields, PersonForm):
    pass


class MemberBaseFormSet(forms.BaseFormSet):
    def hold_errors(self):
        self._non_form_errors = ErrorList()
        for form in self.forms:
            form.hold_errors()


MemberFormSet = forms.formset_factory(
    PersonForm,
    formset=MemberBaseFormSet,
    extra=0,
    min_num=1,
    max_num=30,
    absolute_max=30,
    validate_max=True,
    can_delete=True,
)
MEMBERS_PREFIX = "members"


class StatusForm(forms.Form):
    required_css_class = "required"

    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Required. E.g. the date and source of a death report, or the new address."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses


class PersonStatusForm(StatusForm):
    new_head = forms.TypedChoiceField(
        label=_("New head of family"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Needed when the head of family leaves while other members stay."),
    )

    def __init__(self, *args, successors=(), **kwargs):
        super().__init__(*args, **kwargs)
        if successors:
            self.fields["new_head"].choices = [
                ("", _("— choose —")),
                *[(p.pk, p.name) for p in successors],
            ]
        else:
            del self.fields["new_head"]


class HeadChangeForm(forms.Form):
    required_css_class = "required"

    new_head = forms.TypedChoiceField(label=_("New head of family"), coerce=int)
    former_head_relationship = forms.TypedChoiceField(
        label=_("The former head becomes"),
        coerce=int,
        choices=[
            ("", _("— choose —")),
            *[c for c in codes.Relationship.choices if c[0] != codes.Relationship.HEAD],
        ],
        required=False,
        help_text=_(
            "How the former head is related to the new head, if still living in the family."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, candidates, has_head: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_head"].choices = [
            ("", _("— choose —")),
            *[(p.pk, p.name) for p in candidates],
        ]
        if has_head:
            self.fields["former_head_relationship"].required = True
        else:
            del self.fields["former_head_relationship"]


class PPKSCategoryForm(forms.Form):
    required_css_class = "required"

    code = forms.IntegerField(
        label=_("Code"),
        min_value=1,
        max_value=32767,
        help_text=_(
            "A number of its own; it cannot be changed later, because records refer to it."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    source = forms.CharField(
        label=_("Legal source"),
        max_length=120,
        required=False,
        help_text=_("E.g. Permensos 08/2012."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]


class PPKSStatusForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ImportUploadForm(forms.Form):
    """The registry file to import, and its source (whose remembered column mapping is offered
    when the file is not in the import layout): the file itself is checked by
    `importer.sources.import_receive`, whose `ImportFileError` the view puts on this field."""

    file = forms.FileField(
        label=_("Registry file (CSV or XLSX)"),
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    source = forms.CharField(
        label=_("Source of the file (optional)"),
        required=False,
        max_length=120,
        help_text=_(
            "For a file not in Padu's layout, e.g. “Kelurahan Koto Tangah BNBA”: the columns are "
            "matched as they were for the last file from this source."
        ),
    )


class ImportMappingForm(forms.Form):
    """The columns of a file from another source matched to the import layout's fields: one
    choice per heading (`column_<i>`), the kelurahan of every row when the file has no column
    for it, whether each row is a head of family, and the source whose mapping is remembered.
    The rules across the choices are `importer.mapping.build`'s."""

    source = forms.CharField(
        label=_("Source of the file"),
        required=False,
        max_length=120,
        help_text=_(
            "E.g. “Kelurahan Koto Tangah BNBA”. The matching is remembered for the next file "
            "from the same source."
        ),
    )
    region = forms.ChoiceField(label=_("Kelurahan/desa of every row"), required=False)
    heads_only = forms.BooleanField(
        label=_("Each row is a head of family (the file lists families by their heads)"),
        required=False,
    )

    def __init__(self, *args, user, headings, **kwargs):
        super().__init__(*args, **kwargs)
        options = [("", _("— not imported —"))] + [
            (c.name, f"{c.field.title()} ({c.name})") for c in COLUMNS
        ]
        self.headings = list(headings)
        for index, heading in enumerate(self.headings):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=heading or _("(empty heading)"), choices=options, required=False
            )
        self.fields["region"].choices = [
            ("", _("— from the file —")),
            *village_groups(user=user).items(),
        ]

    def column_fields(self):
        """(heading, bound field) of each column of the file."""
        return [(heading, self[f"column_{i}"]) for i, heading in enumerate(self.headings)]

    def chosen(self) -> list[str]:
        return [self.cleaned_data.get(f"column_{i}") or "" for i in range(len(self.headings))]


class DisabilityForm(RecordForm):
    """One assessment of a type of the person's disability (`services.person_disability_record`)."""

    record = PERSON_DISABILITY


class DisabilityEndForm(forms.Form):
    required_css_class = "required"

    ended_on = forms.DateField(
        label=_("Ended on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Required. E.g. a new doctor's letter, or a wrong record."),
    )


class PPKSAssessmentForm(RecordForm):
    """One assessment of the person against a PPKS category (`services.person_ppks_assess`):
    the category is chosen among those in use."""

    record = PPKS_ASSESSMENT

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = PPKSCategory.objects.filter(is_active=True).order_by("code")
        self.fields = {
            "category": forms.TypedChoiceField(
                label=_("PPKS category"),
                coerce=int,
                choices=[("", _("— choose —")), *((c.code, str(c)) for c in categories)],
            ),
            **self.fields,
        }
        self.fields["evidence"].widget = forms.Textarea(attrs={"rows": 3})


class DesilCorrectionForm(RecordForm):
    """On the desil page: the corrected desil and its period (the desil entry's declared fields),
    the version the user read, and why."""

    record = DESIL_ENTRY

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        help_text=_("Required. E.g. the letter from BPS or the verification that shows the error."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- who lives where: a family's dwelling, a split, a member's move (services.dwellings, .splits)
