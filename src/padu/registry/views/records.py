"""The family and person pages: detail with history, create, edit (with optimistic locking),
add a member, status changes. Views only shape requests: services decide and selectors scope."""

import datetime
import re
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.audit import access_record
from padu.core.errors import ConflictError, DomainError, ValidationFailed, WarningsNeedConfirmation
from padu.core.htmx import redirect_after_post
from padu.core.scoping import has_capability
from padu.regions.models import Region

from .. import codes, selectors, services
from ..forms import (
    MEMBERS_PREFIX,
    FamilyEditForm,
    FamilyForm,
    HeadChangeForm,
    HouseholdForm,
    MemberFormSet,
    PersonEditForm,
    PersonForm,
    PersonStatusForm,
    StatusForm,
)
from ..identifiers import mask_number
from ..models import Family, Person, PPKSCategory
from ..validation import age_on

TIMELINE_PER_PAGE = 20
HEAD_INITIAL = [{"relationship": codes.Relationship.HEAD}]
IMPORT_SOURCE = re.compile(r"^import:(\d+)$")

ACTIONS = {
    "registry.family.registered": gettext_lazy("Family registered"),
    "registry.family.updated": gettext_lazy("Family data changed"),
    "registry.family.status_changed": gettext_lazy("Family status changed"),
    "registry.family.desil_recorded": gettext_lazy("Desil recorded"),
    "registry.family.household_changed": gettext_lazy("Shared dwelling changed"),
    "registry.person.added": gettext_lazy("Member added"),
    "registry.person.updated": gettext_lazy("Member data changed"),
    "registry.person.status_changed": gettext_lazy("Member status changed"),
}
# Keys of an audit entry that are not fields to show as a change.
HIDDEN_KEYS = {"version", "confirmed_warnings", "name_key"}
NUMBER_KEYS = {"nik", "kk_number"}


# ------------------------------------------------------------------------- value formatting


