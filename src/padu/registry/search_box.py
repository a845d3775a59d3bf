"""What the search box of the family and person lists holds: a NIK or KK number, or a name with
what staff know beside it, which narrows the people found by the name:

- a year of birth (4 digits): "Siti Aminah 1978";
- a date of birth, dd-mm-yyyy, dd/mm/yyyy or dd.mm.yyyy: "Siti Aminah 30-10-1978";
- a kecamatan or kelurahan of the user's area by its name, after the name: "Siti Aminah Koto
  Tangah" (the words of a place at the start are taken as the name: "Jati" is a name too);
- an RT and RW: "RT 3", "RW 05", "RT/RW 003/005", or "003/005".

`parse_search` reads the text (the places the user may name are given, by the selector), and
raises `SearchError` with a message for the user when a part is not understood; the name part is
what the name search (selectors.search) looks for, the rest are filters (`selectors.lists`).
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padu.core.errors import DomainError

RT_RW = re.compile(r"\brt\s*/\s*rw\s*[.:]?\s*(\d{1,3})\s*/\s*(\d{1,3})(?![\d/])")
RT = re.compile(r"\brt\s*[.:]?\s*(\d{1,3})(?!\d)")
RW = re.compile(r"\brw\s*[.:]?\s*(\d{1,3})(?!\d)")
DATE = re.compile(r"(?<![\d/.-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?![\d/.-])")
PAIR = re.compile(r"(?<![\d/])(\d{1,3})\s*/\s*(\d{1,3})(?![\d/])")
YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
DIGITS = re.compile(r"\S*\d\S*")
FIRST_YEAR = 1900
RT_WIDTH = 3


class SearchError(DomainError):
    code = "search"


@dataclasses.dataclass(frozen=True)
class Search:
    """A search box's text, read. `name` is the text left for the name search."""

    name: str = ""
    birth_year: int | None = None
    birth_date: datetime.date | None = None
    places: tuple[str, ...] = ()  # region codes: a kecamatan or kelurahan (several of one name)
    rt: str | None = None
    rw: str | None = None

    @property
    def by_birth(self) -> bool:
        return self.birth_year is not None or self.birth_date is not None


def parse_search(
    text: str, *, places: Iterable[tuple[str, str]] = (), birth: bool = True
) -> Search:
    """Read a search box's text that is not a NIK or KK number. `places`: (code, name) of the
    regions the user may name; `birth`: whether the user may search by date of birth (a role
    that sees masked numbers may not: disclosure.py)."""
    found: dict = {}
    rest = text.lower()

    def take(pattern: re.Pattern, read) -> None:
        nonlocal rest
        while match := pattern.search(rest):
            read(match)
            rest = rest[: match.start()] + " " + rest[match.end() :]

    def rt_rw(rt: str | None, rw: str | None) -> None:
        if rt is not None:
            found["rt"] = rt.zfill(RT_WIDTH)
        if rw is not None:
            found["rw"] = rw.zfill(RT_WIDTH)

    take(RT_RW, lambda m: rt_rw(m[1], m[2]))
    take(RT, lambda m: rt_rw(m[1], None))
    take(RW, lambda m: rt_rw(None, m[1]))
    take(DATE, lambda m: _birth(found, date=_date(m)))
    take(PAIR, lambda m: rt_rw(m[1], m[2]))
    take(YEAR, lambda m: _birth(found, year=_year(m[1])))
    if stray := DIGITS.search(rest):
        raise SearchError(
            _(
                "Not understood: %(value)s. Beside a name, write a year of birth (1978), a date "
                "of birth (30-10-1978) or an RT/RW (003/005)."
            )
            % {"value": stray.group()}
        )
    if not birth and ("birth_year" in found or "birth_date" in found):
        raise SearchError(_("Your role may not search by date of birth."))
    words = [w for w in rest.split() if any(c.isalpha() for c in w)]
    name = " ".join(_without_place(words, places, found))
    if not name:
        raise SearchError(_("Write a name beside the year, date of birth, place or RT/RW."))
    return Search(name=name, **found)


def place_words(name: str) -> tuple[str, ...]:
    """A place name as words, for comparing: lower case, letters only ("Koto Tangah")."""
    return tuple(w for w in re.sub(r"[^a-z]+", " ", name.lower()).split() if w)


def _without_place(words: list[str], places: Iterable[tuple[str, str]], found: dict) -> list[str]:
    """The words without the longest place name found after the first word."""
    index: dict[tuple[str, ...], list[str]] = {}
    for code, name in places:
        index.setdefault(place_words(name), []).append(code)
    index.pop((), None)
    if not index:
        return words
    longest = max(len(k) for k in index)
    bare = [place_words(w) for w in words]
    best = None
    for start in range(1, len(words)):
        for size in range(min(longest, len(words) - start), 0, -1):
            run = tuple(part for w in bare[start : start + size] for part in w)
            if run in index and (best is None or size > best[1]):
                best = (start, size, index[run])
    if best is None:
        return words
    start, size, codes = best
    found["places"] = tuple(sorted(codes))
    return words[:start] + words[start + size :]


def _birth(found: dict, *, date: datetime.date | None = None, year: int | None = None) -> None:
    if "birth_date" in found or "birth_year" in found:
        raise SearchError(_("Write one year or date of birth."))
    if date is not None:
        found["birth_date"] = date
    else:
        found["birth_year"] = year


def _year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise SearchError(_("%(value)s is not a year of birth.") % {"value": text})
    return year


def _date(match: re.Match) -> datetime.date:
    try:
        day = datetime.date(int(match[4]), int(match[3]), int(match[1]))
    except ValueError:
        day = None
    if day is None or day.year < FIRST_YEAR or day > timezone.localdate():
        raise SearchError(
            _("%(value)s is not a date of birth. Write it as dd-mm-yyyy, e.g. 30-10-1978.")
            % {"value": match.group()}
        )
    return day
