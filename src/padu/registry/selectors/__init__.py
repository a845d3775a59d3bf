"""Scoped reads of the registry: one family or person and the home/region counts (`records`), the
lists with their filters (`lists`), name and number search (`search`), the history of a record
(`history`). Every query of families or people starts with `families_visible`/`people_visible`.
"""

from .disabilities import disability_get, person_disabilities, person_ppks_assessments
from .disability_filter import (
    DISABILITY_ANY,
    DISABILITY_FILTERS,
    DISABILITY_MULTIPLE,
    disability_q,
    with_disabilities,
)
from .history import (
    family_desil_timeline,
    family_timeline,
    import_registrations,
    person_timeline,
)
from .lists import (
    AGE_BANDS,
    DESIL_NONE,
    FAMILY_DEFAULT_SORT,
    FAMILY_SORTS,
    PERSON_DEFAULT_SORT,
    PERSON_SORTS,
    age_band_range,
    family_list,
    list_count,
    parse_desil,
    person_list,
)
from .records import (
    dwelling_by_reference,
    dwelling_families,
    dwelling_get,
    dwellings_visible,
    families_visible,
    family_by_number,
    family_get,
    family_members,
    home_summary,
    people_visible,
    person_get,
    ppks_categories_with_counts,
    region_population_counts,
)
from .search import NUMBER_LENGTH, clean_number, name_search_thresholds, read_search

__all__ = [
    "AGE_BANDS",
    "DESIL_NONE",
    "DISABILITY_ANY",
    "DISABILITY_FILTERS",
    "DISABILITY_MULTIPLE",
    "FAMILY_DEFAULT_SORT",
    "FAMILY_SORTS",
    "NUMBER_LENGTH",
    "PERSON_DEFAULT_SORT",
    "PERSON_SORTS",
    "age_band_range",
    "clean_number",
    "disability_get",
    "disability_q",
    "dwelling_by_reference",
    "dwelling_families",
    "dwelling_get",
    "dwellings_visible",
    "families_visible",
    "family_by_number",
    "family_desil_timeline",
    "family_get",
    "family_list",
    "family_members",
    "family_timeline",
    "home_summary",
    "import_registrations",
    "list_count",
    "name_search_thresholds",
    "parse_desil",
    "people_visible",
    "person_disabilities",
    "person_get",
    "person_list",
    "person_ppks_assessments",
    "person_timeline",
    "ppks_categories_with_counts",
    "read_search",
    "region_population_counts",
    "with_disabilities",
]
