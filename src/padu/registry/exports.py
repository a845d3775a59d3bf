"""Downloads of the filtered family and person lists (CSV and XLSX), in the import layout, scoped
and audited.

- The columns are the import layout's (`importer.layout.ROW`, from the declarations), with their
  codes as an import reads them, then the layout's read-only columns (a status, the welfare score)
  and the region names, which an import ignores. So a list exported by a role that sees whole
  numbers (Cap.REGISTRY_EXPORT_NIK) imports back and changes nothing. For any other role the
  numbers are masked and a notice above the header says that the file cannot be imported.
- The person list gives one row per person with the family's columns; the family list one row per
  family with its head of family's columns (a file of heads imports families with their heads).
- The rows come from the same selectors as the list pages, so an export holds exactly what the
  user may see with these filters. Every export is recorded in the audit trail before the first
  byte is sent (filters, format, row count, whether numbers were whole), in the user's area.
- Memory stays flat however many rows: the database is read in chunks of tuples (`values_list`),
  PPKS categories, disability records and heads of family per chunk, CSV streamed row by row,
  XLSX written by `core.exports.XlsxWriter` (CSV is the format for big exports: XLSX stops at
  XLSX_MAX_ROWS).
"""

from __future__ import annotations

from itertools import islice

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from padu.core.audit import access_record, export_recorded
from padu.core.exports import XLSX_MAX_ROWS, Table, dated_filename, export_response
from padu.core.records.coded import MultiChoice
from padu.core.records.derive import storage
from padu.core.scoping import scope_codes
from padu.regions.selectors import common_region

from . import codes, selectors
from .declarations import DWELLING, FAMILY, PERSON
from .declarations.disability import common_severity
from .disabilities import national_codes, ordered
from .disclosure import Disclosure
from .importer.layout import MASKED_NOTICE, REGION_NAMES, ROW
from .models import Person, PersonDisability

CHUNK_SIZE = 2000


class TooManyRowsError(Exception):
    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


class Columns:
    """The export's columns and how a row is read for them: each layout column's model columns
    (`storage`) from a values_list tuple, turned into the text an import reads."""

    def __init__(self, *, disclosure: Disclosure):
        self.disclosure = disclosure
        self.full = disclosure.full
        self.columns = ROW.all_columns()

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns] + list(REGION_NAMES)

    def paths(self, record, prefix: str = "") -> list[str]:
        """The values_list paths of `record`'s columns (a family's behind `prefix`)."""
        return [
            f"{prefix}{stored.attname}"
            for c in self.columns
            if c.part.record is record
            for stored in storage(c.field.kind, c.field)
        ]

    def cells(self, record, values, kept: dict | None = None) -> dict[str, str]:
        """Column name → text for `record`'s columns, from `values` (in `paths` order) and, for
        the fields kept in other tables, `kept` (field name → value: `_kept_of`)."""
        out, items = {}, iter(values)
        for c in self.columns:
            if c.part.record is not record:
                continue
            f = c.field
            stored = storage(f.kind, f)
            if not stored:  # PPKS, disabilities: read per chunk
                value = (kept or {}).get(f.name, f.empty)
            elif isinstance(f.kind, MultiChoice) and f.kind.flags:
                value = [code for code in f.kind.flags if next(items)]
            else:
                value = next(items)
            shown = self.disclosure.value(f, value)  # masked, or a band of age, for a masked role
            out[c.name] = shown if shown is not value else f.kind.to_text(value)
        return out

    def row(self, cells: dict[str, str], regions: tuple) -> list[str]:
        return [cells.get(c.name, "") for c in self.columns] + list(regions)


def _chunks(values_queryset):
    rows = values_queryset.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield chunk


def _kept_of(person_ids: list[int]) -> dict[int, dict]:
    """Per person, the values of the fields kept in other tables: PPKS categories, and the
    disability records in force (their types, common severity and national code)."""
    found: dict[int, dict] = {}
    through = Person.ppks.through.objects.filter(person_id__in=person_ids)
    for person_id, code in through.order_by("ppkscategory__code").values_list(
        "person_id", "ppkscategory__code"
    ):
        found.setdefault(person_id, {}).setdefault("ppks", []).append(code)
    # Bounded by the ids of scoped people.
    records = PersonDisability.objects.unscoped().filter(
        person_id__in=person_ids, ended_on__isnull=True
    )
    rows: dict[int, list] = {}
    for row in records.only("person_id", "type", "severity"):
        rows.setdefault(row.person_id, []).append(row)
    national = national_codes()
    for person_id, mine in rows.items():
        types = list(ordered(r.type for r in mine))
        found.setdefault(person_id, {}).update(
            disability=types,
            disability_severity=common_severity(mine),
            disability_national=national.national(types),
        )
    return found