class ValueFormatter:
    """Readable text for audit and conflict values: choice labels, region and PPKS names, dates,
    masked NIK/KK for users who may not see them whole. Loads names once per page."""

    def __init__(self, *, can_view_nik: bool, region_codes=(), family_ids=()):
        self.can_view_nik = can_view_nik
        self.regions = dict(
            Region.objects.filter(code__in=set(region_codes)).values_list("code", "name")
        )
        self.families = dict(
            Family.objects.filter(pk__in=set(family_ids)).values_list("pk", "kk_number")
        )
        self._ppks = None

    @property
    def ppks(self) -> dict:
        if self._ppks is None:
            self._ppks = dict(PPKSCategory.objects.values_list("code", "name"))
        return self._ppks

    @staticmethod
    def label(model, key: str) -> str:
        try:
            text = str(model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            text = key
        return text[:1].upper() + text[1:]

    def text(self, model, key: str, value) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        if key in NUMBER_KEYS:
            return str(value) if self.can_view_nik else mask_number(str(value))
        if key == "region":
            return f"{self.regions.get(value, value)} ({value})"
        if key == "family":
            kk = self.families.get(value)
            return _("KK %(kk)s") % {"kk": self.number(kk)} if kk else f"#{value}"
        if key == "household":
            return _("dwelling no. %(number)s") % {"number": value}
        if key == "ppks":
            return "; ".join(f"{code}. {self.ppks.get(code, '?')}" for code in value)
        if key == "assets":
            return "; ".join(str(_choice_label(codes.Asset, v)) for v in value)
        if key == "livestock" and isinstance(value, dict):
            return "; ".join(f"{_choice_label(codes.Livestock, k)}: {n}" for k, n in value.items())
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field is not None and field.get_internal_type() == "DateField":
            day = parse_date(value) if isinstance(value, str) else value
            return formats.date_format(day, "DATE_FORMAT") if day else str(value)
        if key == "income":
            return f"Rp {intcomma(value)}"
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        if isinstance(value, dict):
            return "; ".join(f"{k}: {v}" for k, v in value.items())
        return str(value)

    def number(self, value: str) -> str:
        return value if self.can_view_nik else mask_number(value)


def _choice_label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return str(value)


def _model_for(object_type: str):
    return {
        "registry.family": Family,
        "registry.person": Person,
        "registry.ppkscategory": PPKSCategory,
    }.get(object_type)


def timeline_rows(entries, *, can_view_nik: bool) -> list[dict]:
    """Audit entries as rows a person can read: when, who, what, which fields changed from what
    to what, why, and from which import."""
    entries = list(entries)
    region_codes, family_ids = set(), set()
    for entry in entries:
        for values in (entry.before, entry.after):
            if isinstance(values, dict):
                if values.get("region"):
                    region_codes.add(values["region"])
                if values.get("family"):
                    family_ids.add(values["family"])
    fmt = ValueFormatter(
        can_view_nik=can_view_nik, region_codes=region_codes, family_ids=family_ids
    )
    rows = []
    for entry in entries:
        model = _model_for(entry.object_type)
        before = entry.before if isinstance(entry.before, dict) else {}
        after = entry.after if isinstance(entry.after, dict) else {}
        created = entry.before is None
        keys = [k for k in dict.fromkeys([*before, *after]) if k not in HIDDEN_KEYS]
        if created:
            keys = [k for k in keys if after.get(k) not in (None, "", [], {}, False)]
        changes = [
            {
                "field": fmt.label(model, key) if model else key,
                "before": fmt.text(model, key, before.get(key)) if model else str(before.get(key)),
                "after": fmt.text(model, key, after.get(key)) if model else str(after.get(key)),
            }
            for key in keys
        ]
        match = IMPORT_SOURCE.match(entry.source or "")
        rows.append(
            {
                "entry": entry,
                "action": ACTIONS.get(entry.action, entry.action),
                "subject": entry.object_repr if entry.object_type == "registry.person" else "",
                "person_id": entry.object_id if entry.object_type == "registry.person" else None,
                "created": created,
                "changes": changes,
                "warnings": after.get("confirmed_warnings") or [],
                "import_id": int(match.group(1)) if match else None,
                "source": "" if match else entry.source,
            }
        )
    return rows


def _timeline_page(request, queryset, registrations, *, can_view_nik: bool):
    """A page of the timeline, newest first; the registrations by import (older than anything
    recorded after them, read by calling `registrations` only then) close its last page."""
    page = Paginator(queryset, TIMELINE_PER_PAGE).get_page(request.GET.get("history"))
    entries = list(page.object_list)
    if not page.has_next():
        entries += reversed(registrations())
    return page, timeline_rows(entries, can_view_nik=can_view_nik)


# ------------------------------------------------------------------------------- error mapping


# Service messages already name their field ("NIK: …"); the error summary does not name it again.
NAMED = "named"


def _apply_errors(form, errors: dict) -> None:
    """Put a service's `{field: [messages]}` on `form`: on the field when the form has it."""
    for key, messages_ in errors.items():
        field = form.field_for(key) if hasattr(form, "field_for") else key
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, ValidationError(str(message), code=NAMED))


def _error_summary(items) -> list[dict]:
    """[{href, text}] for every error of the (title, form) pairs, linking to the field."""
    out = []
    for title, form in items:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            out.append({"href": "", "text": f"{title} — {error}" if title else error})
        for field in form:
            for error in field.errors.as_data():
                message = " ".join(str(m) for m in error.messages)
                text = message if error.code == NAMED else f"{field.label}: {message}"
                suffix = "_0" if field.field.widget.use_fieldset else ""
                out.append(
                    {
                        "href": f"#{field.auto_id}{suffix}",
                        "text": f"{title} — {text}" if title else text,
                    }
                )
    return out


def _confirm_requested(request) -> bool:
    return request.POST.get("confirm_warnings") == "1"


# ----------------------------------------------------------------------------------- details


def _member_rows(members, today) -> list[dict]:
    return [
        {
            "person": person,
            "nik": mask_number(person.nik),
            "age": age_on(person.birth_date, today),
            "ppks": list(person.ppks.all()),
        }
        for person in members
    ]


