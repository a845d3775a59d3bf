"""The registry's records, each declared once (fields, labels, codes, rules, sensitivity and
their column in the import/export file): models, forms, validation, the import's checks, exports,
API schemas and docs/import-layout.md derive from these. See docs/architecture.md."""

from .desil import DESIL_ENTRY
from .disability import PERSON_DISABILITY, PPKS_ASSESSMENT
from .dwelling import DWELLING
from .family import FAMILY
from .person import PERSON

__all__ = ["DESIL_ENTRY", "DWELLING", "FAMILY", "PERSON", "PERSON_DISABILITY", "PPKS_ASSESSMENT"]
