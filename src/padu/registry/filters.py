"""The filter forms of the family and person lists (GET). Their `filters()` is what
`selectors.family_list` / `selectors.person_list` take; region choices are the user's own area."""

from django import forms
from django.core.cache import cache
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from padu.core.forms import DateRangeForm, date_filter
from padu.core.scoping import scope_codes
from padu.regions.selectors import kecamatan_choices, village_choices

from . import codes, selectors
from .models import ImportBatch, PPKSCategory
from .search_box import SearchError

FILTER_FIELDS = (
    "q",
    "kecamatan",
    "kelurahan",
    "desil",
    "disability",
    "ppks",
    "status",
    "sex",
    "age_band",
)

DESIL_CHOICES = [
    ("", _("All desil")),
    *((str(d), str(d)) for d in range(1, 11)),
    ("1-2", _("Desil 1–2")),
    ("1-4", _("Desil 1–4")),
    ("1-5", _("Desil 1–5")),
    ("6-10", _("Desil 6–10")),
    (selectors.DESIL_NONE, _("No desil yet")),
]
DISABILITY_CHOICES = [
    ("", _("All")),
    (selectors.DISABILITY_ANY, _("Any disability")),
    # The categories of UU 8/2016 (sensory: any sub-type), then the sensory sub-types.
    *codes.DisabilityCategory.choices,
    *((t, label) for t, label in codes.DisabilityType.choices if t not in codes.DisabilityCategory),
    (selectors.DISABILITY_MULTIPLE, _("Multiple (ganda)")),
]
AGE_BAND_CHOICES = [
    ("", _("All ages")),
    ("0-5", _("0–5 years")),
    ("6-17", _("6–17 years")),
    ("18-59", _("18–59 years")),
    ("60+", _("60 years and over")),
]


REGION_CHOICES_SECONDS = 300


def region_choices(user) -> tuple[list, dict]:
    """The kecamatan and the kelurahan (grouped by kecamatan name) inside the user's area.

    Cached for five minutes per area: every list page and every htmx refresh needs them, and the
    region tree changes only when an administrator loads a new Kemendagri decree."""
    # The day is in the key: a decree ends its codes on a date, and the choices follow it.
    key = f"padu:registry:region-choices:{timezone.localdate()}:" + ",".join(scope_codes(user))
    found = cache.get(key)
    if found is None:
        kecamatan = list(kecamatan_choices(user=user).values_list("code", "name"))
        names = dict(kecamatan)
        villages: dict[str, list] = {}
        for code, name, parent in village_choices(user=user).values_list(
            "code", "name", "parent_id"
        ):
            villages.setdefault(names.get(parent, parent), []).append((code, name))
        found = (kecamatan, villages)
        cache.set(key, found, REGION_CHOICES_SECONDS)
    return found


class QuickSelect(forms.Select):
    """A <select> written out in Python. Django renders each <option> through a template, which
    costs tens of milliseconds for the hundred kelurahan of a city on every list page."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        values = value if isinstance(value, list | tuple) else [value]
        selected = {str(v) for v in values if v is not None}
        html = [f"<select{flatatt(final)}>"]
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                html.append(f'<optgroup label="{escape(option_value)}">')
                html.extend(self._option(v, text, selected) for v, text in label)
                html.append("</optgroup>")
            else:
                html.append(self._option(option_value, label, selected))
        html.append("</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value and label above is escaped

    @staticmethod
    def _option(value, label, selected: set[str]) -> str:
        value = "" if value is None else str(value)
        chosen = " selected" if value in selected else ""
        return f'<option value="{escape(value)}"{chosen}>{escape(label)}</option>'


class RegistryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_(
            "A 16-digit NIK or KK number, or a name; beside it, to narrow: a year or date of "
            "birth, a kelurahan or kecamatan, an RT/RW"
        ),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "spellcheck": "false",
                "inputmode": "search",
            }
        ),
    )
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False, widget=QuickSelect)
    kelurahan = forms.ChoiceField(label=_("Kelurahan"), required=False, widget=QuickSelect)
    desil = forms.ChoiceField(
        label=_("Desil"), required=False, choices=DESIL_CHOICES, widget=QuickSelect
    )
    disability = forms.ChoiceField(
        label=_("Disability"), required=False, choices=DISABILITY_CHOICES, widget=QuickSelect
    )
    ppks = forms.TypedChoiceField(
        label=_("PPKS category"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    sex = forms.ChoiceField(label=_("Sex"), required=False, widget=QuickSelect)
    age_band = forms.ChoiceField(
        label=_("Age"), required=False, choices=AGE_BAND_CHOICES, widget=QuickSelect
    )
    # Set by the sortable column headers, carried by the form so that filtering keeps the order.
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    status_choices: list = []
    sort_keys: dict = {}

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        kecamatan, villages = region_choices(user)
        if kecamatan:
            self.fields["kecamatan"].choices = [("", _("All kecamatan")), *kecamatan]
            self.fields["kelurahan"].choices = [("", _("All kelurahan")), *villages.items()]
        else:  # an area inside one kecamatan (a PSM, a kelurahan): no kecamatan to choose
            del self.fields["kecamatan"]
            flat = [village for group in villages.values() for village in group]
            self.fields["kelurahan"].choices = [("", _("All kelurahan")), *flat]
        categories = PPKSCategory.objects.filter(is_active=True).order_by("code")
        self.fields["ppks"].choices = [
            ("", _("All categories")),
            *(
                (pk, f"{code}. {name}")
                for pk, code, name in categories.values_list("pk", "code", "name")
            ),
        ]
        self.fields["status"].choices = [("", _("All statuses")), *self.status_choices]
        self.fields["sex"].choices = [("", _("All")), *codes.Sex.choices]

    def clean_q(self):
        query = self.cleaned_data["q"].strip()
        digits = query.replace(" ", "").replace(".", "").replace("-", "")
        if digits.isdigit() and len(digits) != selectors.NUMBER_LENGTH:
            raise forms.ValidationError(_("A NIK or KK number has 16 digits."))
        if query and not selectors.clean_number(query):
            try:
                selectors.read_search(self.user, query)
            except SearchError as error:
                raise forms.ValidationError(error.message) from error
        return query

    def clean_sort(self):
        sort = self.cleaned_data["sort"]
        return sort if sort.removeprefix("-") in self.sort_keys else ""

    def filters(self) -> dict:
        """The filters in force, for the selector: only valid, non-empty values."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {k: v for k, v in data.items() if v not in (None, "")}


class FamilyFilterForm(RegistryFilterForm):
    status_choices = codes.FamilyStatus.choices
    sort_keys = selectors.FAMILY_SORTS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].label = _("Sex of the head")
        self.fields["age_band"].label = _("Age of the head")
        self.fields["disability"].label = _("A member with a disability")
        self.fields["ppks"].label = _("A member in PPKS category")


class PersonFilterForm(RegistryFilterForm):
    status_choices = codes.LifeStatus.choices
    sort_keys = selectors.PERSON_SORTS


class ImportFilterForm(DateRangeForm):
    """The filters of the import list (GET): status and the day the file was uploaded."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    date_from = date_filter(_("Uploaded from"))
    date_to = date_filter(_("Uploaded until"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *ImportBatch.Status.choices]

    def filters(self) -> dict:
        """The filters in force: only valid, non-empty values."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {k: v for k, v in data.items() if v not in (None, "")}