@login_required
@capability_required(Cap.REGISTRY_VIEW)
@require_GET
def family_detail(request, pk: int):
    user = request.user
    family = selectors.family_get(user=user, pk=pk)
    can_view_nik = has_capability(user, Cap.REGISTRY_VIEW_NIK)
    access_record(
        user=user,
        obj=family,
        region_code=family.region_id,
        purpose="family_detail",
        request=request,
    )
    page, rows = _timeline_page(
        request,
        selectors.family_timeline(user=user, family=family),
        partial(selectors.import_registrations, user=user, family=family),
        can_view_nik=can_view_nik,
    )
    context = {
        "timeline_page": page,
        "timeline": rows,
        "timeline_url": reverse("registry:family_detail", args=[pk]),
        "show_subject": True,
    }
    if getattr(request, "htmx", False) and "history" in request.GET:
        return render(request, "registry/partials/_record_timeline.html", context)
    members = list(selectors.family_members(user=user, family=family))
    active = [m for m in members if m.life_status == codes.LifeStatus.ACTIVE]
    context.update(
        {
            "family": family,
            "kk": family.kk_number if can_view_nik else mask_number(family.kk_number),
            "kelurahan": family.region,
            "kecamatan": family.region.parent,
            "members": _member_rows(members, timezone.localdate()),
            "active_count": len(active),
            "head": next((m for m in active if m.relationship == codes.Relationship.HEAD), None),
            "desil_history": family.desil_history.select_related("recorded_by").order_by(
                "-period", "-recorded_at"
            ),
            "housing": _housing_rows(family),
            "assets": [codes.Asset(a).label for a in family.assets if a in codes.Asset.values],
            "livestock": [
                (codes.Livestock(k).label, n)
                for k, n in (family.livestock or {}).items()
                if k in codes.Livestock.values
            ],
            "can_edit": has_capability(user, Cap.REGISTRY_EDIT),
            "is_active": family.status == codes.FamilyStatus.ACTIVE,
            "household": [
                {"family": other, "kk": mask_number(other.kk_number)}
                for other in selectors.household_families(user=user, family=family)
            ],
            "household_form": HouseholdForm(
                initial={"action": HouseholdForm.SHARE}, auto_id="household-%s"
            ),
        }
    )
    return render(request, "registry/family_detail.html", context)


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["POST"])
def family_household(request, pk: int):
    """The dwelling form of the family page: share a dwelling with another family, or leave it.
    Its answer is a message on the family page (the form is one field and a reason)."""
    user = request.user
    family = selectors.family_get(user=user, pk=pk)
    form = HouseholdForm(request.POST)
    back = reverse("registry:family_detail", args=[family.pk]) + "#household"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect_after_post(request, back)
    reason = form.cleaned_data["reason"]
    try:
        if form.cleaned_data["action"] == HouseholdForm.LEAVE:
            services.family_leave_household(actor=user, family=family, reason=reason)
            messages.success(request, _("This family no longer shares a dwelling."))
        else:
            number = form.cleaned_data["number"]
            other = selectors.family_by_number(user=user, number=number)
            if other is None:
                # Outside the user's area is "not found" too, as everywhere else.
                messages.error(
                    request,
                    _("No family with KK number or member NIK %(number)s was found in your area.")
                    % {"number": number},
                )
                return redirect_after_post(request, back)
            services.family_share_household(actor=user, family=family, other=other, reason=reason)
            messages.success(
                request,
                _("Recorded: this family shares a dwelling with family KK %(kk)s.")
                % {"kk": _kk_for(user, other)},
            )
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect_after_post(request, back)


def _housing_rows(family: Family) -> list[tuple[str, str]]:
    rows = []
    for name in FamilyForm.HOUSING:
        field = Family._meta.get_field(name)
        value = getattr(family, name)
        if field.choices:
            text = getattr(family, f"get_{name}_display")() if value is not None else "—"
        else:
            text = "—" if value is None else str(value)
        rows.append((ValueFormatter.label(Family, name), text))
    return rows


