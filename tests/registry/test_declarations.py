"""The registry's declarations are the one list of its fields: every model field is declared (or
named as bookkeeping), and the forms, the import, the export, the API and the layout document are
derived from them."""

import pytest

from padu.core.records.derive import storage
from padu.registry.declarations import DESIL_ENTRY, DWELLING, FAMILY, PERSON
from padu.registry.disclosure import Disclosure
from padu.registry.exports import Columns
from padu.registry.forms import FamilyForm, PersonForm
from padu.registry.importer.columns import FAMILY_VALUES, PERSON_VALUES, STAGE_COLUMNS
from padu.registry.importer.document import document_path, render
from padu.registry.importer.dwellings import HOUSING as DWELLING_HOUSING
from padu.registry.importer.layout import REGION_NAMES, ROW
from padu.registry.models import DesilRecord, Dwelling, Family, Person
from padu.registry.schemas import FamilyFields, FamilyOut, PersonFields, PersonOut

RECORDS = [(FAMILY, Family), (PERSON, Person), (DWELLING, Dwelling), (DESIL_ENTRY, DesilRecord)]


@pytest.mark.parametrize(("record", "model"), RECORDS, ids=lambda r: getattr(r, "name", ""))
def test_every_model_field_is_declared_or_bookkeeping(record, model):
    declared = {stored.name for f in record.fields for stored in storage(f.kind, f)}
    declared |= {f.name for f in record.fields}  # a many-to-many link has no column
    model_fields = {f.name for f in model._meta.get_fields() if f.concrete or f.many_to_many}
    missing = model_fields - declared - set(record.system)
    assert not missing, f"{model.__name__} fields not in the declaration: {sorted(missing)}"
    assert not (set(record.system) - model_fields), "bookkeeping names that are no field"


@pytest.mark.parametrize(("record", "model"), RECORDS, ids=lambda r: getattr(r, "name", ""))
def test_the_model_fields_are_the_declarations(record, model):
    for f in record.fields:
        for stored in storage(f.kind, f):
            field = model._meta.get_field(stored.name)
            if stored.name == f.name:
                assert field.verbose_name == f.label


def test_the_import_layout_is_every_declared_column_of_person_family_and_dwelling():
    declared = [f.column for r in (PERSON, FAMILY, DWELLING) for f in r.fields if f.column]
    assert sorted(ROW.names + ROW.export_only) == sorted(declared)
    assert ROW.names[0] == "no_kk"  # the key that ties a row to its family comes first
    assert set(ROW.required) == {"no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir",
                                 "hubungan_keluarga", "kode_wilayah"}  # fmt: skip


def test_the_import_stages_and_writes_every_declared_column():
    stored = {s.name for c in ROW.columns for s in storage(c.field.kind, c.field)}
    assert stored <= set(STAGE_COLUMNS)
    written = {v.stage for v in FAMILY_VALUES + PERSON_VALUES}
    written |= {stage for stage, _column, _kind in DWELLING_HOUSING}  # importer/dwellings.py
    keys_and_desil = {"kk_number", "nik", "desil", "desil_period", "code"}
    assert written | keys_and_desil == stored | {"name_key"}


@pytest.mark.django_db
def test_the_forms_have_a_field_for_every_writable_declared_field(user_factory):
    person = PersonForm()
    assert set(person._by_field) == {f.name for f in PERSON.writable}
    family = FamilyForm(user=user_factory("operator"))
    # The desil comes from DTSEN imports and its corrections, not from the family form.
    assert set(family._by_field) == {f.name for f in FAMILY.writable} - {"desil", "desil_period"}
    assert {"livestock_kambing", "livestock_sapi"} <= set(family.fields)


def test_the_api_schemas_are_the_declared_fields():
    def api(f):
        return f.api_name or f.name

    assert set(PersonFields.model_fields) == {api(f) for f in PERSON.writable}
    assert set(FamilyFields.model_fields) == {api(f) for f in FAMILY.writable}
    assert {api(f) for f in PERSON.fields} <= set(PersonOut.model_fields)
    assert {api(f) for f in FAMILY.fields} <= set(FamilyOut.model_fields)


def test_the_export_columns_are_the_layouts_then_the_region_names():
    assert Columns(disclosure=Disclosure(full=True)).header == [
        *ROW.names,
        *ROW.export_only,
        *REGION_NAMES,
    ]


def test_the_layout_document_is_up_to_date():
    """docs/import-layout.md's table is generated (`padu layoutdoc`): fails when it is stale."""
    text = document_path().read_text(encoding="utf-8")
    assert render(text) == text, "docs/import-layout.md is stale: run `padu layoutdoc`"