def person_export(*, user, filters: dict, file_format: str):
    queryset = selectors.person_list(user=user, filters=filters)
    columns = Columns(disclosure=Disclosure.for_export(user))
    person_paths = columns.paths(PERSON)
    family_paths = columns.paths(FAMILY, "family__")
    dwelling_paths = columns.paths(DWELLING, "family__dwelling__")
    paths = [
        "id",
        *person_paths,
        *family_paths,
        *dwelling_paths,
        "region__parent__name",
        "region__name",
    ]
    split = 1 + len(person_paths)
    split_dwelling = split + len(family_paths)

    def rows():
        for chunk in _chunks(queryset.values_list(*paths)):
            kept = _kept_of([r[0] for r in chunk])
            for r in chunk:
                cells = columns.cells(PERSON, r[1:split], kept.get(r[0]))
                cells.update(columns.cells(FAMILY, r[split:split_dwelling]))
                cells.update(columns.cells(DWELLING, r[split_dwelling:-2]))
                yield columns.row(cells, r[-2:])

    return _respond(
        user=user,
        queryset=queryset,
        filters=filters,
        file_format=file_format,
        columns=columns,
        kind="person",
        stem="padu-individu",
        title=_("People"),
        rows=rows,
    )


def family_export(*, user, filters: dict, file_format: str):
    """One row per family: its columns and its head's (the active head, else the latest)."""
    queryset = selectors.family_list(user=user, filters=filters).prefetch_related(None)
    columns = Columns(disclosure=Disclosure.for_export(user))
    family_paths = columns.paths(FAMILY)
    dwelling_paths = columns.paths(DWELLING, "dwelling__")
    person_paths = columns.paths(PERSON)
    split = 1 + len(family_paths)

    def rows():
        paths = ["id", *family_paths, *dwelling_paths, "region__parent__name", "region__name"]
        for chunk in _chunks(queryset.values_list(*paths)):
            heads = _heads(user, [r[0] for r in chunk], person_paths)
            kept = _kept_of([h[1] for h in heads.values()])
            for r in chunk:
                cells = columns.cells(FAMILY, r[1:split])
                cells.update(columns.cells(DWELLING, r[split:-2]))
                head = heads.get(r[0])
                if head is not None:
                    cells.update(columns.cells(PERSON, head[2:], kept.get(head[1])))
                yield columns.row(cells, r[-2:])

    return _respond(
        user=user,
        queryset=queryset,
        filters=filters,
        file_format=file_format,
        columns=columns,
        kind="family",
        stem="padu-keluarga",
        title=_("Families"),
        rows=rows,
    )


def _heads(user, family_ids: list[int], paths: list[str]) -> dict[int, tuple]:
    """family id → (family id, person id, *values) of the member whose row stands for the
    family: its active head, else its latest head, else its first active member (a family file
    of such rows imports families with their heads)."""

    def first(condition) -> Case:
        return Case(When(condition, then=Value(0)), default=Value(1), output_field=IntegerField())

    heads = (
        selectors.people_visible(user=user)
        .filter(family_id__in=family_ids)
        .order_by(
            "family_id",
            first(Q(relationship=codes.Relationship.HEAD)),
            first(Q(life_status=codes.LifeStatus.ACTIVE)),
            "-id",
        )
        .values_list("family_id", "id", *paths)
    )
    out: dict[int, tuple] = {}
    for head in heads:
        out.setdefault(head[0], head)
    return out


def code_legend() -> Table:
    """A sheet that says what each code of the coded columns means."""
    rows = []
    for c in ROW.all_columns():
        for code in getattr(c.field.kind, "codes", None) or ():
            rows.append([c.name, code.value, str(code.label)])
    return Table(header=[_("column"), _("code"), _("meaning")], rows=rows, title=_("Codes"))


def export_record(*, actor, kind: str, filters: dict, file_format: str, rows: int, full: bool):
    """The audit entry of one download: what was taken, by whom, from which area."""
    return export_recorded(
        actor=actor,
        action=f"registry.{kind}.exported",
        object_type=f"registry.{kind}",
        object_repr=_("%(rows)s rows, %(format)s") % {"rows": rows, "format": file_format.upper()},
        region_code=common_region(scope_codes(actor)),
        filters=filters,
        file_format=file_format,
        rows=rows,
        full_numbers=full,
    )


def _respond(*, user, queryset, filters, file_format, columns: Columns, kind, stem, title, rows):
    total = selectors.list_count(queryset)
    if file_format == "xlsx" and total > XLSX_MAX_ROWS:
        raise TooManyRowsError(XLSX_MAX_ROWS)
    export_record(
        actor=user,
        kind=kind,
        filters=filters,
        file_format=file_format,
        rows=total,
        full=columns.full,
    )
    access_record(
        user=user,
        object_type=f"registry.{kind}",
        region_code=common_region(scope_codes(user)),
        purpose=f"{kind}_export",
        filters={**filters, "format": file_format},
        rows=total,
    )
    table = Table(
        header=columns.header,
        rows=rows(),
        title=title,
        notice="" if columns.full else str(MASKED_NOTICE),
        sheets=(code_legend(),),
    )
    return export_response(file_format, dated_filename(stem), table)