@login_required
@capability_required(Cap.REGISTRY_VIEW)
@require_GET
def person_detail(request, pk: int):
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    can_view_nik = has_capability(user, Cap.REGISTRY_VIEW_NIK)
    access_record(
        user=user,
        obj=person,
        region_code=person.region_id,
        purpose="person_detail",
        request=request,
    )
    page, rows = _timeline_page(
        request,
        selectors.person_timeline(user=user, person=person),
        partial(selectors.import_registrations, user=user, person=person),
        can_view_nik=can_view_nik,
    )
    context = {
        "timeline_page": page,
        "timeline": rows,
        "timeline_url": reverse("registry:person_detail", args=[pk]),
        "show_subject": False,
    }
    if getattr(request, "htmx", False) and "history" in request.GET:
        return render(request, "registry/partials/_record_timeline.html", context)
    family = person.family
    fmt = ValueFormatter(can_view_nik=can_view_nik)
    fields = []
    for name in PersonForm.IDENTITY + PersonForm.WORK:
        if name == "nik":
            continue
        fields.append(
            (fmt.label(Person, name), fmt.text(Person, name, _plain(getattr(person, name))))
        )
    health = [
        (_("Disability"), person.disability_label or _("none recorded")),
        (
            _("Types of disability"),
            ", ".join(str(codes.DisabilityType(t).label) for t in person.disability_types) or "—",
        ),
    ]
    for name in ("disability_severity", "disability_note", "chronic_illness"):
        health.append((fmt.label(Person, name), fmt.text(Person, name, getattr(person, name))))
    context.update(
        {
            "person": person,
            "family": family,
            "nik": person.nik if can_view_nik else mask_number(person.nik),
            "kk": family.kk_number if can_view_nik else mask_number(family.kk_number),
            "age": age_on(person.birth_date, timezone.localdate()),
            "fields": fields,
            "health": health,
            "ppks": list(person.ppks.all()),
            "can_edit": has_capability(user, Cap.REGISTRY_EDIT),
            "can_view_nik": can_view_nik,
        }
    )
    return render(request, "registry/person_detail.html", context)


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# ----------------------------------------------------------------------------------- create


def _formset(user, data=None):
    categories = list(PPKSCategory.objects.all())
    return MemberFormSet(
        data,
        prefix=MEMBERS_PREFIX,
        initial=HEAD_INITIAL,
        form_kwargs={"ppks_categories": categories},
    )


