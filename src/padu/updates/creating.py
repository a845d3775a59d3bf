"""The new-request page's forms: what a kind of request asks, entered in the registry's record
forms (their fields are the declarations'), and what every request carries (notes, coordinates,
evidence). The service (services.requests) checks it all; its errors come back on these forms."""

from __future__ import annotations

from padu.core.errors import DomainError, ValidationFailed
from padu.registry.forms import FamilyForm, PersonForm

from .codes import RequestKind
from .forms import RequestDetailsForm
from .services.requests import request_create

K = RequestKind
KIND_CHOICES = RequestKind.choices


def kinds_for(family, person) -> set[str]:
    """The kinds of request the page offers about a person, a family, or neither."""
    if person is not None:
        return {K.CHANGE, K.REMOVAL}
    if family is not None:
        return {K.CHANGE, K.NEW_MEMBER, K.REMOVAL, K.OBJECTION, K.WITHDRAWAL}
    return {K.NEW_FAMILY}


class RequestFormSet:
    """The forms of one kind of request, bound to the POST when there is one."""

    def __init__(self, request, *, kind, family, person):
        self.user, self.kind, self.family, self.person = request.user, kind, family, person
        data = request.POST if request.method == "POST" else None
        files = request.FILES if request.method == "POST" else None
        self.details = RequestDetailsForm(data, files)
        self.records: dict[str, object] = {}
        self.errors: list[str] = []
        if kind == K.NEW_FAMILY:
            self.records["family"] = FamilyForm(data, prefix="family", user=self.user)
            self.records["members.0"] = PersonForm(data, prefix="head")
        elif kind == K.NEW_MEMBER:
            self.records["person"] = PersonForm(data, prefix="person")
        elif kind == K.CHANGE:
            form_class = PersonForm if person is not None else FamilyForm
            obj = person if person is not None else family
            initial = form_class.initial_from_instance(obj)
            kwargs = {} if person is not None else {"user": self.user}
            self.records["changes"] = form_class(data, prefix="changes", initial=initial, **kwargs)

    def forms(self):
        return [self.details, *self.records.values()]

    def _data(self) -> dict:
        if self.kind == K.NEW_FAMILY:
            return {
                "family": self.records["family"].to_data(),
                "members": [self.records["members.0"].to_data()],
            }
        if self.kind == K.NEW_MEMBER:
            return {"person": self.records["person"].to_data()}
        if self.kind == K.CHANGE:
            form = self.records["changes"]
            given = form.to_data()
            # Only what the user changed from the record's current values (the form's initial).
            changed_fields = set(form.changed_data)
            changed = {
                f.name for f in form.record_fields() if changed_fields & set(form._by_field[f.name])
            }
            return {"changes": {k: v for k, v in given.items() if k in changed}}
        return {}

    def save(self):
        if not all(f.is_valid() for f in self.forms()):
            return None
        d = self.details.cleaned_data
        try:
            return request_create(
                actor=self.user,
                kind=self.kind,
                family=self.family,
                person=self.person,
                data=self._data(),
                removal_reason=d["removal_reason"],
                notes=d["notes"],
                latitude=d["latitude"] or None,
                longitude=d["longitude"] or None,
                evidence=d["evidence"],
                submit=d["submit"],
            )
        except ValidationFailed as exc:
            self._put_back(exc.errors)
        except DomainError as exc:
            self.errors.append(str(exc))
        return None

    def _put_back(self, errors: dict) -> None:
        """Each of the service's errors on the form field it is about, or above the forms."""
        for key, texts in errors.items():
            prefix, _dot, name = key.rpartition(".")
            form = self.records.get(prefix) if prefix else None
            target = form.field_for(name) if form is not None else None
            if form is None and key in self.details.fields:
                form, target = self.details, key
            for text in texts:
                if form is not None and target:
                    form.add_error(target, text)
                else:
                    self.errors.append(str(text))

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(f.is_bound and f.errors for f in self.forms())
