"""Applying a decree's region list to the region tree, checked rows in hand (`services`).

A decree lists, for every region it covers, all of that region's children: a code the tree holds
under a region the list names, which the list no longer names, ends on the decree's date (with
everything below it). A code whose name differs is renamed, and the old name kept as a change. A
code is never deleted: families, people, users' areas and the audit trail keep pointing at it,
and `registry` lists the people on ended codes for re-coding.

Which regions a list covers: every code in it that has children in it (so a kab/kota file covers
its kecamatan and villages, never its neighbours), and the list of provinces when it names more
than one province (a national list). A part of the national list names its coverage itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from padu.core.audit import audit_record
from padu.core.errors import DomainError
from padu.core.scoping import subtree_q

from .models import Decree, Region, RegionChange

BATCH = 2000
COLUMNS = (
    "code",
    "name",
    "level",
    "parent_id",
    "postal_code",
    "decree_id",
    "valid_from",
    "valid_until",
    "ended_by_id",
)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    renamed: int = 0
    ended: int = 0
    restored: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _depth(code: str) -> int:
    return code.count(".") + 1


def _decree_for(number: str, valid_from: datetime.date) -> Decree:
    """The decree row, refused when it would apply a list older than one loaded already."""
    number = number.strip()
    if not number:
        raise DomainError(_("Name the decree whose region list this is."))
    known = Decree.objects.filter(number=number).first()
    if known is not None and known.valid_from != valid_from:
        raise DomainError(
            _("Decree %(decree)s was loaded as valid from %(known)s, not %(date)s.")
            % {
                "decree": number,
                "known": date_format(known.valid_from),
                "date": date_format(valid_from),
            }
        )
    newer = Decree.objects.filter(valid_from__gt=valid_from).order_by("-valid_from").first()
    if newer is not None:
        raise DomainError(
            _(
                "Decree %(decree)s (valid from %(date)s) is older than decree %(newer)s (valid "
                "from %(newer_date)s), which is loaded already: region lists are loaded in the "
                "order of their dates."
            )
            % {
                "decree": number,
                "date": date_format(valid_from),
                "newer": newer.number,
                "newer_date": date_format(newer.valid_from),
            }
        )
    if known is None:
        known = Decree.objects.create(number=number, valid_from=valid_from)
    else:
        known.save(update_fields=["loaded_at"])
    return known


def _lock_tree() -> None:
    """One loader at a time: on PostgreSQL a table lock (readers go on); SQLite writes one at a
    time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Region._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def _insert(rows: list[tuple]) -> None:
    """New regions, parents first: COPY on PostgreSQL, one prepared INSERT run over every row
    elsewhere. Django's `bulk_create` builds a model and compiles SQL per row, and is several
    times slower over the 91,599 regions of the national list (bench/regions_load.py)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(Region._meta.db_table)
    columns = ", ".join(
        quote(Region._meta.get_field(c.removesuffix("_id")).column) for c in COLUMNS
    )
    with connection.cursor() as cursor:
        # Table and column names from the model, every value a parameter or copied data.
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            values = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({values})", rows)  # noqa: S608


def decree_apply(
    *,
    actor,
    rows: list[dict],
    decree: str,
    valid_from: datetime.date,
    source: str = "",
    covers: set[str] | None = None,
) -> LoadReport:
    """Write checked rows (`kode`, `nama`, `level`, `kode_induk`, `kode_pos`) as the list of
    `decree`, valid from `valid_from`: create, rename, end and restore codes, in one transaction.
    `covers`: the codes whose children the list names completely ("" for the provinces); by
    default those the rows show (module docstring)."""
    report = LoadReport()
    rows = sorted(rows, key=lambda row: (_depth(row["kode"]), row["kode"]))
    listed = {row["kode"] for row in rows}
    if covers is None:
        covers = {row["kode_induk"] for row in rows if row["kode_induk"] in listed}
        if sum(1 for code in listed if _depth(code) == 1) > 1:
            covers.add("")
    covering = covers - {""}
    has_provinces = "" in covers
    tops = [code for code in listed if _depth(code) == 1 or code.rsplit(".", 1)[0] not in listed]
    with transaction.atomic():
        _lock_tree()
        the_decree = _decree_for(decree, valid_from)
        # A list with provinces covers the country; any other, the subtrees of its top codes.
        present = (
            Region.objects.all()
            if has_provinces
            else Region.objects.filter(subtree_q("code", tops))
        )
        existing = {row["code"]: row for row in present.values(*COLUMNS)}
        new, changed, changes = [], {}, []

        def change(code, kind, old="", new_name=""):
            changes.append(
                RegionChange(
                    region_id=code, decree=the_decree, kind=kind, old_name=old, new_name=new_name
                )
            )

        for row in rows:
            code = row["kode"]
            values = {
                "name": row["nama"],
                "level": row["level"],
                "parent_id": row["kode_induk"] or None,
                "postal_code": row.get("kode_pos", ""),
            }
            region = existing.get(code)
            if region is None:
                new.append((code, *values.values(), the_decree.pk, valid_from, None, None))
                continue
            dirty = [name for name, value in values.items() if region[name] != value]
            if "name" in dirty:
                change(code, RegionChange.Kind.RENAMED, region["name"], values["name"])
                report.renamed += 1
            region.update(values)
            if region["ended_by_id"] is not None:
                change(code, RegionChange.Kind.RESTORED)
                region["ended_by_id"], region["valid_until"] = None, None
                report.restored += 1
                dirty.append("ended_by")
            if region["decree_id"] is None:  # loaded before codes carried their decree
                region["decree_id"], region["valid_from"] = the_decree.pk, valid_from
                dirty.append("decree")
            if dirty:
                changed[code] = region
            else:
                report.unchanged += 1

        # Codes under a covered region that the list no longer names end, with their subtrees.
        gone = [
            code
            for code, region in existing.items()
            if code not in listed
            and region["ended_by_id"] is None
            and (region["parent_id"] in covering or (region["parent_id"] is None and has_provinces))
        ]
        gone_roots = tuple(f"{code}." for code in gone)
        for code, region in existing.items():
            if region["ended_by_id"] is None and (code in gone or code.startswith(gone_roots)):
                region["ended_by_id"] = the_decree.pk
                region["valid_until"] = valid_from - datetime.timedelta(days=1)
                changed[code] = region
                change(code, RegionChange.Kind.ENDED, region["name"])
                report.ended += 1

        _insert(sorted(new, key=lambda values: _depth(values[0])))
        if changed:
            Region.objects.bulk_update(
                [Region(**region) for region in changed.values()],
                [c.removesuffix("_id") for c in COLUMNS[1:]],
                batch_size=BATCH,
            )
        RegionChange.objects.bulk_create(changes, batch_size=BATCH, ignore_conflicts=True)
        report.created = len(new)
        report.updated = len(changed) - report.ended
        if new or changed:
            audit_record(
                actor=actor,
                action="regions.tree.loaded",
                object_type="regions.decree",
                object_id=str(the_decree.pk),
                object_repr=(source or the_decree.number)[:200],
                after={
                    "decree": the_decree.number,
                    "valid_from": valid_from.isoformat(),
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "updated_codes": [c for c in changed if c in listed][:100],
                    "renamed": [c.region_id for c in changes if c.kind == "renamed"][:100],
                    "ended": [c.region_id for c in changes if c.kind == "ended"][:100],
                    "restored": [c.region_id for c in changes if c.kind == "restored"][:100],
                },
                source=source,
                only_changes=False,
            )
    return report