def _with_extra_member(post):
    data = post.copy()
    try:
        total = max(1, int(data.get(f"{MEMBERS_PREFIX}-TOTAL_FORMS") or 1))
    except ValueError:
        total = 1
    data[f"{MEMBERS_PREFIX}-TOTAL_FORMS"] = str(min(total + 1, MemberFormSet.absolute_max))
    return data, total


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def family_create(request):
    user = request.user
    if request.method == "GET" and "member" in request.GET:
        return _member_fragment(request)
    warnings, member_errors, new_member = [], [], None
    if request.method == "POST" and "add_member" in request.POST:
        data, new_member = _with_extra_member(request.POST)
        family_form, formset = FamilyForm(data, user=user), _formset(user, data)
        family_form.hold_errors()
        formset.hold_errors()
        if new_member < len(formset.forms):
            formset.forms[new_member].fields["nik"].widget.attrs["autofocus"] = True
    elif request.method == "POST":
        family_form, formset = FamilyForm(request.POST, user=user), _formset(user, request.POST)
        forms_ok = family_form.is_valid() & formset.is_valid()
        if forms_ok:
            member_forms = [
                f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                family = services.family_register(
                    actor=user,
                    data=family_form.to_data(),
                    members=[f.to_data() for f in member_forms],
                    confirm_warnings=_confirm_requested(request),
                )
            except WarningsNeedConfirmation as exc:
                warnings = exc.warnings
            except ValidationFailed as exc:
                member_errors = _apply_register_errors(family_form, member_forms, exc.errors)
            except DomainError as exc:
                family_form.add_error(None, str(exc))
            else:
                messages.success(request, _("The family has been registered."))
                return redirect_after_post(
                    request, reverse("registry:family_detail", args=[family.pk])
                )
        else:
            member_errors = list(formset.non_form_errors())
    else:
        family_form, formset = FamilyForm(user=user), _formset(user)
    titles = [(None, family_form)] + [
        (_("Member %(number)d") % {"number": i + 1}, f) for i, f in enumerate(formset.forms)
    ]
    return render(
        request,
        "registry/family_form.html",
        {
            "form": family_form,
            "formset": formset,
            "creating": True,
            "warnings": warnings,
            "member_errors": member_errors,
            "errors": []
            if new_member is not None
            else [{"href": "#members", "text": e} for e in member_errors] + _error_summary(titles),
            "new_member": new_member,
            "next_member": formset.total_form_count(),
            "max_members": MemberFormSet.absolute_max,
        },
    )


def _apply_register_errors(family_form, member_forms, errors: dict) -> list[str]:
    member_errors = []
    family_errors = {}
    for key, messages_ in errors.items():
        match = re.match(r"^members\.(\d+)\.(\w+)$", key)
        if match and int(match.group(1)) < len(member_forms):
            _apply_errors(member_forms[int(match.group(1))], {match.group(2): messages_})
        elif key == "members":
            member_errors.extend(messages_)
        else:
            family_errors[key] = messages_
    _apply_errors(family_form, family_errors)
    return member_errors


def _member_fragment(request):
    """htmx: the form of one more member, and the updated form count (out of band)."""
    try:
        index = int(request.GET.get("member", ""))
    except ValueError as exc:
        raise Http404 from exc
    if not 0 <= index < MemberFormSet.absolute_max:
        raise Http404
    formset = _formset(request.user)
    form = formset.form(
        auto_id=formset.auto_id,
        prefix=formset.add_prefix(index),
        empty_permitted=True,
        use_required_attribute=False,
        renderer=formset.renderer,
        **formset.get_form_kwargs(None),
    )
    formset.add_fields(form, None)
    return render(
        request,
        "registry/partials/_family_member_form.html",
        {
            "member": form,
            "index": index,
            "number": index + 1,
            "oob": True,
            "next_member": index + 1,
            "max_members": MemberFormSet.absolute_max,
            "total_forms_name": f"{MEMBERS_PREFIX}-TOTAL_FORMS",
        },
    )


# ------------------------------------------------------------------------------------ edit


def _conflict_rows(exc: ConflictError, model) -> list[dict]:
    regions = {
        c.get(k) for c in exc.changes if c.get("field") == "region" for k in ("theirs", "yours")
    }
    families = {
        c.get(k) for c in exc.changes if c.get("field") == "family" for k in ("theirs", "yours")
    }
    fmt = ValueFormatter(
        can_view_nik=True, region_codes=regions - {None}, family_ids=families - {None}
    )
    rows = []
    for change in exc.changes:
        key = change["field"]
        if key in HIDDEN_KEYS:
            continue
        rows.append(
            {
                "label": fmt.label(model, key),
                "theirs": fmt.text(model, key, change.get("theirs")),
                "yours": fmt.text(model, key, change.get("yours")),
                "both": change.get("yours_changed", False),
            }
        )
    return rows


def _merged_after_conflict(exc: ConflictError, yours: dict) -> dict:
    """The user's input, with every field he did not change taking the other user's value."""
    merged = dict(yours)
    for change in exc.changes:
        key = change["field"]
        if key in merged and not change.get("yours_changed"):
            merged[key] = change.get("theirs")
    return merged


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def family_edit(request, pk: int):
    user = request.user
    family = selectors.family_get(user=user, pk=pk)
    conflict = None
    if request.method == "POST":
        form = FamilyEditForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.family_update(
                    actor=user,
                    family=family,
                    expected_version=form.cleaned_data["version"],
                    data=form.to_data(),
                    reason=form.cleaned_data["reason"],
                )
            except ConflictError as exc:
                conflict = _conflict_rows(exc, Family)
                merged = _merged_after_conflict(exc, form.to_data())
                initial = {
                    **FamilyForm.initial_from_data(merged),
                    "version": exc.current_version,
                    "reason": form.cleaned_data["reason"],
                }
                form = FamilyEditForm(initial=initial, user=user)
            except ValidationFailed as exc:
                _apply_errors(form, exc.errors)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The family's data has been saved."))
                return redirect_after_post(
                    request, reverse("registry:family_detail", args=[family.pk])
                )
    else:
        form = FamilyEditForm(
            initial={**FamilyForm.initial_from_family(family), "version": family.version}, user=user
        )
    return render(
        request,
        "registry/family_form.html",
        {
            "form": form,
            "family": family,
            "kk": _kk_for(user, family),
            "creating": False,
            "conflict": conflict,
            "errors": _error_summary([(None, form)]),
        },
    )


def _kk_for(user, family) -> str:
    return (
        family.kk_number
        if has_capability(user, Cap.REGISTRY_VIEW_NIK)
        else mask_number(family.kk_number)
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def member_add(request, pk: int):
    user = request.user
    family = selectors.family_get(user=user, pk=pk)
    warnings = []
    has_head = Person.objects.filter(
        family=family, life_status=codes.LifeStatus.ACTIVE, relationship=codes.Relationship.HEAD
    ).exists()
    initial = {"relationship": codes.Relationship.CHILD if has_head else codes.Relationship.HEAD}
    if request.method == "POST":
        form = PersonForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                person = services.person_add(
                    actor=user,
                    family=family,
                    data=form.to_data(),
                    confirm_warnings=_confirm_requested(request),
                )
            except WarningsNeedConfirmation as exc:
                warnings = exc.warnings
            except ValidationFailed as exc:
                _apply_errors(form, exc.errors)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("%(name)s has been added to the family.") % {"name": person.name}
                )
                return redirect_after_post(
                    request, reverse("registry:family_detail", args=[family.pk])
                )
    else:
        form = PersonForm(initial=initial)
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "family": family,
            "kk": _kk_for(user, family),
            "creating": True,
            "warnings": warnings,
            "family_active": family.status == codes.FamilyStatus.ACTIVE,
            "errors": _error_summary([(None, form)]),
        },
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    kept = list(person.ppks.values_list("code", flat=True))
    warnings, conflict = [], None
    if request.method == "POST":
        form = PersonEditForm(request.POST, ppks_kept=kept)
        if form.is_valid():
            try:
                services.person_update(
                    actor=user,
                    person=person,
                    expected_version=form.cleaned_data["version"],
                    data=form.to_data(),
                    reason=form.cleaned_data["reason"],
                    confirm_warnings=_confirm_requested(request),
                )
            except ConflictError as exc:
                conflict = _conflict_rows(exc, Person)
                merged = _merged_after_conflict(exc, form.to_data())
                initial = {
                    **PersonForm.initial_from_data(merged),
                    "version": exc.current_version,
                    "reason": form.cleaned_data["reason"],
                }
                form = PersonEditForm(initial=initial, ppks_kept=kept)
            except WarningsNeedConfirmation as exc:
                warnings = exc.warnings
            except ValidationFailed as exc:
                _apply_errors(form, exc.errors)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("The data of %(name)s has been saved.") % {"name": person.name}
                )
                return redirect_after_post(
                    request, reverse("registry:person_detail", args=[person.pk])
                )
    else:
        form = PersonEditForm(
            initial={**PersonForm.initial_from_person(person), "version": person.version},
            ppks_kept=kept,
        )
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "person": person,
            "family": person.family,
            "kk": _kk_for(user, person.family),
            "creating": False,
            "warnings": warnings,
            "conflict": conflict,
            "errors": _error_summary([(None, form)]),
        },
    )


