"""Writes on the registry: families (`families`), their members (`people`), their status
transitions (`transitions`), dwellings (`dwellings`), splitting a family and moving a member
between families (`splits`), PPKS categories (`ppks`), and a person's disability records and PPKS
assessments (`disabilities`).

Every function takes the acting user, checks `Cap.REGISTRY_EDIT` (PPKS: `Cap.REFERENCE_MANAGE`,
a family's desil history (`desil`): `Cap.DESIL_CORRECT`)
and the actor's area, validates with the records' declarations (`registry.declarations`), locks
the rows it changes, writes in one transaction and leaves an audit entry whose `region_code` is
the family's kelurahan, so that the trail is scoped like the data (`base.audited_save`). Nothing
is deleted: people and families leave through status transitions. Errors raise
`ValidationFailed` keyed by field (`members.<i>.<field>` for the members of a new family);
plausibility warnings raise `WarningsNeedConfirmation` unless `confirm_warnings=True`, and
confirmed warnings are kept in the audit entry.
"""

from .desil import family_correct_desil, family_record_muskel_desil
from .disabilities import person_disability_end, person_disability_record, person_ppks_assess
from .dwellings import dwelling_update, family_move_dwelling
from .families import family_change_head, family_register, family_update
from .people import person_add, person_update
from .ppks import ppks_category_create, ppks_category_set_active, ppks_category_update
from .splits import family_split, person_move_family
from .transitions import (
    FAMILY_TRANSITIONS,
    PERSON_TRANSITIONS,
    family_change_status,
    family_mark_dissolved,
    family_mark_duplicate,
    family_mark_moved,
    family_mark_not_found,
    family_mark_well_off,
    family_reactivate,
    person_change_status,
    person_mark_duplicate,
    person_record_death,
    person_record_move,
    person_record_not_found,
    person_record_return,
)

__all__ = [
    "FAMILY_TRANSITIONS",
    "PERSON_TRANSITIONS",
    "dwelling_update",
    "family_change_head",
    "family_change_status",
    "family_correct_desil",
    "family_mark_dissolved",
    "family_mark_duplicate",
    "family_mark_moved",
    "family_mark_not_found",
    "family_mark_well_off",
    "family_move_dwelling",
    "family_reactivate",
    "family_record_muskel_desil",
    "family_register",
    "family_split",
    "family_update",
    "person_add",
    "person_change_status",
    "person_disability_end",
    "person_disability_record",
    "person_mark_duplicate",
    "person_move_family",
    "person_ppks_assess",
    "person_record_death",
    "person_record_move",
    "person_record_not_found",
    "person_record_return",
    "person_update",
    "ppks_category_create",
    "ppks_category_set_active",
    "ppks_category_update",
]
