"""Forms of the family and person pages. They only shape input: every rule is the service's
(`registry.services`, `registry.validation`), whose errors the views put back on these forms."""

from django import forms
from django.db.models import Q
from django.forms.utils import ErrorDict, ErrorList
from django.utils.translation import gettext_lazy as _

from padu.regions.selectors import village_choices

from . import codes
from .models import PPKSCategory

NUMERIC = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
DISABILITY_FIELDS = {
    codes.DisabilityType.PHYSICAL: "disability_physical",
    codes.DisabilityType.INTELLECTUAL: "disability_intellectual",
    codes.DisabilityType.MENTAL: "disability_mental",
    codes.DisabilityType.SENSORY: "disability_sensory",
}
NOT_RECORDED = ("", _("— not recorded —"))


def _coded(label, choices, *, required=False, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("— choose —") if required else NOT_RECORDED[1]), *choices],
        coerce=int,
        empty_value=None,
        required=required,
        help_text=help_text,
    )


def _text_value(value):
    return "" if value is None else value


class QuietErrorsMixin:
    """`hold_errors()` keeps a bound form from validating when it is shown again only to add a
    member (the user has not asked to save yet)."""

    def hold_errors(self):
        self._errors = ErrorDict()
        self.cleaned_data = {}


class ChangeFields(forms.Form):
    """The version the user started from, and why he changes the record."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        help_text=_("Kept in the record's history, e.g. “checked at a home visit”."),
    )


class FamilyForm(QuietErrorsMixin, forms.Form):
    required_css_class = "required"

    kk_number = forms.CharField(
        label=_("KK number"),
        max_length=16,
        help_text=_("16 digits, as on the family card (Kartu Keluarga)."),
        widget=forms.TextInput(attrs=NUMERIC),
    )
    region = forms.ChoiceField(label=_("Kelurahan/desa"))
    rw = forms.CharField(
        label=_("RW"), max_length=3, required=False, widget=forms.TextInput(attrs=NUMERIC)
    )
    rt = forms.CharField(
        label=_("RT"), max_length=3, required=False, widget=forms.TextInput(attrs=NUMERIC)
    )
    address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Optional, in decimal degrees, e.g. -0.947100."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Optional, e.g. 100.417200."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    ownership = _coded(_("House ownership"), codes.Ownership.choices)
    floor_area = forms.IntegerField(
        label=_("Floor area (m²)"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    floor_material = _coded(_("Floor material"), codes.FloorMaterial.choices)
    wall_material = _coded(_("Wall material"), codes.WallMaterial.choices)
    roof_material = _coded(_("Roof material"), codes.RoofMaterial.choices)
    water_source = _coded(_("Drinking water source"), codes.WaterSource.choices)
    lighting = _coded(_("Lighting"), codes.Lighting.choices)
    cooking_fuel = _coded(_("Cooking fuel"), codes.CookingFuel.choices)
    toilet = _coded(_("Toilet facility"), codes.Toilet.choices)
    assets = forms.MultipleChoiceField(
        label=_("Assets the family owns"),
        required=False,
        choices=codes.Asset.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    HOUSING = (
        "ownership",
        "floor_area",
        "floor_material",
        "wall_material",
        "roof_material",
        "water_source",
        "lighting",
        "cooking_fuel",
        "toilet",
    )
    ADDRESS = ("kk_number", "region", "rw", "rt", "address", "latitude", "longitude")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list] = {}
        for village in village_choices(user=user).select_related("parent"):
            parent = village.parent.name if village.parent else ""
            groups.setdefault(parent, []).append((village.code, village.name))
        choices = [("", _("— choose —"))]
        choices += list(groups.items())
        self.fields["region"].choices = choices
        for kind in codes.Livestock:
            self.fields[f"livestock_{kind.value}"] = forms.IntegerField(
                label=kind.label,
                required=False,
                min_value=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def livestock_fields(self):
        return [self[f"livestock_{kind.value}"] for kind in codes.Livestock]

    def housing_fields(self):
        return [self[name] for name in self.HOUSING]

    def address_fields(self):
        return [self[name] for name in self.ADDRESS]

    def to_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in (*self.ADDRESS, *self.HOUSING)}
        for name in ("kk_number", "rw", "rt", "address"):
            data[name] = data[name] or ""
        data["assets"] = list(self.cleaned_data.get("assets") or [])
        data["livestock"] = {
            kind.value: count
            for kind in codes.Livestock
            if (count := self.cleaned_data.get(f"livestock_{kind.value}"))
        }
        return data

    @classmethod
    def initial_from_data(cls, data: dict) -> dict:
        """Form values from a service data dict (or a family's current values)."""
        initial = {name: _text_value(data.get(name)) for name in (*cls.ADDRESS, *cls.HOUSING)}
        initial["assets"] = list(data.get("assets") or [])
        for kind, count in (data.get("livestock") or {}).items():
            initial[f"livestock_{kind}"] = count
        return initial

    @classmethod
    def initial_from_family(cls, family) -> dict:
        data = {
            name: getattr(family, name) for name in (*cls.ADDRESS, *cls.HOUSING) if name != "region"
        }
        return cls.initial_from_data(
            {
                **data,
                "region": family.region_id,
                "assets": family.assets,
                "livestock": family.livestock,
            }
        )


class FamilyEditForm(ChangeFields, FamilyForm):
    pass


class PersonForm(QuietErrorsMixin, forms.Form):
    required_css_class = "required"

    nik = forms.CharField(
        label=_("NIK"),
        max_length=16,
        help_text=_("16 digits. Digits 7–12 are the date of birth; a woman's day has 40 added."),
        widget=forms.TextInput(attrs=NUMERIC),
    )
    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        help_text=_("As written on the KK."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=codes.Sex.choices, widget=forms.RadioSelect)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=80, required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("As on the KK or the birth certificate."),
    )
    relationship = _coded(
        _("Relationship to the head of family"), codes.Relationship.choices, required=True
    )
    marital_status = _coded(_("Marital status"), codes.MaritalStatus.choices)
    mother_name = forms.CharField(label=_("Mother's name"), max_length=120, required=False)
    education = _coded(_("Education"), codes.Education.choices)
    employment = _coded(_("Employment status"), codes.Employment.choices)
    occupation = forms.CharField(label=_("Occupation"), max_length=120, required=False)
    income = forms.IntegerField(
        label=_("Monthly income (Rp)"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    disability = forms.MultipleChoiceField(
        label=_("Disability"),
        required=False,
        choices=codes.DisabilityType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose every type that applies; more than one is recorded as multiple (ganda)."
        ),
    )
    disability_severity = forms.ChoiceField(
        label=_("Disability severity"),
        required=False,
        choices=[NOT_RECORDED, *codes.DisabilitySeverity.choices],
    )
    disability_note = forms.CharField(
        label=_("Disability detail"),
        max_length=200,
        required=False,
        help_text=_("E.g. low vision, uses a wheelchair."),
    )
    chronic_illness = forms.CharField(label=_("Chronic illness"), max_length=200, required=False)
    ppks = forms.TypedMultipleChoiceField(
        label=_("PPKS categories"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    dukcapil_status = forms.ChoiceField(
        label=_("Dukcapil match"),
        choices=codes.DukcapilStatus.choices,
        initial=codes.DukcapilStatus.UNCHECKED,
    )

    IDENTITY = (
        "nik",
        "name",
        "sex",
        "birth_place",
        "birth_date",
        "relationship",
        "marital_status",
        "mother_name",
    )
    WORK = ("education", "employment", "occupation", "income")
    HEALTH = ("disability", "disability_severity", "disability_note", "chronic_illness")
    SOCIAL = ("ppks", "dukcapil_status")
    # The service's names for the form's fields, where they differ.
    SERVICE_FIELDS = dict.fromkeys(DISABILITY_FIELDS.values(), "disability")

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

    def groups(self) -> list[dict]:
        """The fields in four groups; `open` when a group holds an error or something entered
        (a collapsed group would hide it)."""
        out = []
        for title, names in (
            (_("Identity"), self.IDENTITY),
            (_("Education and work"), self.WORK),
            (_("Disability and health"), self.HEALTH),
            (_("Social welfare"), self.SOCIAL),
        ):
            fields = [self[n] for n in names]
            entered = self.is_bound and any(
                bf.data not in (None, "", [], False) and str(bf.data) != str(bf.initial or "")
                for bf in fields
            )
            out.append(
                {
                    "title": title,
                    "fields": fields,
                    "open": entered or any(bf.errors for bf in fields),
                }
            )
        return out

    def to_data(self) -> dict:
        c = self.cleaned_data
        data = {
            name: c.get(name)
            for name in (
                *self.IDENTITY,
                *self.WORK,
                "disability_severity",
                "disability_note",
                "chronic_illness",
            )
        }
        for name in (
            "birth_place",
            "mother_name",
            "occupation",
            "disability_severity",
            "disability_note",
            "chronic_illness",
        ):
            data[name] = data[name] or ""
        types = set(c.get("disability") or [])
        for kind, field in DISABILITY_FIELDS.items():
            data[field] = kind in types
        data["ppks"] = sorted(c.get("ppks") or [])
        data["dukcapil_status"] = c.get("dukcapil_status") or codes.DukcapilStatus.UNCHECKED
        return data

    @classmethod
    def initial_from_data(cls, data: dict) -> dict:
        names = (
            *cls.IDENTITY,
            *cls.WORK,
            "disability_severity",
            "disability_note",
            "chronic_illness",
            "dukcapil_status",
        )
        initial = {name: _text_value(data.get(name)) for name in names}
        initial["disability"] = [
            kind for kind, field in DISABILITY_FIELDS.items() if data.get(field)
        ]
        initial["ppks"] = list(data.get("ppks") or [])
        return initial

    @classmethod
    def initial_from_person(cls, person) -> dict:
        names = (
            *cls.IDENTITY,
            *cls.WORK,
            *DISABILITY_FIELDS.values(),
            "disability_severity",
            "disability_note",
        )
        data = {
            name: getattr(person, name) for name in (*names, "chronic_illness", "dukcapil_status")
        }
        data["ppks"] = sorted(person.ppks.values_list("code", flat=True))
        return cls.initial_from_data(data)

    def field_for(self, service_field: str) -> str | None:
        """The form field that shows a service error about `service_field`."""
        name = self.SERVICE_FIELDS.get(service_field, service_field)
        return name if name in self.fields else None


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
    """The registry file to import. Only the field: the file itself is checked by
    `importer.services.import_submit`, whose `ImportFileError` the view puts on this field."""

    file = forms.FileField(
        label=_("Registry file (CSV or XLSX)"),
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class HouseholdForm(forms.Form):
    """On the family page: record another family living in the same dwelling, or that this
    family no longer shares one."""

    SHARE, LEAVE = "share", "leave"

    action = forms.ChoiceField(choices=[(SHARE, SHARE), (LEAVE, LEAVE)], widget=forms.HiddenInput)
    number = forms.CharField(
        label=_("KK number or NIK of the other family"),
        required=False,
        max_length=30,
        help_text=_("The 16-digit KK number of that family, or the NIK of one of its members."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        help_text=_("E.g. found on a home visit."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.SHARE and not cleaned.get("number", "").strip():
            self.add_error("number", _("Enter the KK number or a member's NIK."))
        return cleaned