# ---------------------------------------------------------------------------------- statuses


def _status_choices(transitions, current, choices_class):
    allowed = transitions.get(current, set())
    return [(value, label) for value, label in choices_class.choices if value in allowed]


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def family_status(request, pk: int):
    user = request.user
    family = selectors.family_get(user=user, pk=pk)
    statuses = _status_choices(services.FAMILY_TRANSITIONS, family.status, codes.FamilyStatus)
    active = list(
        Person.objects.filter(family=family, life_status=codes.LifeStatus.ACTIVE).order_by(
            "relationship", "birth_date"
        )
    )
    head = next((p for p in active if p.relationship == codes.Relationship.HEAD), None)
    candidates = [p for p in active if p.relationship != codes.Relationship.HEAD]
    which = request.POST.get("form") if request.method == "POST" else None
    status_form = StatusForm(
        request.POST if which == "status" else None, statuses=statuses, prefix="status"
    )
    head_form = HeadChangeForm(
        request.POST if which == "head" else None,
        candidates=candidates,
        has_head=head is not None,
        prefix="head",
    )
    if which == "status" and status_form.is_valid():
        try:
            services.family_change_status(
                actor=user,
                family=family,
                status=status_form.cleaned_data["status"],
                reason=status_form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            _apply_errors(status_form, exc.errors)
        except DomainError as exc:
            status_form.add_error("status" if exc.field == "status" else None, str(exc))
        else:
            messages.success(request, _("The family's status has been changed."))
            return redirect_after_post(request, reverse("registry:family_detail", args=[family.pk]))
    elif which == "head" and head_form.is_valid():
        new_head = next(p for p in candidates if p.pk == head_form.cleaned_data["new_head"])
        try:
            services.family_change_head(
                actor=user,
                family=family,
                new_head=new_head,
                former_head_relationship=head_form.cleaned_data.get("former_head_relationship"),
                reason=head_form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            _apply_errors(head_form, exc.errors)
        except DomainError as exc:
            head_form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("%(name)s is now the head of family.") % {"name": new_head.name}
            )
            return redirect_after_post(request, reverse("registry:family_detail", args=[family.pk]))
    elif which not in (None, "status", "head"):
        raise Http404
    return render(
        request,
        "registry/family_status.html",
        {
            "family": family,
            "kk": _kk_for(user, family),
            "status_form": status_form,
            "head_form": head_form if candidates else None,
            "head": head,
            "active_count": len(active),
            "errors": _error_summary(
                [(_("Status"), status_form), (_("Head of family"), head_form)]
            ),
        },
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def person_status(request, pk: int):
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    statuses = _status_choices(services.PERSON_TRANSITIONS, person.life_status, codes.LifeStatus)
    successors = []
    if (
        person.relationship == codes.Relationship.HEAD
        and person.life_status == codes.LifeStatus.ACTIVE
    ):
        successors = list(
            Person.objects.filter(family=person.family_id, life_status=codes.LifeStatus.ACTIVE)
            .exclude(pk=person.pk)
            .order_by("relationship", "birth_date")
        )
    form = PersonStatusForm(request.POST or None, statuses=statuses, successors=successors)
    if request.method == "POST" and form.is_valid():
        new_head_pk = form.cleaned_data.get("new_head")
        new_head = next((p for p in successors if p.pk == new_head_pk), None)
        try:
            services.person_change_status(
                actor=user,
                person=person,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                new_head=new_head,
            )
        except ValidationFailed as exc:
            _apply_errors(form, exc.errors)
        except DomainError as exc:
            form.add_error("status" if exc.field == "status" else None, str(exc))
        else:
            messages.success(
                request, _("The status of %(name)s has been changed.") % {"name": person.name}
            )
            return redirect_after_post(request, reverse("registry:person_detail", args=[person.pk]))
    return render(
        request,
        "registry/person_status.html",
        {
            "person": person,
            "family": person.family,
            "nik": person.nik
            if has_capability(user, Cap.REGISTRY_VIEW_NIK)
            else mask_number(person.nik),
            "form": form,
            "errors": _error_summary([(None, form)]),
        },
    )
