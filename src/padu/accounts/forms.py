from django import forms
from django.contrib.auth import password_validation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from padu.regions.models import VILLAGE_LEVELS, Level, Region
from padu.regions.selectors import scopable_regions

from .capabilities import Role

EXPORT_FORMATS = ("csv", "xlsx")


class UserForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only. Used to log in; cannot be changed later."),
        error_messages={"invalid": _("Use only letters, digits and . @ + - _")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^\+?[0-9 ]{6,20}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number of digits only.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        help_text=_("The role decides what the user may do; the regions decide where."),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=120,
        required=False,
        help_text=_("For partner agencies: the agency's name, e.g. Disdukcapil Kota Padang."),
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The user sees only these regions and everything below them. TKSK: one kecamatan; "
            "PSM and kelurahan operators: kelurahan/desa."
        ),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = scopable_regions(user=actor).select_related("parent")

    def region_groups(self) -> list[dict]:
        """The region checkboxes grouped by kecamatan, for a list that stays usable on a phone."""
        value = self["regions"].value() or []
        selected = {v.pk if isinstance(v, Region) else str(v) for v in value}
        groups: dict[str, dict] = {}
        for index, region in enumerate(self.fields["regions"].queryset):
            if region.level in VILLAGE_LEVELS:
                key, label = (
                    region.parent_id,
                    region.parent.name if region.parent else region.parent_id,
                )
            elif region.level == Level.KECAMATAN:
                key, label = region.code, region.name
            else:
                key, label = "", _("Province, city and regency")
            group = groups.setdefault(
                key, {"key": key, "label": label, "options": [], "selected": 0}
            )
            checked = region.code in selected
            group["options"].append(
                {"region": region, "checked": checked, "id": f"{self['regions'].auto_id}_{index}"}
            )
            group["selected"] += checked
        return sorted(groups.values(), key=lambda g: g["key"])


class UserCreateForm(UserForm):
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=_("At least 10 characters; the user should change it after the first login."),
    )


class UserEditForm(UserForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=200,
        required=False,
        help_text=_("Recorded in the audit trail."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].disabled = True
        self.fields["username"].help_text = _("Used to log in; cannot be changed.")


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or username")}),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
    )


class ActiveForm(forms.Form):
    """Deactivate (active=0, a reason is required) or reactivate (active=1) an account."""

    active = forms.TypedChoiceField(
        choices=[("0", "0"), ("1", "1")], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("active") is False and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the account is being deactivated."))
        return cleaned


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=lazy(password_validation.password_validators_help_text_html, str)(),
    )
